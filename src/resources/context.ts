import type { AwsClients } from '../aws/clients.js';
import type { Clock } from '../clock.js';
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
  /** Time, waiting (backoff, polls), jitter and ids: the command's one clock. */
  clock: Clock;
  /** Aborted on Ctrl-C: waits pass it to clock.sleep, and an undo runs without it (see forUndo). */
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
/** `remove`: only disconnect --every-alarm plans removals (teardown has its own plan). */
type PlanAction = 'create' | 'update' | 'unchanged' | 'remove';

export interface PlanItem {
  resource: string;
  name: string;
  action: PlanAction;
  /** Why, for update/create when not obvious, e.g. ["threshold 50 → 80"]. */
  changes?: string[];
}

type Change = 'created' | 'updated' | 'unchanged';

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

export function createStackContext(opts: {
  clients: AwsClients;
  names: StackNames;
  region: string;
  account: string;
  partition: string;
  note?: (message: string) => void;
  clock: Clock;
  signal?: AbortSignal | undefined;
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
    clock: opts.clock,
    signal: opts.signal,
    ...(opts.connection ? { connection: opts.connection } : {}),
  };
}
