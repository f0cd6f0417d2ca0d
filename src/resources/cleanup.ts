/**
 * When an ensure* fails halfway (CreateFunction accepted, then the function never became Active), it
 * removes what it already made before throwing, so that a failed step leaves nothing for the runner's
 * rollback to miss. When that cleanup fails too, or is skipped because of --no-rollback, the error says
 * so and names what was left behind: the summary must not claim that nothing of the stack remains.
 */
import { awsMessage, CliError } from '../errors.js';
import type { StackContext } from './context.js';

export class CleanupError extends CliError {
  /** What the failed call left behind, e.g. ["Lambda function mission-lambda"]. */
  readonly leftBehind: string[];
  constructor(error: unknown, leftBehind: string[], why: string) {
    // AWS's error code stays in front: "AccessDeniedException: …; removing it failed too (…)".
    super(`${awsMessage(error)}; ${why}`, { cause: error });
    this.name = 'CleanupError';
    this.leftBehind = leftBehind;
  }
}

/** What a failed ensure* left behind (empty when it cleaned up after itself, or had nothing to). */
export function leftBehindBy(error: unknown): string[] {
  return error instanceof CleanupError ? error.leftBehind : [];
}

/**
 * Rethrows `error` after undoing what the failing call already did (`what` names it). With rollback off
 * the partial resource is kept; when the undo fails, it remains: either way a CleanupError names it.
 * `verb` words the undo for the message ("removing", "restoring").
 */
export async function cleanUpAndThrow(
  ctx: StackContext,
  error: unknown,
  what: string,
  undo: () => Promise<unknown>,
  verb = 'removing it',
): Promise<never> {
  if (ctx.rollback === false) throw new CleanupError(error, [what], `${what} was kept (--no-rollback)`);
  try {
    await undo();
  } catch (undoError) {
    throw new CleanupError(error, [what], `${verb} failed too (${awsMessage(undoError)}): ${what} remains`);
  }
  throw error;
}

export type Write = { run: () => Promise<unknown>; undo: () => Promise<unknown> };

/**
 * Runs independent writes on one resource concurrently. When one fails, the ones that succeeded are
 * undone (so a failed ensure leaves nothing half-changed) and the first failure is thrown; `what` names
 * the resource for the message when that undo fails too. Returns the undo of all the writes.
 */
export async function applyAll(
  ctx: StackContext,
  writes: Write[],
  what: string,
): Promise<() => Promise<void>> {
  const results = await Promise.allSettled(writes.map((w) => w.run()));
  const done = writes.filter((_, i) => results[i]?.status === 'fulfilled');
  const undoAll = async () => {
    await Promise.all(done.map((w) => w.undo()));
  };
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    if (done.length === 0) throw failed.reason;
    await cleanUpAndThrow(ctx, failed.reason, what, undoAll, 'reverting the rest');
  }
  return undoAll;
}

/** Runs writes one after the other; on a failure, undoes the ones done (in reverse) as applyAll does. */
export async function applyInOrder(
  ctx: StackContext,
  writes: Write[],
  what: string,
): Promise<() => Promise<void>> {
  const done: Write[] = [];
  const undoAll = async () => {
    for (const w of [...done].reverse()) await w.undo();
  };
  for (const w of writes) {
    try {
      await w.run();
    } catch (error) {
      if (done.length === 0) throw error;
      return cleanUpAndThrow(ctx, error, what, undoAll, 'reverting the rest');
    }
    done.push(w);
  }
  return undoAll;
}
