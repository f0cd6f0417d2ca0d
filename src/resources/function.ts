/**
 * Lambda function `<name>-lambda` running handler-template/: found with one GetFunction, planned
 * field by field, created or updated only where it differs (retrying IAM/KMS propagation, then polling
 * until it has settled), and removed. Its settings and types are in ./function-spec.ts.
 */
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  type GetFunctionCommandOutput,
  LambdaClient,
  TagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type UpdateFunctionConfigurationRequest,
} from '@aws-sdk/client-lambda';
import { isNotFound } from '../errors.js';
import { cleanUpAndThrow } from './cleanup.js';
import { type Ensured, type PlanItem, type StackContext, stackTags } from './context.js';
import { restoreFunction } from './function-restore.js';
import { forUndo, waitActive, waitUpdated, withLambdaRetry } from './function-retry.js';
import {
  ARCHITECTURE,
  ENVIRONMENT_KEYS,
  environmentVariables,
  type FunctionDesired,
  type FunctionEnvironment,
  type FunctionFound,
  HANDLER,
  MEMORY_MB,
  RUNTIME,
  sameEnvironmentValue,
  TIMEOUT_S,
} from './function-spec.js';
import { tagMissing, withTagPlan } from './stack-tag.js';

function functionDescription(ctx: StackContext): string {
  return `Posts CloudWatch alarms from ${ctx.names.topic} to Slack (alarm-to-slack stack ${ctx.names.stack})`;
}

