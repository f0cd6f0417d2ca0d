import type { AwsClients } from '../aws/clients.js';
import { STACK_TAG, type StackNames, stackArns } from '../names.js';

/** What every resource module needs: clients, names, where, and how to report and wait. */
export interface StackContext {
  clients: AwsClients;
  names: StackNames;
  region: string;
  account: string;
  partition: string;
  /** ARNs derived from names, account, region and partition. */
  arns: ReturnType<typeof stackArns>;
  /** A progress note on stderr (e.g. "waiting for IAM to propagate (attempt 3)…"). */
  note(message: string): void;
  /** Injected so that tests do not wait for real backoff; production uses timers. */
  sleep(ms: number): Promise<void>;
  signal?: AbortSignal | undefined;
  /**
   * false with --no-rollback: an ensure* that fails halfway keeps what it already made (and says so)
   * instead of removing it. Absent means true.
   */
  rollback?: boolean | undefined;
  /** The connection flags given (--profile, --endpoint-url), repeated in the commands our hints suggest. */
  connection?: { profile?: string | undefined; endpointUrl?: string | undefined } | undefined;
}

export type Tags = Record<string, string>;

/** Plan of one resource before a run. */
export type PlanAction = 'create' | 'update' | 'unchanged';

export interface PlanItem {
  resource: string;
  name: string;
  action: PlanAction;
  /** Why, for update/create when not obvious, e.g. ["threshold 50 → 80"]. */
  changes?: string[];
}

export type Change = 'created' | 'updated' | 'unchanged';

/** The outcome of ensuring a resource. `undo` reverts exactly what this call did (absent when unchanged). */
export interface Ensured<T> {
  change: Change;
  value: T;
  undo?: () => Promise<void>;
}

export type Ownership = 'ours' | 'other-stack' | 'untagged';

/** Whose a resource is, by its `alarm-to-slack:stack` tag. */
export function ownership(tags: Tags | undefined, stack: string): Ownership {
  const tag = tags?.[STACK_TAG];
  if (tag === undefined) return 'untagged';
  return tag === stack ? 'ours' : 'other-stack';
}

export function stackTags(stack: string): Tags {
  return { [STACK_TAG]: stack };
}

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function createStackContext(opts: {
  clients: AwsClients;
  names: StackNames;
  region: string;
  account: string;
  partition: string;
  note?: (message: string) => void;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
  connection?: StackContext['connection'];
}): StackContext {
  return {
    clients: opts.clients,
    names: opts.names,
    region: opts.region,
    account: opts.account,
    partition: opts.partition,
    arns: stackArns(opts.names, opts),
    note: opts.note ?? (() => {}),
    sleep: opts.sleep ?? ((ms) => defaultSleep(ms, opts.signal)),
    signal: opts.signal,
    ...(opts.connection ? { connection: opts.connection } : {}),
  };
}

/** True for the SDK's "not found" errors of any service. */
export function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name ?? '';
  return (
    name === 'NotFoundException' ||
    name === 'NotFound' ||
    name === 'ResourceNotFoundException' ||
    name === 'NoSuchEntityException' ||
    name === 'NoSuchEntity' ||
    (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 404
  );
}
