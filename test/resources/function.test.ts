import { CreateFunctionCommand, DeleteFunctionCommand, GetFunctionCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { awsMessage, describeError, InterruptedError } from '../../src/errors.js';
import { codeSha256 } from '../../src/handler-zip.js';
import { ensureFunction, findFunction, planFunction, removeFunction } from '../../src/resources/function.js';
import { ACCOUNT, mockAws, testStackContext } from '../helpers/aws.js';
import {
  awsError,
  conflict,
  desired,
  FN_ARN,
  found,
  invalidParameter,
  KEY_ARN,
  KMS_GRANT,
  ROLE_ARN,
  ROLE_NO_PERMISSIONS,
  ROLE_NOT_ASSUMABLE,
  writes,
  ZIP,
} from './function-fixtures.js';

const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

describe('findFunction', () => {
  it('reads configuration, code and tags with one GetFunction', async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda.on(GetFunctionCommand).resolves({
      Configuration: {
        FunctionArn: FN_ARN,
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        Role: ROLE_ARN,
        MemorySize: 128,
        Timeout: 15,
        CodeSha256: 'abc=',
        KMSKeyArn: KEY_ARN,
        Environment: { Variables: { kmsEncryptedHookUrl: 'Y2lw', slackChannel: '#ops' } },
        LastModified: '2025-01-01T00:00:00.000+0000',
        State: 'Active',
        LastUpdateStatus: 'Successful',
        Description: 'd',
      },
      Code: { RepositoryType: 'S3', Location: 'https://example.invalid/code.zip' },
      Tags: { 'alarm-to-slack:stack': 'mission' },
    });
    const fn = await findFunction(ctx);
    expect(mocks.lambda.commandCalls(GetFunctionCommand)).toHaveLength(1);
    expect(mocks.lambda.commandCalls(GetFunctionCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'mission-lambda',
    });
    expect(fn).toMatchObject({
      arn: FN_ARN,
      runtime: 'nodejs24.x',
      handler: 'index.handler',
      role: ROLE_ARN,
      memorySize: 128,
      timeout: 15,
      codeSha256: 'abc=',
      kmsKeyArn: KEY_ARN,
      environment: { kmsEncryptedHookUrl: 'Y2lw', slackChannel: '#ops' },
      state: 'Active',
      lastUpdateStatus: 'Successful',
      tags: { 'alarm-to-slack:stack': 'mission' },
      codeLocation: 'https://example.invalid/code.zip',
    });
  });

  it('says when the tags could not be read (so callers do not take it for untagged)', async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda.on(GetFunctionCommand).resolves({
      Configuration: { FunctionArn: FN_ARN, State: 'Active' },
      TagsError: { ErrorCode: 'AccessDeniedException', Message: 'not authorized to perform lambda:ListTags' },
    });
    expect(await findFunction(ctx)).toMatchObject({
      tags: {},
      tagsError: 'AccessDeniedException: not authorized to perform lambda:ListTags',
    });
  });

  it('is undefined when Lambda says ResourceNotFoundException', async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda
      .on(GetFunctionCommand)
      .rejects(awsError('ResourceNotFoundException', 404, `Function not found: ${FN_ARN}`));
    expect(await findFunction(ctx)).toBeUndefined();
  });

  it('surfaces AccessDenied', async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda.on(GetFunctionCommand).rejects(awsError('AccessDeniedException', 403, 'not authorized'));
    await expect(findFunction(ctx)).rejects.toThrow('not authorized');
  });
});

describe('planFunction', () => {
  it('creates a missing function', () => {
    const { ctx } = testStackContext('mission');
    expect(planFunction(ctx, undefined, desired())).toEqual({
      resource: 'Lambda function',
      name: 'mission-lambda',
      action: 'create',
    });
  });

  it('is unchanged when everything matches (a missing and an empty mention are the same)', () => {
    const { ctx } = testStackContext('mission');
    expect(planFunction(ctx, found(), desired()).action).toBe('unchanged');
  });

  it('lists code, environment and role changes', () => {
    const { ctx } = testStackContext('mission');
    const plan = planFunction(
      ctx,
      found({ codeSha256: 'old=', role: `arn:aws:iam::${ACCOUNT}:role/other`, environment: {} }),
      desired(),
    );
    expect(plan).toMatchObject({ action: 'update', changes: ['code', 'role', 'environment'] });
  });

  it('treats a desired ciphertext or key that does not exist yet as "no change requested"', () => {
    const { ctx } = testStackContext('mission');
    const plan = planFunction(ctx, found(), {
      roleArn: ROLE_ARN,
      environment: {
        kmsEncryptedHookUrl: '',
        slackChannel: '#ops',
        slackMention: '',
        undeliveredQueueUrl: '',
        alarmEventsFilter: '',
      },
      codeSha256: codeSha256(ZIP),
    });
    expect(plan.action).toBe('unchanged');
  });

  it('sees a changed channel, timeout and key', () => {
    const { ctx } = testStackContext('mission');
    const plan = planFunction(ctx, found({ timeout: 3, kmsKeyArn: undefined }), {
      ...desired(),
      environment: {
        kmsEncryptedHookUrl: '',
        slackChannel: '#alerts',
        slackMention: '@here',
        undeliveredQueueUrl: '',
        alarmEventsFilter: '',
      },
    });
    expect(plan.changes).toEqual(['timeout', 'kms key', 'environment']);
  });
});

