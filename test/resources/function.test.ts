import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  InvalidParameterValueException,
  ResourceConflictException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { awsMessage, describeError, InterruptedError } from '../../src/errors.js';
import {
  codeSha256,
  ensureFunction,
  type FunctionDesired,
  type FunctionFound,
  findFunction,
  planFunction,
  removeFunction,
} from '../../src/resources/function.js';
import { ACCOUNT, mockAws, REGION, testStackContext } from '../helpers/aws.js';

const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

const FN_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mission-lambda`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/mission-lambda-role`;
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1111aaaa-22bb-33cc-44dd-555555eeeeee`;
const OLD_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/9999ffff-88ee-77dd-66cc-555555bbbbbb`;
const ZIP = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5]);
const OLD_ZIP = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 9, 9, 9]);
/** Small waiter delays (seconds) so that a Pending → Active poll takes milliseconds, not the SDK's 1 s floor. */
const FAST = { waiter: { minDelay: 0.005, maxDelay: 0.01, maxWaitTime: 5 } };

const ROLE_NOT_ASSUMABLE = 'The role defined for the function cannot be assumed by Lambda.';
const ROLE_NO_PERMISSIONS =
  'The provided execution role does not have permissions to call CreateNetworkInterface on EC2';
const KMS_GRANT =
  'Lambda was unable to configure access to your environment variables because the KMS key is invalid for CreateGrant. Please check your KMS key settings. KMS Exception: InvalidArnException KMS Message: ARN does not refer to a valid principal: ' +
  ROLE_ARN;

const invalidParameter = (message: string) =>
  new InvalidParameterValueException({ message, $metadata: { httpStatusCode: 400 } });
const conflict = (message: string) =>
  new ResourceConflictException({ message, $metadata: { httpStatusCode: 409 } });
const awsError = (name: string, status: number, message = `${name} from AWS`) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

function desired(overrides: Partial<FunctionDesired> = {}): FunctionDesired {
  return {
    roleArn: ROLE_ARN,
    keyArn: KEY_ARN,
    environment: { kmsEncryptedHookUrl: 'Y2lwaGVydGV4dA==', slackChannel: '#ops', slackMention: '' },
    zip: ZIP,
    codeSha256: codeSha256(ZIP),
    ...overrides,
  };
}

/** A function exactly as `desired()` would leave it. */
function found(overrides: Partial<FunctionFound> = {}): FunctionFound {
  return {
    arn: FN_ARN,
    runtime: 'nodejs24.x',
    handler: 'index.handler',
    role: ROLE_ARN,
    memorySize: 128,
    timeout: 15,
    codeSha256: codeSha256(ZIP),
    kmsKeyArn: KEY_ARN,
    environment: { kmsEncryptedHookUrl: 'Y2lwaGVydGV4dA==', slackChannel: '#ops' },
    lastModified: '2025-01-01T00:00:00.000+0000',
    state: 'Active',
    lastUpdateStatus: 'Successful',
    tags: { 'alarm-to-slack:stack': 'mission' },
    ...overrides,
  };
}

const writes = () =>
  mocks
    .calls()
    .filter(([, name]) => !/^(Get|List)/.test(name))
    .map(([, name]) => name);

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
      environment: { kmsEncryptedHookUrl: '', slackChannel: '#ops', slackMention: '' },
      codeSha256: codeSha256(ZIP),
    });
    expect(plan.action).toBe('unchanged');
  });

  it('sees a changed channel, timeout and key', () => {
    const { ctx } = testStackContext('mission');
    const plan = planFunction(ctx, found({ timeout: 3, kmsKeyArn: undefined }), {
      ...desired(),
      environment: { kmsEncryptedHookUrl: '', slackChannel: '#alerts', slackMention: '@here' },
    });
    expect(plan.changes).toEqual(['timeout', 'kms key', 'environment']);
  });
});

