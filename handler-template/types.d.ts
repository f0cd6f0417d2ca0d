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
  /** Epoch ms of the posting: an alarm posted more than 2 minutes after its state change says it is late. */
  now?: number | undefined;
}

export interface SnsRecord {
  EventSource?: unknown;
  EventSubscriptionArn?: unknown;
  Sns?: {
    Message?: unknown;
    Subject?: unknown;
    TopicArn?: unknown;
    MessageId?: unknown;
    /** `alarm-to-slack-test: {Type: 'String', Value: 'true'}` marks the CLI's test events. */
    MessageAttributes?: unknown;
  };
}

export interface SnsEvent {
  Records?: SnsRecord[];
}

/** An EventBridge event as a rule's Lambda target receives it. */
export interface EventBridgeEvent {
  id?: unknown;
  'detail-type'?: unknown;
  source?: unknown;
  account?: unknown;
  time?: unknown;
  region?: unknown;
  resources?: unknown;
  detail?: unknown;
}

/** A record of an SQS event source mapping (or of the CLI's `replay`, which builds the same shape). */
export interface SqsRecord {
  messageId?: unknown;
  receiptHandle?: unknown;
  body?: unknown;
  eventSource?: unknown;
  eventSourceARN?: unknown;
}

/** What Lambda writes to an on-failure destination; the handler writes the same on a 429 hand-off. */
export interface InvocationRecord {
  version: '1.0';
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: string;
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  responseContext?: unknown;
  responsePayload: { errorType: string; errorMessage: string };
}

/** What the handler uses of Lambda's context. */
export interface LambdaContext {
  getRemainingTimeInMillis?: () => number;
  awsRequestId?: string;
  invokedFunctionArn?: string;
}

/** SQS events: the records not posted (Lambda or `replay` leaves them in the queue). */
export interface BatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** Direct invocations (SNS, EventBridge, anything else). */
export interface DirectResult {
  delivered: number;
  /** Posted by an earlier attempt, or delivered through the EventBridge rule instead. */
  skipped?: number;
  /** Handed to the undelivered queue after a 429. */
  queued?: number;
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
  /** The clock (epoch ms): Retry-After dates, and the late line. */
  now: () => number;
}

export interface DeliverOptions extends Partial<DeliverSettings> {
  /** Time left in the invocation (context.getRemainingTimeInMillis); unlimited when absent. */
  remainingMs?: (() => number) | undefined;
  /** A 429 is thrown at once instead of waited out (the handler then hands the event to the queue). */
  failOnRateLimit?: boolean;
}

/** The environment, and delivery settings (sleep, random, now… for tests) passed on to postToSlack. */
export interface HandlerDeps extends Partial<DeliverSettings> {
  env?: Record<string, string | undefined>;
  /** Queue path: least time between the starts of two posts of one invocation (Slack: ~1 per second). */
  paceMs?: number;
}

/** What `preview` uses of format.mjs. */
export interface FormatModule {
  formatRecord(record: SnsRecord, options?: FormatOptions): SlackPayload;
  formatAlarm(alarm: Json, options?: FormatOptions, snsArn?: string): SlackPayload;
  /** Any EventBridge event: "CloudWatch Alarm State Change" as an alarm, anything else as a short message. */
  formatEventBridge(event: unknown, options?: FormatOptions): SlackPayload;
}

/** What `preview` uses of deliver.mjs. */
export interface DeliverModule {
  postToSlack(url: string, payload: unknown, options?: DeliverOptions): Promise<{ attempts: number }>;
}
