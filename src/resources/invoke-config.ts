/**
 * The notifier's asynchronous invocation config: SNS invokes it asynchronously, and when an alert still
 * fails after Lambda's 2 retries (or waits more than 6 hours), Lambda sends it to the on-failure
 * destination, the queue `<name>-undelivered`, instead of dropping it.
 *
 * No removal: DeleteFunction deletes the function with all its versions and aliases, and this config
 * is one of the function's (its API path is /functions/<name>/event-invoke-config); AWS's DeleteFunction
 * reference names event source mappings, and triggers configured in other services, as what outlives it.
 */
import {
  DeleteFunctionEventInvokeConfigCommand,
  type DestinationConfig,
  GetFunctionEventInvokeConfigCommand,
  LambdaClient,
  PutFunctionEventInvokeConfigCommand,
  type PutFunctionEventInvokeConfigRequest,
} from '@aws-sdk/client-lambda';
import { isNotFound } from '../errors.js';
import type { Ensured, PlanItem, StackContext } from './context.js';
import { forUndo, withLambdaRetry } from './function-retry.js';

/** Lambda's default and maximum: 2 retries. */
const INVOKE_RETRY_ATTEMPTS = 2;
/** Lambda's default and maximum: 6 hours. */
const INVOKE_MAX_EVENT_AGE_S = 21_600;

export interface InvokeConfigFound {
  maximumRetryAttempts: number | undefined;
  maximumEventAgeInSeconds: number | undefined;
  onFailure: string | undefined;
  onSuccess: string | undefined;
  lastModified: Date | undefined;
}

const lambda = (ctx: StackContext) => ctx.clients.get(LambdaClient);

/** GetFunctionEventInvokeConfig of the unqualified function; undefined when it has none (or no function). */
export async function findInvokeConfig(ctx: StackContext): Promise<InvokeConfigFound | undefined> {
  try {
    const out = await lambda(ctx).send(
      new GetFunctionEventInvokeConfigCommand({ FunctionName: ctx.names.functionName }),
    );
    return {
      maximumRetryAttempts: out.MaximumRetryAttempts,
      maximumEventAgeInSeconds: out.MaximumEventAgeInSeconds,
      onFailure: out.DestinationConfig?.OnFailure?.Destination || undefined,
      onSuccess: out.DestinationConfig?.OnSuccess?.Destination || undefined,
      lastModified: out.LastModified,
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The whole config as PutFunctionEventInvokeConfig is sent it: it replaces, so nothing is left out. */
function desiredInput(ctx: StackContext): PutFunctionEventInvokeConfigRequest {
  return {
    FunctionName: ctx.names.functionName,
    MaximumRetryAttempts: INVOKE_RETRY_ATTEMPTS,
    MaximumEventAgeInSeconds: INVOKE_MAX_EVENT_AGE_S,
    DestinationConfig: { OnFailure: { Destination: ctx.arns.queueArn } },
  };
}

/** A found config as PutFunctionEventInvokeConfig would recreate it exactly (for the undo). */
function inputOf(ctx: StackContext, found: InvokeConfigFound): PutFunctionEventInvokeConfigRequest {
  const destinations: DestinationConfig = {
    ...(found.onSuccess ? { OnSuccess: { Destination: found.onSuccess } } : {}),
    ...(found.onFailure ? { OnFailure: { Destination: found.onFailure } } : {}),
  };
  return {
    FunctionName: ctx.names.functionName,
    ...(found.maximumRetryAttempts === undefined ? {} : { MaximumRetryAttempts: found.maximumRetryAttempts }),
    ...(found.maximumEventAgeInSeconds === undefined
      ? {}
      : { MaximumEventAgeInSeconds: found.maximumEventAgeInSeconds }),
    ...(Object.keys(destinations).length > 0 ? { DestinationConfig: destinations } : {}),
  };
}

const hours = (s: number) => (s % 3600 === 0 ? `${s / 3600} h` : `${s} s`);

function changes(ctx: StackContext, found: InvokeConfigFound): string[] {
  const lines: string[] = [];
  const retries = found.maximumRetryAttempts ?? INVOKE_RETRY_ATTEMPTS;
  if (retries !== INVOKE_RETRY_ATTEMPTS) lines.push(`retry attempts ${retries} → ${INVOKE_RETRY_ATTEMPTS}`);
  const age = found.maximumEventAgeInSeconds ?? INVOKE_MAX_EVENT_AGE_S;
  if (age !== INVOKE_MAX_EVENT_AGE_S)
    lines.push(`maximum event age ${hours(age)} → ${hours(INVOKE_MAX_EVENT_AGE_S)}`);
  if (found.onFailure !== ctx.arns.queueArn)
    lines.push(`on-failure destination ${found.onFailure ?? '(none)'} → ${ctx.arns.queueArn}`);
  if (found.onSuccess) lines.push(`on-success destination ${found.onSuccess} would be removed`);
  return lines;
}

export function planInvokeConfig(ctx: StackContext, found: InvokeConfigFound | undefined): PlanItem {
  const item = { resource: 'Async invocation config', name: ctx.names.functionName };
  if (!found)
    return {
      ...item,
      action: 'create',
      changes: [
        `${INVOKE_RETRY_ATTEMPTS} retries, events kept ${hours(INVOKE_MAX_EVENT_AGE_S)}, on failure → ${ctx.names.queue}`,
      ],
    };
  const lines = changes(ctx, found);
  return lines.length === 0
    ? { ...item, action: 'unchanged' }
    : { ...item, action: 'update', changes: lines };
}

/** Retried while the role's new sqs:SendMessage has not reached Lambda, and while the function is updating. */
function put(ctx: StackContext, input: PutFunctionEventInvokeConfigRequest): Promise<unknown> {
  return withLambdaRetry(ctx, () => lambda(ctx).send(new PutFunctionEventInvokeConfigCommand(input)), {
    propagation: true,
    conflicts: true,
  });
}

/**
 * PutFunctionEventInvokeConfig with the whole config unless the found one is already exactly it (then
 * no call). Lambda refuses the destination ("The function's execution role does not have permissions
 * to call SendMessage on <queue ARN>") until the role's new policy has propagated: retried as IAM
 * propagation. Undo: the previous config put back as it was, or deleted when there was none.
 */
export async function ensureInvokeConfig(
  ctx: StackContext,
  found: InvokeConfigFound | undefined,
): Promise<Ensured<{ destination: string }>> {
  const value = { destination: ctx.arns.queueArn };
  if (found && changes(ctx, found).length === 0) return { change: 'unchanged', value };
  await put(ctx, desiredInput(ctx));
  const undo = async () => {
    const quiet = forUndo(ctx);
    if (found) {
      await put(quiet, inputOf(quiet, found));
      return;
    }
    try {
      await withLambdaRetry(
        quiet,
        () =>
          lambda(quiet).send(
            new DeleteFunctionEventInvokeConfigCommand({ FunctionName: quiet.names.functionName }),
          ),
        { conflicts: true },
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  };
  return { change: found ? 'updated' : 'created', value, undo };
}
