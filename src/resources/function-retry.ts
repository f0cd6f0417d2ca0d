import { waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { awsErrorName, awsMessage, CliError, InterruptedError } from '../errors.js';
import { defaultSleep, type StackContext } from './context.js';

/**
 * Retrying Lambda calls through AWS's eventual consistency, and waiting for a function to settle with
 * the SDK's own waiters. Shared by function.ts and permission.ts.
 */

/** How long IAM/KMS changes take to reach Lambda, at most, before we give up (AWS: "several seconds"). */
export const PROPAGATION_BUDGET_MS = 120_000;
/** How long we wait for a function's previous update to finish before giving up on a conflict. */
export const CONFLICT_BUDGET_MS = 120_000;
export const FIRST_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 10_000;

/** Waiter timing in seconds (the SDK's units). Production uses the SDK's defaults with a 300 s ceiling. */
export interface WaiterTiming {
  maxWaitTime?: number;
  minDelay?: number;
  maxDelay?: number;
}
export const WAIT_SECONDS = 300;

/**
 * What a KMS error names when waiting cannot help: a key disabled, pending deletion or otherwise in an
 * invalid state, or a caller who may not create grants on it.
 */
const PERMANENT_KMS =
  /KMSInvalidStateException|DisabledException|pending deletion|PendingDeletion|is disabled|invalid state|not authorized to perform:? kms:CreateGrant/i;

/** Which propagation an error waits for: IAM (the new role or its policies) or KMS (the key, its grant). */
export type PropagationCause = 'iam' | 'kms';

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

export function isPropagationError(error: unknown): boolean {
  return propagationCause(error) !== undefined;
}

/**
 * ResourceConflictException while another update of the function is in progress ("The operation cannot
 * be performed at this time. An update is in progress for resource: …"). Not the other meaning of the
 * same code: "Function already exist" or "The statement id (…) provided already exists".
 */
export function isUpdateConflict(error: unknown): boolean {
  if (awsErrorName(error) !== 'ResourceConflictException') return false;
  const message = error instanceof Error ? error.message : '';
  return !/already exist/i.test(message);
}

/**
 * A failure we word ourselves (not AWS's error code): named plain "Error" so that the step runner's
 * line shows the message alone, while the CLI still gets the hint and exit code of a CliError.
 */
export class FunctionError extends CliError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.name = 'Error';
  }
}

export class PropagationTimeoutError extends FunctionError {
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
  return {
    ...ctx,
    signal: undefined,
    sleep: (ms) => (ctx.signal?.aborted ? defaultSleep(ms) : ctx.sleep(ms)),
  };
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
  const started = Date.now();
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
      const elapsed = Math.max(Date.now() - started, slept);
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
      await ctx.sleep(delay);
      slept += delay;
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}

interface WaiterReason {
  Configuration?: {
    State?: string;
    StateReason?: string;
    StateReasonCode?: string;
    LastUpdateStatus?: string;
    LastUpdateStatusReason?: string;
    LastUpdateStatusReasonCode?: string;
  };
}

/** The SDK waiters throw a JSON dump of their last observation; turn it into AWS's own reason. */
function waiterFailure(ctx: StackContext, error: unknown, goal: 'Active' | 'Updated'): Error {
  if (awsErrorName(error) === 'AbortError' || ctx.signal?.aborted) {
    return ctx.signal?.reason instanceof Error ? ctx.signal.reason : new InterruptedError();
  }
  const fn = ctx.names.functionName;
  if (awsErrorName(error) === 'TimeoutError') {
    return new FunctionError(
      `Lambda function ${fn} did not become ${goal === 'Active' ? 'Active' : 'updated'} in time.`,
      { cause: error },
    );
  }
  let reason: WaiterReason | undefined;
  try {
    reason = (JSON.parse(error instanceof Error ? error.message : '') as { reason?: WaiterReason }).reason;
  } catch {
    reason = undefined;
  }
  const c = reason?.Configuration;
  const detail =
    goal === 'Active'
      ? [c?.StateReasonCode, c?.StateReason ?? c?.State]
      : [c?.LastUpdateStatusReasonCode, c?.LastUpdateStatusReason ?? c?.LastUpdateStatus];
  const text = detail.filter(Boolean).join(': ') || awsMessage(error);
  return new FunctionError(
    goal === 'Active'
      ? `Lambda function ${fn} failed to become Active: ${text}`
      : `Lambda function ${fn} update failed: ${text}`,
    { cause: error },
  );
}

function waiterParams(ctx: StackContext, timing: WaiterTiming | undefined) {
  return {
    client: ctx.clients.lambda,
    maxWaitTime: timing?.maxWaitTime ?? WAIT_SECONDS,
    ...(timing?.minDelay === undefined ? {} : { minDelay: timing.minDelay }),
    ...(timing?.maxDelay === undefined ? {} : { maxDelay: timing.maxDelay }),
    ...(ctx.signal ? { abortSignal: ctx.signal } : {}),
  };
}

/** After CreateFunction: the SDK waiter polls GetFunction until State is Active (Failed throws). */
export async function waitActive(ctx: StackContext, timing?: WaiterTiming): Promise<void> {
  try {
    await waitUntilFunctionActiveV2(waiterParams(ctx, timing), { FunctionName: ctx.names.functionName });
  } catch (error) {
    throw waiterFailure(ctx, error, 'Active');
  }
}

/** After UpdateFunctionConfiguration/UpdateFunctionCode: polls until LastUpdateStatus is Successful. */
export async function waitUpdated(ctx: StackContext, timing?: WaiterTiming): Promise<void> {
  try {
    await waitUntilFunctionUpdatedV2(waiterParams(ctx, timing), { FunctionName: ctx.names.functionName });
  } catch (error) {
    throw waiterFailure(ctx, error, 'Updated');
  }
}