describe('ensureFunction: create', () => {
  it('sends the exact CreateFunction input and polls until Active as the SDK waiter does', async () => {
    const { ctx, notes, sleeps } = testStackContext('mission');
    mocks.lambda.on(CreateFunctionCommand).resolves({ FunctionArn: FN_ARN, State: 'Pending' });
    mocks.lambda
      .on(GetFunctionCommand)
      .resolvesOnce({ Configuration: { State: 'Pending' } })
      .resolves({ Configuration: { State: 'Active' } });
    const result = await ensureFunction(ctx, undefined, desired());
    expect(result.change).toBe('created');
    expect(result.value).toEqual({ arn: FN_ARN });
    expect(mocks.lambda.commandCalls(CreateFunctionCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'mission-lambda',
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Role: ROLE_ARN,
      Code: { ZipFile: ZIP },
      Description: 'Posts CloudWatch alarms from mission-sns to Slack (alarm-to-slack stack mission)',
      Timeout: 15,
      MemorySize: 128,
      Environment: { Variables: { kmsEncryptedHookUrl: 'Y2lwaGVydGV4dA==', slackChannel: '#ops' } },
      KMSKeyArn: KEY_ARN,
      Architectures: ['x86_64'],
      Tags: { 'alarm-to-slack:stack': 'mission' },
      Publish: false,
    });
    // GetFunction polled until State was Active: once Pending, then (after the waiter's first 1 s) Active.
    expect(mocks.calls().map(([, name]) => name)).toEqual([
      'CreateFunctionCommand',
      'GetFunctionCommand',
      'GetFunctionCommand',
    ]);
    expect(notes).toEqual([]);
    expect(sleeps).toEqual([1000]);
  });

  it('retries while IAM propagates: rejected twice with the real messages, then accepted', async () => {
    const { ctx, notes, sleeps } = testStackContext('mission');
    mocks.lambda
      .on(CreateFunctionCommand)
      .rejectsOnce(invalidParameter(ROLE_NOT_ASSUMABLE))
      .rejectsOnce(invalidParameter(KMS_GRANT))
      .resolves({ FunctionArn: FN_ARN });
    mocks.lambda.on(GetFunctionCommand).resolves({ Configuration: { State: 'Active' } });
    const result = await ensureFunction(ctx, undefined, desired());
    expect(result.change).toBe('created');
    expect(mocks.lambda.commandCalls(CreateFunctionCommand)).toHaveLength(3);
    expect(notes).toEqual([
      'Waiting for IAM to propagate the new role (attempt 2)…',
      'Waiting for IAM to propagate the new role (attempt 3)…',
    ]);
    expect(sleeps).toEqual([1000, 2000]);
  });

  it('also retries "execution role does not have permissions"', async () => {
    const { ctx, sleeps } = testStackContext('mission');
    mocks.lambda
      .on(CreateFunctionCommand)
      .rejectsOnce(invalidParameter(ROLE_NO_PERMISSIONS))
      .resolves({ FunctionArn: FN_ARN });
    mocks.lambda.on(GetFunctionCommand).resolves({ Configuration: { State: 'Active' } });
    await ensureFunction(ctx, undefined, desired());
    expect(mocks.lambda.commandCalls(CreateFunctionCommand)).toHaveLength(2);
    expect(sleeps).toEqual([1000]);
  });

  it('gives up after about 2 minutes with a clear error quoting AWS', async () => {
    const { ctx, notes, sleeps } = testStackContext('mission');
    mocks.lambda.on(CreateFunctionCommand).rejects(invalidParameter(ROLE_NOT_ASSUMABLE));
    const error = await ensureFunction(ctx, undefined, desired()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^IAM did not propagate to Lambda within about 2 minutes/);
    expect((error as Error).message).toContain(ROLE_NOT_ASSUMABLE);
    // The step line shows our sentence first (no class-name prefix); the CLI gets a hint.
    expect(awsMessage(error)).toMatch(/^IAM did not propagate/);
    expect(describeError(error).hint).toMatch(/re-run `alarm-to-slack init`/);
    const total = sleeps.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(120_000);
    expect(total).toBeGreaterThan(100_000);
    // Exponential, capped: each sleep at least the one before, never above 10 s.
    expect(sleeps.slice(0, 5)).toEqual([1000, 2000, 4000, 8000, 10_000]);
    expect(Math.max(...sleeps)).toBe(10_000);
    expect(mocks.lambda.commandCalls(CreateFunctionCommand)).toHaveLength(sleeps.length + 1);
    expect(notes).toHaveLength(sleeps.length);
    expect(mocks.lambda.commandCalls(GetFunctionCommand)).toHaveLength(0);
  });

  it('fails at once on an error that is not propagation', async () => {
    const { ctx, sleeps } = testStackContext('mission');
    mocks.lambda
      .on(CreateFunctionCommand)
      .rejects(invalidParameter('Unzipped size must be smaller than 262144000 bytes'));
    await expect(ensureFunction(ctx, undefined, desired())).rejects.toThrow('Unzipped size');
    expect(mocks.lambda.commandCalls(CreateFunctionCommand)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('does not retry "Function already exist" (ResourceConflictException on create)', async () => {
    const { ctx, sleeps } = testStackContext('mission');
    mocks.lambda.on(CreateFunctionCommand).rejects(conflict('Function already exist: mission-lambda'));
    await expect(ensureFunction(ctx, undefined, desired())).rejects.toThrow('already exist');
    expect(mocks.lambda.commandCalls(CreateFunctionCommand)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('deletes the function it created when it never becomes Active, and says why', async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda.on(CreateFunctionCommand).resolves({ FunctionArn: FN_ARN });
    mocks.lambda.on(GetFunctionCommand).resolves({
      Configuration: {
        State: 'Failed',
        StateReasonCode: 'DisabledKMSKey',
        StateReason: 'The KMS key is disabled.',
      },
    });
    mocks.lambda.on(DeleteFunctionCommand).resolves({});
    await expect(ensureFunction(ctx, undefined, desired())).rejects.toThrow(
      'Lambda function mission-lambda failed to become Active: DisabledKMSKey: The KMS key is disabled.',
    );
    expect(mocks.lambda.commandCalls(DeleteFunctionCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'mission-lambda',
    });
  });

  it('stops polling on Ctrl-C: aborted while Pending, it stops at once and removes the new function', async () => {
    const controller = new AbortController();
    const { ctx } = testStackContext('mission', { signal: controller.signal });
    mocks.lambda.on(CreateFunctionCommand).resolves({ FunctionArn: FN_ARN });
    mocks.lambda.on(GetFunctionCommand).callsFake(async () => {
      controller.abort(new InterruptedError());
      return { Configuration: { State: 'Pending' } };
    });
    mocks.lambda.on(DeleteFunctionCommand).resolves({});
    await expect(ensureFunction(ctx, undefined, desired())).rejects.toBeInstanceOf(InterruptedError);
    // One poll, no wait after it (the abort came first), then the new function removed.
    expect(mocks.lambda.commandCalls(GetFunctionCommand)).toHaveLength(1);
    expect(mocks.lambda.commandCalls(DeleteFunctionCommand)).toHaveLength(1);
  });

  it('undo of a create deletes the function', async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda.on(CreateFunctionCommand).resolves({ FunctionArn: FN_ARN });
    mocks.lambda.on(GetFunctionCommand).resolves({ Configuration: { State: 'Active' } });
    mocks.lambda.on(DeleteFunctionCommand).resolves({});
    const result = await ensureFunction(ctx, undefined, desired());
    await result.undo?.();
    expect(writes(mocks)).toEqual(['CreateFunctionCommand', 'DeleteFunctionCommand']);
  });
});

describe('removeFunction', () => {
  it('deletes the function', async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda.on(DeleteFunctionCommand).resolves({});
    await removeFunction(ctx);
    expect(mocks.lambda.commandCalls(DeleteFunctionCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'mission-lambda',
    });
  });

  it('is a no-op when the function is gone', async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda.on(DeleteFunctionCommand).rejects(awsError('ResourceNotFoundException', 404));
    await expect(removeFunction(ctx)).resolves.toBeUndefined();
  });

  it('surfaces other errors', async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda.on(DeleteFunctionCommand).rejects(awsError('AccessDeniedException', 403, 'denied'));
    await expect(removeFunction(ctx)).rejects.toThrow('denied');
  });
});
