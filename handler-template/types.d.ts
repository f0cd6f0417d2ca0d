// Types of the notifier's modules, for checkJs and for the CLI (`preview` imports format.mjs and deliver.mjs
// at run time). Not zipped: only the .mjs files run.

export type Json = Record<string, unknown>;

export interface Text {
  type: string;
  text: string;
  emoji?: boolean;
}

export interface Block {
  type: string;
  text?: Text;
  fields?: Text[];
  elements?: Json[];
}

export interface SlackPayload {
  /** Plain fallback for notifications, e.g. "🔴 ALARM: mission-cpu-alarm in Asia Pacific (Seoul)". */
  text: string;
  blocks: Block[];
  /** Alarms: one attachment, coloured by state, with the details. */
  attachments?: Array<{ color: string; fallback: string; blocks: Block[] }>;
  channel?: string;
}

/** slackChannel (sent as `channel`) and slackMention (ALARM messages only). */
export interface FormatOptions {
  channel?: string | undefined;
  mention?: string | undefined;
}

export interface SnsRecord {
  EventSubscriptionArn?: unknown;
  Sns?: { Message?: unknown; Subject?: unknown; TopicArn?: unknown; MessageId?: unknown };
}

export interface SnsEvent {
  Records?: SnsRecord[];
}

export interface DeliverSettings {
  /** Longest wait for one answer. */
  attemptTimeoutMs: number;
  /** First backoff, doubled each retry up to maxDelayMs (a 429's or 503's Retry-After wins when longer). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Attempts at most, budget or not (a call without remainingMs would otherwise retry forever). */
  maxAttempts: number;
  /** Time kept back so that the function can still report its error before it times out. */
  safetyMarginMs: number;
  /** An attempt with less time than this is not started. */
  minAttemptMs: number;
  /** In [0, 1): each backoff step is cut by up to half of it (tests pin it). */
  random: () => number;
  sleep: (ms: number) => Promise<void>;
  log: (line: string) => void;
}

export interface DeliverOptions extends Partial<DeliverSettings> {
  /** Time left in the invocation (context.getRemainingTimeInMillis); unlimited when absent. */
  remainingMs?: (() => number) | undefined;
}

/** The environment, and delivery settings (sleep, random… for tests) passed on to postToSlack. */
export interface HandlerDeps extends Partial<DeliverSettings> {
  env?: Record<string, string | undefined>;
}

/** What `preview` uses of format.mjs. */
export interface FormatModule {
  formatRecord(record: SnsRecord, options?: FormatOptions): SlackPayload;
  formatAlarm(alarm: Json, options?: FormatOptions, snsArn?: string): SlackPayload;
}

/** What `preview` uses of deliver.mjs. */
export interface DeliverModule {
  postToSlack(url: string, payload: unknown, options?: DeliverOptions): Promise<{ attempts: number }>;
}