describe('ensureFunction: create', () => {
  it('sends the exact CreateFunction input and waits until Active with the SDK waiter', async () => {
    const { ctx, notes, sleeps } = testStackContext('mission');
    mocks.lambda.on(CreateFunctionCommand).resolves({ FunctionArn: FN_ARN, State: 'Pending' });
    mocks.lambda
      .on(GetFunctionCommand)
      .resolvesOnce({ Configuration: { State: 'Pending' } })
      .resolves({ Configuration: { State: 'Active' } });
    const result = await ensureFunction(ctx, undefined, desired(), FAST);
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
    // The waiter polled GetFunction until State was Active: once Pending, once Active.
    expect(mocks.calls().map(([, name]) => name)).toEqual([
      'CreateFunctionCommand',
      'GetFunctionCommand',
      'GetFunctionCommand',
    ]);
    expect(notes).toEqual([]);
    expect(sleeps).toEqual([]);
  });

  it('retries while IAM propagates: rejected twice with the real messages, then accepted', async () => {
    const { ctx, notes, sleeps } = testStackContext('mission');
    mocks.lambda
      .on(CreateFunctionCommand)
      .rejectsOnce(invalidParameter(ROLE_NOT_ASSUMABLE))
      .rejectsOnce(invalidParameter(KMS_GRANT))
      .resolves({ FunctionArn: FN_ARN });
    mocks.lambda.on(GetFunctionCommand).resolves({ Configuration: { State: 'Active' } });
    const result = await ensureFunction(ctx, undefined, desired(), FAST);
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
    await ensureFunction(ctx, undefined, desired(), FAST);
    expect(mocks.lambda.commandCalls(CreateFunctionCommand)).toHaveLength(2);
    expect(sleeps).toEqual([1000]);
  });

  it('gives up after about 2 minutes with a clear error quoting AWS', async () => {
    const { ctx, notes, sleeps } = testStackContext('mission');
    mocks.lambda.on(CreateFunctionCommand).rejects(invalidParameter(ROLE_NOT_ASSUMABLE));
    const error = await ensureFunction(ctx, undefined, desired(), FAST).catch((e: unknown) => e);
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
    await expect(ensureFunction(ctx, undefined, desired(), FAST)).rejects.toThrow('Unzipped size');
    expect(mocks.lambda.commandCalls(CreateFunctionCommand)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('does not retry "Function already exist" (ResourceConflictException on create)', async () => {
    const { ctx, sleeps } = testStackContext('mission');
    mocks.lambda.on(CreateFunctionCommand).rejects(conflict('Function already exist: mission-lambda'));
    await expect(ensureFunction(ctx, undefined, desired(), FAST)).rejects.toThrow('already exist');
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
    await expect(ensureFunction(ctx, undefined, desired(), FAST)).rejects.toThrow(
      'Lambda function mission-lambda failed to become Active: DisabledKMSKey: The KMS key is disabled.',
    );
    expect(mocks.lambda.commandCalls(DeleteFunctionCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'mission-lambda',
    });
  });

  it('passes the abort signal to the waiter: Ctrl-C while Pending stops at once and removes the new function', async () => {
    const controller = new AbortController();
    const { ctx } = testStackContext('mission', { signal: controller.signal });
    mocks.lambda.on(CreateFunctionCommand).resolves({ FunctionArn: FN_ARN });
    mocks.lambda.on(GetFunctionCommand).callsFake(async () => {
      controller.abort(new InterruptedError());
      return { Configuration: { State: 'Pending' } };
    });
    mocks.lambda.on(DeleteFunctionCommand).resolves({});
    const started = Date.now();
    await expect(
      ensureFunction(ctx, undefined, desired(), { waiter: { minDelay: 1, maxDelay: 2, maxWaitTime: 10 } }),
    ).rejects.toBeInstanceOf(InterruptedError);
    expect(Date.now() - started).toBeLessThan(900); // did not sit out the waiter's 1 s delay
    expect(mocks.lambda.commandCalls(DeleteFunctionCommand)).toHaveLength(1);
  });

  it('undo of a create deletes the function', async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda.on(CreateFunctionCommand).resolves({ FunctionArn: FN_ARN });
    mocks.lambda.on(GetFunctionCommand).resolves({ Configuration: { State: 'Active' } });
    mocks.lambda.on(DeleteFunctionCommand).resolves({});
    const result = await ensureFunction(ctx, undefined, desired(), FAST);
    await result.undo?.();
    expect(writes()).toEqual(['CreateFunctionCommand', 'DeleteFunctionCommand']);
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
    const result = await ensureFunction(ctx, found(), desired(), FAST);
    expect(result).toEqual({ change: 'unchanged', value: { arn: FN_ARN } });
    expect(mocks.calls()).toEqual([]);
  });

  it('updates only the configuration that differs, then waits for the update', async () => {
    const { ctx } = testStackContext('mission');
    const result = await ensureFunction(
      ctx,
      found({ environment: { kmsEncryptedHookUrl: 'b2xk', slackChannel: '#ops' } }),
      desired(),
      FAST,
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
    await ensureFunction(ctx, found({ codeSha256: codeSha256(OLD_ZIP) }), desired(), FAST);
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
      FAST,
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
    await ensureFunction(ctx, found({ codeSha256: 'old=' }), desired(), FAST);
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
    await ensureFunction(ctx, found({ role: `arn:aws:iam::${ACCOUNT}:role/old` }), desired(), FAST);
    expect(mocks.lambda.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(2);
    expect(sleeps).toEqual([1000]);
  });

  it('keeps the existing ciphertext when none is given (re-run without a webhook URL)', async () => {
    const { ctx } = testStackContext('mission');
    await ensureFunction(
      ctx,
      found(),
      desired({ environment: { kmsEncryptedHookUrl: '', slackChannel: '#alerts', slackMention: '@here' } }),
      FAST,
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
    const result = await ensureFunction(ctx, before, desired(), FAST);
    mocks.lambda.resetHistory();
    await result.undo?.();
    expect(writes()).toEqual(['UpdateFunctionConfigurationCommand']);
    expect(mocks.lambda.commandCalls(UpdateFunctionConfigurationCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'mission-lambda',
      Timeout: 3,
      KMSKeyArn: '',
      Environment: { Variables: { kmsEncryptedHookUrl: 'b2xk', slackChannel: '#old' } },
    });
    expect(mocks.lambda.commandCalls(GetFunctionCommand)).toHaveLength(1); // waited for the restore
  });

  it('undo restores the previous code, downloaded from Code.Location and checked by its hash', async () => {
    const { ctx } = testStackContext('mission');
    const before = found({
      codeSha256: codeSha256(OLD_ZIP),
      kmsKeyArn: OLD_KEY_ARN,
      codeLocation: `${baseUrl}/old.zip`,
    });
    const result = await ensureFunction(ctx, before, desired(), FAST);
    mocks.lambda.resetHistory();
    await result.undo?.();
    expect(writes()).toEqual(['UpdateFunctionCodeCommand', 'UpdateFunctionConfigurationCommand']);
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
    const result = await ensureFunction(ctx, before, desired(), FAST);
    mocks.lambda.resetHistory();
    await expect(result.undo?.()).rejects.toThrow(
      /Could not restore the previous code of mission-lambda: downloading it failed with HTTP 403/,
    );
    expect(writes()).toEqual(['UpdateFunctionConfigurationCommand']);
  });

  it('undo refuses code whose hash is not the previous CodeSha256', async () => {
    const { ctx } = testStackContext('mission');
    served = new Uint8Array([1, 2, 3]);
    const before = found({ codeSha256: codeSha256(OLD_ZIP), codeLocation: `${baseUrl}/old.zip` });
    const result = await ensureFunction(ctx, before, desired(), FAST);
    mocks.lambda.resetHistory();
    await expect(result.undo?.()).rejects.toThrow('does not match its CodeSha256');
    expect(writes()).toEqual([]);
  });

  it('tags an adopted function that lacks our tag, and undo removes the tag', async () => {
    const { ctx } = testStackContext('mission');
    const result = await ensureFunction(ctx, found({ tags: {}, timeout: 3 }), desired(), FAST);
    expect(mocks.lambda.commandCalls(TagResourceCommand)[0]?.args[0].input).toEqual({
      Resource: FN_ARN,
      Tags: { 'alarm-to-slack:stack': 'mission' },
    });
    mocks.lambda.resetHistory();
    await result.undo?.();
    expect(writes()).toEqual(['UntagResourceCommand', 'UpdateFunctionConfigurationCommand']);
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
    await expect(ensureFunction(ctx, found({ timeout: 3 }), desired(), FAST)).rejects.toThrow(
      'Lambda function mission-lambda update failed: KMSKeyNotFound: The KMS key was not found.',
    );
    const inputs = mocks.lambda.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      { FunctionName: 'mission-lambda', Timeout: 15 },
      { FunctionName: 'mission-lambda', Timeout: 3 },
    ]);
  });
});
