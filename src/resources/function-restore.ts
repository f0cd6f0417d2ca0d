import {
  LambdaClient,
  type Runtime,
  UntagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type UpdateFunctionConfigurationRequest,
} from '@aws-sdk/client-lambda';
import { codeSha256 } from '../handler-zip.js';
import { STACK_TAG } from '../names.js';
import type { StackContext } from './context.js';
import { FunctionError, waitUpdated, withLambdaRetry } from './function-retry.js';
import type { FunctionFound } from './function-spec.js';

/** Undoing an update of the function: its previous configuration fields, code and tags. */

/** Puts back exactly the fields and code this run changed, then removes a tag it added. */
export async function restoreFunction(
  ctx: StackContext,
  found: FunctionFound,
  update: Omit<UpdateFunctionConfigurationRequest, 'FunctionName'>,
  done: { config: boolean; code: boolean; tag: boolean },
): Promise<void> {
  const FunctionName = ctx.names.functionName;
  if (done.tag) {
    await ctx.clients
      .get(LambdaClient)
      .send(new UntagResourceCommand({ Resource: found.arn, TagKeys: [STACK_TAG] }));
  }
  let codeError: unknown;
  if (done.code) {
    try {
      const zip = await downloadPreviousCode(ctx, found);
      await withLambdaRetry(
        ctx,
        () =>
          ctx.clients.get(LambdaClient).send(new UpdateFunctionCodeCommand({ FunctionName, ZipFile: zip })),
        { conflicts: true },
      );
      await waitUpdated(ctx);
    } catch (error) {
      codeError = error; // still restore the configuration below, then report it
    }
  }
  if (done.config) {
    const previous: Omit<UpdateFunctionConfigurationRequest, 'FunctionName'> = {};
    if ('Runtime' in update) previous.Runtime = found.runtime as Runtime | undefined;
    if ('Handler' in update) previous.Handler = found.handler;
    if ('MemorySize' in update) previous.MemorySize = found.memorySize;
    if ('Timeout' in update) previous.Timeout = found.timeout;
    if ('Role' in update) previous.Role = found.role;
    // An empty KMSKeyArn puts the function back on Lambda's default (AWS-managed) key.
    if ('KMSKeyArn' in update) previous.KMSKeyArn = found.kmsKeyArn ?? '';
    if ('Environment' in update) previous.Environment = { Variables: { ...found.environment } };
    await withLambdaRetry(ctx, () =>
      ctx.clients
        .get(LambdaClient)
        .send(new UpdateFunctionConfigurationCommand({ FunctionName, ...previous })),
    );
    await waitUpdated(ctx);
  }
  if (codeError !== undefined) throw codeError;
}

/** The code as it was before this run, from GetFunction's presigned Code.Location, checked by its hash. */
async function downloadPreviousCode(ctx: StackContext, found: FunctionFound): Promise<Uint8Array> {
  const fn = ctx.names.functionName;
  const fail = (why: string, cause?: unknown) =>
    new FunctionError(`Could not restore the previous code of ${fn}: ${why}`, {
      cause,
      hint: 'The function keeps the new code; re-deploy the old code by hand or run `alarm-to-slack init` again.',
    });
  if (!found.codeLocation) throw fail('Lambda gave no download location for it.');
  let response: Response;
  try {
    response = await fetch(found.codeLocation, ctx.signal ? { signal: ctx.signal } : {});
  } catch (error) {
    throw fail(`downloading it failed (${error instanceof Error ? error.message : String(error)}).`, error);
  }
  if (!response.ok) {
    throw fail(`downloading it failed with HTTP ${response.status} (the link expires after ~10 minutes).`);
  }
  const zip = new Uint8Array(await response.arrayBuffer());
  if (found.codeSha256 && codeSha256(zip) !== found.codeSha256) {
    throw fail('the downloaded code does not match its CodeSha256.');
  }
  return zip;
}
