import { createHash } from 'node:crypto';
import type { FakeState, Tags } from './types.js';

/** What every service module gets: the state, where the account is, the clock and shared helpers. */
type Handler = (input: Record<string, unknown>) => unknown;
export type Handlers = Record<string, Handler>;

/** A typed handler: the input is the SDK command's input (unchecked, as AWS would receive it). */
export const on =
  <T>(fn: (input: T) => unknown): Handler =>
  (input) =>
    fn(input as T);

/** What an injected Invoke handler is given and may return (see FakeAws.onInvoke). */
export interface InvokeRequest {
  functionName: string;
  /** The parsed payload (undefined when there is none). */
  event: unknown;
  /** The function's environment, with AWS_LAMBDA_FUNCTION_NAME and AWS_REGION as Lambda sets them. */
  environment: Record<string, string>;
  invocationType: string;
  log: (line: string) => void;
}
export interface InvokeAnswer {
  payload?: unknown;
  /** Lines for the log tail and the log group (besides START/END/REPORT). */
  logs?: string[];
  /** A function error: Lambda answers 200 with FunctionError "Unhandled" and this as the payload. */
  error?: { errorType: string; errorMessage: string };
}
export type InvokeHandler = (
  request: InvokeRequest,
) => InvokeAnswer | undefined | Promise<InvokeAnswer | undefined>;

/** A propagation window opened by an IAM change: refused calls so far, and when it opened. */
export interface Window {
  at: number;
  refused: number;
}

export interface Timing {
  /** After an IAM change, Lambda refuses the role for this many calls … */
  iamCalls: number;
  /** … and/or for this many ms of the fake's clock. */
  iamMs: number;
  /** GetFunction reads before a created/updated function settles (Pending → Active, InProgress → Successful). */
  functionSettleReads: number;
  /** Reads before an event source mapping settles (Creating → Enabled, Deleting → gone). */
  mappingSettleReads: number;
}

export interface Env {
  state: FakeState;
  account: string;
  region: string;
  partition: string;
  timing: Timing;
  now(): number;
  arn(service: string, resource: string, regional?: boolean): string;
  serial(): number;
  uuid(): string;
  /** True while seeding through `call`: propagation windows do not apply. */
  seeding(): boolean;
  /** IAM changes per role name: trust (CreateRole, UpdateAssumeRolePolicy) and permissions (policies). */
  windows: { trust: Map<string, Window>; policy: Map<string, Window> };
  invokeHandler(): InvokeHandler | undefined;
  /** Another command of the fake, without scripted failures (the delivery chain between services). */
  call(client: string, command: string, input: object): Promise<unknown>;
}

/** Is `role`'s propagation window still open? Counts the refusal when it is. */
export function refusedByWindow(env: Env, windows: Map<string, Window>, role: string): boolean {
  const w = windows.get(role);
  if (!w || env.seeding()) return false;
  const open = w.refused < env.timing.iamCalls || env.now() - w.at < env.timing.iamMs;
  if (open) w.refused += 1;
  return open;
}

export function openWindow(env: Env, windows: Map<string, Window>, role: string): void {
  windows.set(role, { at: env.now(), refused: 0 });
}

export const clone = <T>(value: T): T => (value === undefined ? value : structuredClone(value));

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('base64');
export const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

export function tagList(tags: Tags, k = 'Key', v = 'Value'): Array<Record<string, string>> {
  return Object.entries(tags).map(([a, b]) => ({ [k]: a, [v]: b }));
}

export function tagMap(list: ReadonlyArray<object> | undefined, k = 'Key', v = 'Value'): Tags {
  const out: Tags = {};
  for (const item of list ?? []) {
    const t = item as Record<string, unknown>;
    if (typeof t[k] === 'string') out[t[k]] = String(t[v] ?? '');
  }
  return out;
}

/** One page of `items` from an offset token ("" or undefined: the start). undefined when the token is bad. */
export function page<T>(
  items: readonly T[],
  token: string | undefined,
  size: number,
): { items: T[]; next: string | undefined } | undefined {
  const start = token ? Number(token.replace(/^token-/, '')) : 0;
  if (!Number.isInteger(start) || start < 0 || (token !== undefined && !token.startsWith('token-')))
    return undefined;
  const end = start + size;
  return { items: items.slice(start, end), next: end < items.length ? `token-${end}` : undefined };
}