/** One GetFunction: configuration, code location and tags. undefined when there is no such function. */
export async function findFunction(ctx: StackContext): Promise<FunctionFound | undefined> {
  let out: GetFunctionCommandOutput;
  try {
    out = await ctx.clients
      .get(LambdaClient)
      .send(new GetFunctionCommand({ FunctionName: ctx.names.functionName }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const c = out.Configuration ?? {};
  const envError = c.Environment?.Error;
  return {
    arn: c.FunctionArn ?? ctx.arns.functionArn,
    runtime: c.Runtime,
    handler: c.Handler,
    role: c.Role,
    memorySize: c.MemorySize,
    timeout: c.Timeout,
    codeSha256: c.CodeSha256,
    kmsKeyArn: c.KMSKeyArn,
    environment: { ...(c.Environment?.Variables ?? {}) },
    lastModified: c.LastModified,
    state: c.State,
    lastUpdateStatus: c.LastUpdateStatus,
    tags: { ...(out.Tags ?? {}) },
    codeLocation: out.Code?.Location,
    description: c.Description,
    environmentError: envError
      ? [envError.ErrorCode, envError.Message].filter(Boolean).join(': ')
      : undefined,
    tagsError: out.TagsError ? [out.TagsError.ErrorCode, out.TagsError.Message].join(': ') : undefined,
  };
}

type Desired = Partial<FunctionDesired> & { codeSha256: string };

/**
 * What differs, as the fields of UpdateFunctionConfiguration to send (only those) and labels for the
 * plan. Desired fields that are missing mean "no change requested"; an empty ciphertext likewise.
 */
function configurationChanges(
  found: FunctionFound,
  desired: Desired,
): { labels: string[]; update: Omit<UpdateFunctionConfigurationRequest, 'FunctionName'> } {
  const labels: string[] = [];
  const update: Omit<UpdateFunctionConfigurationRequest, 'FunctionName'> = {};
  if (found.runtime !== RUNTIME) {
    labels.push('runtime');
    update.Runtime = RUNTIME;
  }
  if (found.handler !== HANDLER) {
    labels.push('handler');
    update.Handler = HANDLER;
  }
  if (found.memorySize !== MEMORY_MB) {
    labels.push('memory');
    update.MemorySize = MEMORY_MB;
  }
  if (found.timeout !== TIMEOUT_S) {
    labels.push('timeout');
    update.Timeout = TIMEOUT_S;
  }
  if (desired.roleArn && found.role !== desired.roleArn) {
    labels.push('role');
    update.Role = desired.roleArn;
  }
  if (desired.keyArn && found.kmsKeyArn !== desired.keyArn) {
    labels.push('kms key');
    update.KMSKeyArn = desired.keyArn;
  }
  if (desired.environment && environmentDiffers(found.environment, desired.environment)) {
    labels.push('environment');
    const variables = environmentVariables(desired.environment);
    // Keep the existing ciphertext when none is given (a re-run without a webhook URL).
    if (!desired.environment.kmsEncryptedHookUrl && found.environment.kmsEncryptedHookUrl)
      variables.kmsEncryptedHookUrl = found.environment.kmsEncryptedHookUrl;
    update.Environment = { Variables: variables };
  }
  return { labels, update };
}

function environmentDiffers(found: Record<string, string>, desired: FunctionEnvironment): boolean {
  const ours = new Set<string>(ENVIRONMENT_KEYS);
  // Variables someone else added: our environment is exactly ours, so rewriting it is a change.
  if (Object.keys(found).some((k) => !ours.has(k))) return true;
  if (desired.kmsEncryptedHookUrl && found.kmsEncryptedHookUrl !== desired.kmsEncryptedHookUrl) return true;
  if (!found.kmsEncryptedHookUrl) return true;
  return ENVIRONMENT_KEYS.some(
    (key) => key !== 'kmsEncryptedHookUrl' && !sameEnvironmentValue(key, found[key], desired[key]),
  );
}

/** Compares configuration and CodeSha256; `desired` may lack the final ciphertext/key before they exist. */
export function planFunction(
  ctx: StackContext,
  found: FunctionFound | undefined,
  desired: Desired,
): PlanItem {
  const item = { resource: 'Lambda function', name: ctx.names.functionName };
  if (!found) return { ...item, action: 'create' };
  const changes = configurationChanges(found, desired).labels;
  if (found.codeSha256 !== desired.codeSha256) changes.unshift('code');
  const planned: PlanItem =
    changes.length > 0 ? { ...item, action: 'update', changes } : { ...item, action: 'unchanged' };
  // Tags that could not be read (no lambda:ListTags) are not taken for missing ones.
  return withTagPlan(planned, found.tagsError ? undefined : found.tags, ctx.names.stack);
}

/**
 * CreateFunction, or UpdateFunctionConfiguration / UpdateFunctionCode only for what differs. Retries the
 * IAM/KMS propagation errors with exponential backoff for ~2 minutes (noting it), then waits with
 * waitUntilFunctionActiveV2 / waitUntilFunctionUpdatedV2. Undo: delete what was created, restore what was updated.
 * If a later phase fails (e.g. the function never becomes Active), what this call already did is
 * reverted before the error is thrown, so a failed step leaves nothing behind for the runner to miss.
 */
export async function ensureFunction(
  ctx: StackContext,
  found: FunctionFound | undefined,
  desired: FunctionDesired,
): Promise<Ensured<{ arn: string }>> {
  return found ? updateFunction(ctx, found, desired) : createFunction(ctx, desired);
}

async function createFunction(
  ctx: StackContext,
  desired: FunctionDesired,
): Promise<Ensured<{ arn: string }>> {
  const FunctionName = ctx.names.functionName;
  const created = await withLambdaRetry(
    ctx,
    () =>
      ctx.clients.get(LambdaClient).send(
        new CreateFunctionCommand({
          FunctionName,
          Runtime: RUNTIME,
          Handler: HANDLER,
          Role: desired.roleArn,
          Code: { ZipFile: desired.zip },
          Description: functionDescription(ctx),
          Timeout: TIMEOUT_S,
          MemorySize: MEMORY_MB,
          Environment: { Variables: environmentVariables(desired.environment) },
          KMSKeyArn: desired.keyArn,
          Architectures: [ARCHITECTURE],
          Tags: stackTags(ctx.names.stack),
          Publish: false,
        }),
      ),
    { propagation: true },
  );
  const undo = () => deleteFunction(ctx);
  try {
    await waitActive(ctx);
  } catch (error) {
    await cleanUpAndThrow(ctx, error, `Lambda function ${FunctionName}`, undo);
  }
  return { change: 'created', value: { arn: created.FunctionArn ?? ctx.arns.functionArn }, undo };
}

async function updateFunction(
  ctx: StackContext,
  found: FunctionFound,
  desired: FunctionDesired,
): Promise<Ensured<{ arn: string }>> {
  const FunctionName = ctx.names.functionName;
  const { update } = configurationChanges(found, desired);
  const configChanged = Object.keys(update).length > 0;
  const codeChanged = found.codeSha256 !== desired.codeSha256;
  // Unknown tags (no lambda:ListTags) are left alone: TagResource would be refused the same way.
  const addTag = !found.tagsError && tagMissing(found.tags, ctx.names.stack);
  if (!configChanged && !codeChanged && !addTag) return { change: 'unchanged', value: { arn: found.arn } };

  const done = { config: false, code: false, tag: false };
  const undo = () => restoreFunction(forUndo(ctx), found, update, done);
  try {
    if (configChanged) {
      await withLambdaRetry(ctx, () =>
        ctx.clients
          .get(LambdaClient)
          .send(new UpdateFunctionConfigurationCommand({ FunctionName, ...update })),
      );
      done.config = true;
      await waitUpdated(ctx);
    }
    if (codeChanged) {
      await withLambdaRetry(
        ctx,
        () =>
          ctx.clients
            .get(LambdaClient)
            .send(new UpdateFunctionCodeCommand({ FunctionName, ZipFile: desired.zip })),
        { conflicts: true },
      );
      done.code = true;
      await waitUpdated(ctx);
    }
    if (addTag) {
      // Adopted (e.g. made by hand from the tutorial): from now on it is this stack's.
      await ctx.clients
        .get(LambdaClient)
        .send(new TagResourceCommand({ Resource: found.arn, Tags: stackTags(ctx.names.stack) }));
      done.tag = true;
    }
  } catch (error) {
    if (!done.config && !done.code && !done.tag) throw error; // nothing changed yet
    await cleanUpAndThrow(
      ctx,
      error,
      `Lambda function ${FunctionName} (partly updated)`,
      undo,
      'restoring it',
    );
  }
  return { change: 'updated', value: { arn: found.arn }, undo };
}

/**
 * The environment alone, from `current` (what the function has now) to `next`: the every-alarm filter
 * changes this way once the rule delivers. No call when they are the same; undo puts `current` back.
 */
export async function ensureFunctionEnvironment(
  ctx: StackContext,
  current: FunctionEnvironment,
  next: FunctionEnvironment,
): Promise<Ensured<{ environment: FunctionEnvironment }>> {
  const put = async (target: StackContext, env: FunctionEnvironment) => {
    const Environment = { Variables: environmentVariables(env) };
    await withLambdaRetry(target, () =>
      target.clients
        .get(LambdaClient)
        .send(new UpdateFunctionConfigurationCommand({ FunctionName: ctx.names.functionName, Environment })),
    );
    await waitUpdated(target);
  };
  const same = ENVIRONMENT_KEYS.every((key) => sameEnvironmentValue(key, current[key], next[key]));
  if (same) return { change: 'unchanged', value: { environment: current } };
  await put(ctx, next);
  return { change: 'updated', value: { environment: next }, undo: () => put(forUndo(ctx), current) };
}

async function deleteFunction(ctx: StackContext): Promise<void> {
  try {
    await ctx.clients
      .get(LambdaClient)
      .send(new DeleteFunctionCommand({ FunctionName: ctx.names.functionName }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** DeleteFunction (its resource policy, and so the SNS permission, goes with it); no-op when gone. */
export async function removeFunction(ctx: StackContext): Promise<void> {
  await deleteFunction(ctx);
}
