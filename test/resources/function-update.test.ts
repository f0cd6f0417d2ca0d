import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  GetFunctionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InterruptedError } from '../../src/errors.js';
import { codeSha256 } from '../../src/handler-zip.js';
import { ensureFunction } from '../../src/resources/function.js';
import { ACCOUNT, mockAws, testStackContext } from '../helpers/aws.js';
import {
  conflict,
  desired,
  FN_ARN,
  found,
  invalidParameter,
  OLD_KEY_ARN,
  OLD_ZIP,
  ROLE_ARN,
  ROLE_NOT_ASSUMABLE,
  writes,
  ZIP,
} from './function-fixtures.js';

const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

describe('ensureFunction: update', () => {
  let server: Server;
  let baseUrl: string;
  let served: Uint8Array | undefined;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/old.zip' && served) {
        res.writeHead(200, { 'content-type': 'application/zip' });
        res.end(Buffer.from(served));
      } else {
        res.writeHead(403);
        res.end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    served = OLD_ZIP;
    mocks.lambda
      .on(GetFunctionCommand)
      .resolves({ Configuration: { State: 'Active', LastUpdateStatus: 'Successful' } });
    mocks.lambda.on(UpdateFunctionConfigurationCommand).resolves({});
    mocks.lambda.on(UpdateFunctionCodeCommand).resolves({});
    mocks.lambda.on(TagResourceCommand).resolves({});
    mocks.lambda.on(UntagResourceCommand).resolves({});
  });

  it('makes no call at all when nothing differs', async () => {
    const { ctx } = testStackContext('mission');
    const result = await ensureFunction(ctx, found(), desired());
    expect(result).toEqual({ change: 'unchanged', value: { arn: FN_ARN } });
    expect(mocks.calls()).toEqual([]);
  });

  it('takes the same queue reached through another host for no change, and another queue for one', async () => {
    const { ctx } = testStackContext('mission');
    const queueUrl = (host: string, name = 'mission-undelivered') => `${host}/${ACCOUNT}/${name}`;
    const deployed = found();
    deployed.environment.undeliveredQueueUrl = queueUrl('https://sqs.ap-northeast-2.amazonaws.com');
    const want = (url: string) => {
      const d = desired();
      d.environment.undeliveredQueueUrl = url;
      return d;
    };
    // GetQueueUrl answers with the host the request went to (here the legacy endpoint).
    const legacy = queueUrl('https://ap-northeast-2.queue.amazonaws.com');
    expect(await ensureFunction(ctx, deployed, want(legacy))).toMatchObject({ change: 'unchanged' });
    expect(mocks.calls()).toEqual([]);
    const other = queueUrl('https://sqs.ap-northeast-2.amazonaws.com', 'other-undelivered');
    expect(await ensureFunction(ctx, deployed, want(other))).toMatchObject({ change: 'updated' });
    expect(
      mocks.lambda.commandCalls(UpdateFunctionConfigurationCommand)[0]?.args[0].input.Environment?.Variables
        ?.undeliveredQueueUrl,
    ).toBe(other);
  });

  it('updates only the configuration that differs, then waits for the update', async () => {
    const { ctx } = testStackContext('mission');
    const result = await ensureFunction(
      ctx,
      found({ environment: { kmsEncryptedHookUrl: 'b2xk', slackChannel: '#ops' } }),
      desired(),
    );
    expect(result.change).toBe('updated');
    expect(mocks.calls().map(([, name]) => name)).toEqual([
      'UpdateFunctionConfigurationCommand',
      'GetFunctionCommand',
    ]);
    expect(mocks.lambda.commandCalls(UpdateFunctionConfigurationCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'mission-lambda',
      Environment: { Variables: { kmsEncryptedHookUrl: 'Y2lwaGVydGV4dA==', slackChannel: '#ops' } },
    });
  });

  it('uploads code only when CodeSha256 differs', async () => {
    const { ctx } = testStackContext('mission');
    await ensureFunction(ctx, found({ codeSha256: codeSha256(OLD_ZIP) }), desired());
    expect(mocks.calls().map(([, name]) => name)).toEqual([
      'UpdateFunctionCodeCommand',
      'GetFunctionCommand',
    ]);
    expect(mocks.lambda.commandCalls(UpdateFunctionCodeCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'mission-lambda',
      ZipFile: ZIP,
    });
  });

  it('updates configuration, waits, uploads code, waits, in that order', async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda
      .on(GetFunctionCommand)
      .resolvesOnce({ Configuration: { State: 'Active', LastUpdateStatus: 'InProgress' } })
      .resolves({ Configuration: { State: 'Active', LastUpdateStatus: 'Successful' } });
    await ensureFunction(
      ctx,
      found({ codeSha256: codeSha256(OLD_ZIP), role: `arn:aws:iam::${ACCOUNT}:role/old`, memorySize: 256 }),
      desired(),
    );
    expect(mocks.calls().map(([, name]) => name)).toEqual([
      'UpdateFunctionConfigurationCommand',
      'GetFunctionCommand', // InProgress
      'GetFunctionCommand', // Successful
      'UpdateFunctionCodeCommand',
      'GetFunctionCommand',
    ]);
    expect(mocks.lambda.commandCalls(UpdateFunctionConfigurationCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'mission-lambda',
      MemorySize: 128,
      Role: ROLE_ARN,
    });
  });

  it('retries an update that conflicts with one still in progress', async () => {
    const { ctx, notes, sleeps } = testStackContext('mission');
    mocks.lambda
      .on(UpdateFunctionCodeCommand)
      .rejectsOnce(
        conflict(
          `The operation cannot be performed at this time. An update is in progress for resource: ${FN_ARN}`,
        ),
      )
      .resolves({});
    await ensureFunction(ctx, found({ codeSha256: 'old=' }), desired());
    expect(mocks.lambda.commandCalls(UpdateFunctionCodeCommand)).toHaveLength(2);
    expect(sleeps).toEqual([1000]);
    expect(notes).toEqual(["Waiting for the function's previous update to finish (attempt 2)…"]);
  });

  it('retries UpdateFunctionConfiguration while a new role propagates', async () => {
    const { ctx, sleeps } = testStackContext('mission');
    mocks.lambda
      .on(UpdateFunctionConfigurationCommand)
      .rejectsOnce(invalidParameter(ROLE_NOT_ASSUMABLE))
      .resolves({});
    await ensureFunction(ctx, found({ role: `arn:aws:iam::${ACCOUNT}:role/old` }), desired());
    expect(mocks.lambda.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(2);
    expect(sleeps).toEqual([1000]);
  });

  it('keeps the existing ciphertext when none is given (re-run without a webhook URL)', async () => {
    const { ctx } = testStackContext('mission');
    await ensureFunction(
      ctx,
      found(),
      desired({
        environment: {
          kmsEncryptedHookUrl: '',
          slackChannel: '#alerts',
          slackMention: '@here',
          undeliveredQueueUrl: '',
          alarmEventsFilter: '',
        },
      }),
    );
    expect(mocks.lambda.commandCalls(UpdateFunctionConfigurationCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'mission-lambda',
      Environment: {
        Variables: {
          kmsEncryptedHookUrl: 'Y2lwaGVydGV4dA==',
          slackChannel: '#alerts',
          slackMention: '@here',
        },
      },
    });
  });

  it('undo restores the previous configuration values (an empty KMSKeyArn for the default key)', async () => {
    const { ctx } = testStackContext('mission');
    const before = found({
      kmsKeyArn: undefined,
      timeout: 3,
      environment: { kmsEncryptedHookUrl: 'b2xk', slackChannel: '#old' },
    });
    const result = await ensureFunction(ctx, before, desired());
    mocks.lambda.resetHistory();
    await result.undo?.();
    expect(writes(mocks)).toEqual(['UpdateFunctionConfigurationCommand']);
    expect(mocks.lambda.commandCalls(UpdateFunctionConfigurationCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'mission-lambda',
      Timeout: 3,
      KMSKeyArn: '',
      Environment: { Variables: { kmsEncryptedHookUrl: 'b2xk', slackChannel: '#old' } },
    });
    expect(mocks.lambda.commandCalls(GetFunctionCommand)).toHaveLength(1); // waited for the restore
  });

  it('undo still restores after Ctrl-C aborted the run (rollback must not inherit the aborted signal)', async () => {
    const controller = new AbortController();
    const { ctx } = testStackContext('mission', { signal: controller.signal });
    const before = found({ timeout: 3, codeSha256: codeSha256(OLD_ZIP), codeLocation: `${baseUrl}/old.zip` });
    const result = await ensureFunction(ctx, before, desired());
    controller.abort(new InterruptedError());
    mocks.lambda.resetHistory();
    await result.undo?.();
    expect(writes(mocks)).toEqual(['UpdateFunctionCodeCommand', 'UpdateFunctionConfigurationCommand']);
    expect(mocks.lambda.commandCalls(UpdateFunctionCodeCommand)[0]?.args[0].input.ZipFile).toEqual(OLD_ZIP);
    expect(mocks.lambda.commandCalls(GetFunctionCommand)).toHaveLength(2); // both restores waited
  });

  it('undo restores the previous code, downloaded from Code.Location and checked by its hash', async () => {
    const { ctx } = testStackContext('mission');
    const before = found({
      codeSha256: codeSha256(OLD_ZIP),
      kmsKeyArn: OLD_KEY_ARN,
      codeLocation: `${baseUrl}/old.zip`,
    });
    const result = await ensureFunction(ctx, before, desired());
    mocks.lambda.resetHistory();
    await result.undo?.();
    expect(writes(mocks)).toEqual(['UpdateFunctionCodeCommand', 'UpdateFunctionConfigurationCommand']);
    expect(mocks.lambda.commandCalls(UpdateFunctionCodeCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'mission-lambda',
      ZipFile: OLD_ZIP,
    });
    expect(mocks.lambda.commandCalls(UpdateFunctionConfigurationCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'mission-lambda',
      KMSKeyArn: OLD_KEY_ARN,
    });
  });

  it('undo says clearly when the old code cannot be downloaded, after restoring the configuration', async () => {
    const { ctx } = testStackContext('mission');
    const before = found({
      codeSha256: codeSha256(OLD_ZIP),
      timeout: 3,
      codeLocation: `${baseUrl}/expired.zip`,
    });
    const result = await ensureFunction(ctx, before, desired());
    mocks.lambda.resetHistory();
    await expect(result.undo?.()).rejects.toThrow(
      /Could not restore the previous code of mission-lambda: downloading it failed with HTTP 403/,
    );
    expect(writes(mocks)).toEqual(['UpdateFunctionConfigurationCommand']);
  });

  it('undo refuses code whose hash is not the previous CodeSha256', async () => {
    const { ctx } = testStackContext('mission');
    served = new Uint8Array([1, 2, 3]);
    const before = found({ codeSha256: codeSha256(OLD_ZIP), codeLocation: `${baseUrl}/old.zip` });
    const result = await ensureFunction(ctx, before, desired());
    mocks.lambda.resetHistory();
    await expect(result.undo?.()).rejects.toThrow('does not match its CodeSha256');
    expect(writes(mocks)).toEqual([]);
  });

  it('tags an adopted function that lacks our tag, and undo removes the tag', async () => {
    const { ctx } = testStackContext('mission');
    const result = await ensureFunction(ctx, found({ tags: {}, timeout: 3 }), desired());
    expect(mocks.lambda.commandCalls(TagResourceCommand)[0]?.args[0].input).toEqual({
      Resource: FN_ARN,
      Tags: { 'alarm-to-slack:stack': 'mission' },
    });
    mocks.lambda.resetHistory();
    await result.undo?.();
    expect(writes(mocks)).toEqual(['UntagResourceCommand', 'UpdateFunctionConfigurationCommand']);
    expect(mocks.lambda.commandCalls(UntagResourceCommand)[0]?.args[0].input).toEqual({
      Resource: FN_ARN,
      TagKeys: ['alarm-to-slack:stack'],
    });
  });

  it('a failed update is reverted before the error is thrown', async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda
      .on(GetFunctionCommand)
      .resolvesOnce({
        Configuration: {
          LastUpdateStatus: 'Failed',
          LastUpdateStatusReasonCode: 'KMSKeyNotFound',
          LastUpdateStatusReason: 'The KMS key was not found.',
        },
      })
      .resolves({ Configuration: { LastUpdateStatus: 'Successful' } });
    await expect(ensureFunction(ctx, found({ timeout: 3 }), desired())).rejects.toThrow(
      'Lambda function mission-lambda update failed: KMSKeyNotFound: The KMS key was not found.',
    );
    const inputs = mocks.lambda.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      { FunctionName: 'mission-lambda', Timeout: 15 },
      { FunctionName: 'mission-lambda', Timeout: 3 },
    ]);
  });
});
