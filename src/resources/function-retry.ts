import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { awsErrorName, awsMessage, CliError, InterruptedError } from '../errors.js';
import type { StackContext } from './context.js';

/**
 * Retrying Lambda calls through AWS's eventual consistency, and waiting for a function to settle (the
 * SDK waiters' acceptors, polled through the stack's clock). Shared by function.ts and permission.ts.
 */
/** How long IAM/KMS changes take to reach Lambda, at most, before we give up (AWS: "several seconds"). */
const PROPAGATION_BUDGET_MS = 120_000;
/** How long we wait for a function's previous update to finish before giving up on a conflict. */
const CONFLICT_BUDGET_MS = 120_000;
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 10_000;

/** How long we poll for a function to become Active / updated, and the delays between polls (the SDK waiters'). */
const WAIT_MS = 300_000;
const POLL_FIRST_MS = 1_000;
const POLL_MAX_MS = 5_000;

/**
 * What a KMS error names when waiting cannot help: a key disabled, pending deletion or otherwise in an
 * invalid state, or a caller who may not create grants on it.
 */
const PERMANENT_KMS =
  /KMSInvalidStateException|DisabledException|pending deletion|PendingDeletion|is disabled|invalid state|not authorized to perform:? kms:CreateGrant/i;

/** Which propagation an error waits for: IAM (the new role or its policies) or KMS (the key, its grant). */
type PropagationCause = 'iam' | 'kms';

/**
 * The errors Lambda returns while a role or its policies, or the key's grants, have not propagated yet,
 * by cause. They clear on their own within seconds; anything else (a real validation error, a disabled
 * or pending-deletion key, a caller without kms:CreateGrant) is undefined: not retried.
 */
export function propagationCause(error: unknown): PropagationCause | undefined {
  const name = awsErrorName(error);
  const message = error instanceof Error ? error.message : '';
  if (name !== 'KMSAccessDeniedException' && name !== 'InvalidParameterValueException') return undefined;
  if (/Key Aliases are not supported/i.test(message)) return undefined; // a real mistake, never clears
  if (PERMANENT_KMS.test(message)) return undefined;
  if (/cannot be assumed by Lambda/i.test(message)) return 'iam';
  if (/execution role does not have permissions/i.test(message)) return 'iam';
  // KMS does not know the new role yet ("ARN does not refer to a valid principal"): IAM is propagating.
  if (/does not refer to a valid principal/i.test(message)) return 'iam';
  if (name === 'KMSAccessDeniedException' || /Lambda was unable to .*KMS key/i.test(message)) return 'kms';
  return undefined;
}

/**
 * ResourceConflictException while another update of the function is in progress ("The operation cannot
 * be performed at this time. An update is in progress for resource: …"). Not the other meaning of the
 * same code: "Function already exist" or "The statement id (…) provided already exists".
 */
function isUpdateConflict(error: unknown): boolean {
  if (awsErrorName(error) !== 'ResourceConflictException') return false;
  const message = error instanceof Error ? error.message : '';
  return !/already exist/i.test(message);
}

/** A failure we word ourselves (not AWS's error code): printed as its message alone, with a hint. */
export class FunctionError extends CliError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.name = 'FunctionError';
  }
}

class PropagationTimeoutError extends FunctionError {
  constructor(message: string, cause: unknown) {
    super(message, {
      cause,
      hint: 'IAM or KMS changes normally reach Lambda within seconds. Check the role trusts lambda.amazonaws.com and the key is Enabled, then re-run `alarm-to-slack init`.',
    });
  }
}

/**
 * The context an undo runs with: rollback happens precisely after Ctrl-C aborted the run, so it must
 * not inherit the aborted signal (its retries, waiters and downloads would stop at once).
 */
export function forUndo(ctx: StackContext): StackContext {
  return { ...ctx, signal: undefined };
}

function throwIfAborted(ctx: StackContext): void {
  if (ctx.signal?.aborted)
    throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new InterruptedError();
}

/**
 * Calls `call` until it succeeds, retrying IAM/KMS propagation errors and in-progress update conflicts
 * with exponential backoff (1 s, 2 s, 4 s … capped at 10 s) through ctx.sleep, for up to ~2 minutes
 * each. Any other error is thrown at once.
 */
export async function withLambdaRetry<T>(
  ctx: StackContext,
  call: () => Promise<T>,
  opts: { propagation?: boolean; conflicts?: boolean } = { propagation: true, conflicts: true },
): Promise<T> {
  const started = ctx.clock.now();
  let slept = 0;
  let attempt = 1;
  let delay = FIRST_DELAY_MS;
  for (;;) {
    throwIfAborted(ctx);
    try {
      return await call();
    } catch (error) {
      const cause = opts.propagation === true ? propagationCause(error) : undefined;
      const propagation = cause !== undefined;
      const conflict = opts.conflicts === true && isUpdateConflict(error);
      if (!propagation && !conflict) throw error;
      const budget = propagation ? PROPAGATION_BUDGET_MS : CONFLICT_BUDGET_MS;
      const elapsed = Math.max(ctx.clock.now() - started, slept);
      if (elapsed + delay > budget) {
        const seconds = Math.round(budget / 1000);
        const what =
          cause === 'iam'
            ? `IAM did not propagate to Lambda within about ${seconds / 60} minutes`
            : cause === 'kms'
              ? `KMS did not accept the key or its grant for Lambda within about ${seconds / 60} minutes`
              : `The function was still being updated after about ${seconds / 60} minutes`;
        throw new PropagationTimeoutError(
          `${what} (${attempt} attempts); AWS said: ${awsMessage(error)}`,
          error,
        );
      }
      attempt += 1;
      ctx.note(
        cause === 'iam'
          ? `Waiting for IAM to propagate the new role (attempt ${attempt})…`
          : cause === 'kms'
            ? `Waiting for KMS to accept the new key/grant (attempt ${attempt})…`
            : `Waiting for the function's previous update to finish (attempt ${attempt})…`,
      );
      await ctx.clock.sleep(delay, ctx.signal);
      slept += delay;
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}

type Goal = 'Active' | 'Updated';

/** What a poll of GetFunction says: settled, still going, or failed (with AWS's reason). */
function verdict(
  goal: Goal,
  c: {
    State?: string | undefined;
    StateReason?: string | undefined;
    StateReasonCode?: string | undefined;
    LastUpdateStatus?: string | undefined;
    LastUpdateStatusReason?: string | undefined;
    LastUpdateStatusReasonCode?: string | undefined;
  },
): 'done' | 'wait' | string {
  if (goal === 'Active') {
    if (c.State === 'Active') return 'done';
    if (c.State === 'Failed') return [c.StateReasonCode, c.StateReason ?? c.State].filter(Boolean).join(': ');
    return 'wait';
  }
  if (c.LastUpdateStatus === 'Successful') return 'done';
  if (c.LastUpdateStatus === 'Failed')
    return [c.LastUpdateStatusReasonCode, c.LastUpdateStatusReason ?? c.LastUpdateStatus]
      .filter(Boolean)
      .join(': ');
  return 'wait';
}

/**
 * Polls GetFunction until the function is Active (after CreateFunction) or its last update
 * Successful (after an update), as the SDK's FunctionActiveV2 / FunctionUpdatedV2 waiters do: at once,
 * then after 1 s, doubling up to 5 s, for at most 5 minutes; Failed throws AWS's reason. Ctrl-C stops it.
 */
async function waitFor(ctx: StackContext, goal: Goal): Promise<void> {
  const fn = ctx.names.functionName;
  const started = ctx.clock.now();
  let delay = POLL_FIRST_MS;
  for (;;) {
    throwIfAborted(ctx);
    const out = await ctx.clients
      .get(LambdaClient)
      .send(new GetFunctionCommand({ FunctionName: fn }), ctx.signal ? { abortSignal: ctx.signal } : {});
    const seen = verdict(goal, out.Configuration ?? {});
    if (seen === 'done') return;
    if (seen !== 'wait') {
      throw new FunctionError(
        goal === 'Active'
          ? `Lambda function ${fn} failed to become Active: ${seen}`
          : `Lambda function ${fn} update failed: ${seen}`,
      );
    }
    if (ctx.clock.now() - started + delay > WAIT_MS) {
      throw new FunctionError(
        `Lambda function ${fn} did not become ${goal === 'Active' ? 'Active' : 'updated'} in time.`,
      );
    }
    try {
      await ctx.clock.sleep(delay, ctx.signal);
    } catch (error) {
      throwIfAborted(ctx);
      throw error;
    }
    delay = Math.min(delay * 2, POLL_MAX_MS);
  }
}

/** After CreateFunction: until State is Active (Failed throws). */
export function waitActive(ctx: StackContext): Promise<void> {
  return waitFor(ctx, 'Active');
}

/** After UpdateFunctionConfiguration/UpdateFunctionCode: until LastUpdateStatus is Successful. */
export function waitUpdated(ctx: StackContext): Promise<void> {
  return waitFor(ctx, 'Updated');
}
