import { CreateRoleCommand, IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  type CreateFunctionCommandInput,
  GetFunctionCommand,
  GetPolicyCommand,
  InvokeCommand,
  LambdaClient,
  RemovePermissionCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, FUNCTION_ARN, REGION } from './constants.js';
import type { InvokeRequest } from './env.js';
import { seedStack } from './seed.js';
import { useFakeAws } from './vitest.js';

const lambda = new LambdaClient({ region: REGION });
const iam = new IAMClient({ region: REGION });
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const ROLE = `arn:aws:iam::${ACCOUNT}:role/r`;
const create = (overrides: Partial<CreateFunctionCommandInput> = {}) =>
  lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'f',
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: new Uint8Array([1, 2, 3]) },
      ...overrides,
    }),
  );
const NOT_ASSUMABLE = {
  name: 'InvalidParameterValueException',
  message: 'The role defined for the function cannot be assumed by Lambda.',
  $metadata: { httpStatusCode: 400 },
};

describe('Lambda functions', () => {
  const aws = useFakeAws();

  it('a missing function is ResourceNotFoundException "Function not found: <arn>" (by name or ARN)', async () => {
    for (const FunctionName of ['mission-lambda', FUNCTION_ARN])
      await expect(lambda.send(new GetFunctionCommand({ FunctionName }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        message: `Function not found: ${FUNCTION_ARN}`,
        $metadata: { httpStatusCode: 404 },
      });
  });

  it('refuses a role that does not exist or does not trust lambda.amazonaws.com', async () => {
    await expect(create()).rejects.toMatchObject(NOT_ASSUMABLE);
    await iam.send(
      new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST.replace('lambda', 'ec2') }),
    );
    await expect(create()).rejects.toMatchObject(NOT_ASSUMABLE);
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'r', PolicyDocument: TRUST }));
    await expect(create()).resolves.toMatchObject({
      FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:f`,
    });
    await expect(create()).rejects.toMatchObject({
      name: 'ResourceConflictException',
      message: 'Function already exist: f',
    });
  });

  it('refuses a key pending deletion for the environment', async () => {
    seedStack(aws.fake, 'mission', { keyState: 'PendingDeletion', fn: false });
    await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }));
    const KMSKeyArn = aws.fake.find.key('alias/mission-kms-key').arn;
    await expect(create({ KMSKeyArn })).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining(
        `KMS Exception: KMSInvalidStateException KMS Message: ${KMSKeyArn} is pending deletion.`,
      ),
    });
  });

  it('answers Pending on CreateFunction and Active from the first read (functionSettleReads 0)', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }));
    const created = await create();
    expect(created).toMatchObject({ State: 'Pending', StateReasonCode: 'Creating' });
    const read = await lambda.send(new GetFunctionCommand({ FunctionName: 'f' }));
    expect(read.Configuration).toMatchObject({ State: 'Active', LastUpdateStatus: 'Successful' });
    expect(read.Configuration?.StateReason).toBeUndefined();
  });

  it('a new function can be made to fail: the SDK waiter sees State Failed and its reason', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }));
    aws.fake.state.newFunctionFails = {
      StateReasonCode: 'DisabledKMSKey',
      StateReason: 'The KMS key is disabled.',
    };
    await create();
    await expect(
      waitUntilFunctionActiveV2(
        { client: lambda, maxWaitTime: 1, minDelay: 0.01, maxDelay: 0.02 },
        { FunctionName: 'f' },
      ),
    ).rejects.toThrow(/DisabledKMSKey/);
  });

  it("AddPermission / GetPolicy / RemovePermission with AWS's conditions and messages", async () => {
    seedStack(aws.fake, 'mission', { permission: 'none' });
    await expect(lambda.send(new GetPolicyCommand({ FunctionName: 'mission-lambda' }))).rejects.toMatchObject(
      {
        name: 'ResourceNotFoundException',
        message: 'The resource you requested does not exist.',
      },
    );
    await expect(
      lambda.send(new RemovePermissionCommand({ FunctionName: 'mission-lambda', StatementId: 's' })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'No policy is associated with the given resource.',
    });
    const add = (StatementId: string, scoped: boolean) =>
      lambda.send(
        new AddPermissionCommand({
          FunctionName: 'mission-lambda',
          StatementId,
          Action: 'lambda:InvokeFunction',
          Principal: 'sns.amazonaws.com',
          ...(scoped ? { SourceArn: 'arn:aws:sns:x', SourceAccount: ACCOUNT } : {}),
        }),
      );
    await add('scoped', true);
    await add('open', false);
    await expect(add('open', false)).rejects.toMatchObject({ name: 'ResourceConflictException' });
    const policy = JSON.parse(
      (await lambda.send(new GetPolicyCommand({ FunctionName: 'mission-lambda' }))).Policy ?? '{}',
    );
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Sid: 'scoped',
        Principal: { Service: 'sns.amazonaws.com' },
        Condition: {
          StringEquals: { 'AWS:SourceAccount': ACCOUNT },
          ArnLike: { 'AWS:SourceArn': 'arn:aws:sns:x' },
        },
      }),
      expect.not.objectContaining({ Condition: expect.anything() }),
    ]);
    await expect(
      lambda.send(new RemovePermissionCommand({ FunctionName: 'mission-lambda', StatementId: 'other' })),
    ).rejects.toMatchObject({ message: 'Statement other is not found in resource policy.' });
  });
});

describe('the role-propagation window', () => {
  const aws = useFakeAws({ iamPropagation: { calls: 2 } });

  it('CreateFunction is refused for the configured number of calls after CreateRole, then accepted', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }));
    await expect(create()).rejects.toMatchObject(NOT_ASSUMABLE);
    await expect(create()).rejects.toMatchObject(NOT_ASSUMABLE);
    await expect(create()).resolves.toMatchObject({ FunctionName: 'f' });
    expect(aws.inputs('CreateFunction')).toHaveLength(3);
  });

  it('UpdateFunctionConfiguration is refused again after UpdateAssumeRolePolicy', async () => {
    seedStack(aws.fake);
    await iam.send(
      new UpdateAssumeRolePolicyCommand({ RoleName: 'mission-lambda-role', PolicyDocument: TRUST }),
    );
    const update = () =>
      lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'mission-lambda', Timeout: 20 }));
    await expect(update()).rejects.toMatchObject(NOT_ASSUMABLE);
    await expect(update()).rejects.toMatchObject(NOT_ASSUMABLE);
    await expect(update()).resolves.toMatchObject({ Timeout: 20, LastUpdateStatus: 'InProgress' });
  });
});

describe('the role-propagation window in time', () => {
  const aws = useFakeAws({ iamPropagation: { ms: 8_000 } });

  it('closes when the fake clock has moved past it (e.g. from an injected sleep)', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }));
    await expect(create()).rejects.toMatchObject(NOT_ASSUMABLE);
    aws.fake.advance(7_999);
    await expect(create()).rejects.toMatchObject(NOT_ASSUMABLE);
    aws.fake.advance(1);
    await expect(create()).resolves.toMatchObject({ FunctionName: 'f' });
  });
});

describe('functions that take a while to settle', () => {
  const aws = useFakeAws({ functionSettleReads: 2 });

  it('stay Pending / InProgress for that many reads, refusing updates meanwhile; the SDK waiter waits', async () => {
    seedStack(aws.fake);
    const update = () =>
      lambda.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: 'mission-lambda', MemorySize: 256 }),
      );
    await update();
    await expect(update()).rejects.toMatchObject({
      name: 'ResourceConflictException',
      message: `The operation cannot be performed at this time. An update is in progress for resource: ${FUNCTION_ARN}`,
    });
    const status = async () =>
      (await lambda.send(new GetFunctionCommand({ FunctionName: 'mission-lambda' }))).Configuration
        ?.LastUpdateStatus;
    expect([await status(), await status(), await status()]).toEqual([
      'InProgress',
      'InProgress',
      'Successful',
    ]);
    await expect(update()).resolves.toMatchObject({ MemorySize: 256 });
    await expect(
      waitUntilFunctionActiveV2(
        { client: lambda, maxWaitTime: 2, minDelay: 0.01, maxDelay: 0.02 },
        { FunctionName: 'mission-lambda' },
      ),
    ).resolves.toMatchObject({ state: 'SUCCESS' });
  });
});

describe('Invoke', () => {
  const aws = useFakeAws({ setup: (fake) => void seedStack(fake) });
  const invoke = (payload: unknown) =>
    lambda.send(
      new InvokeCommand({
        FunctionName: 'mission-lambda',
        LogType: 'Tail',
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
    );
  const decode = (bytes: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(bytes));

  it('answers a canned success, logs the run to the log group and counts it in AWS/Lambda', async () => {
    const out = await invoke({ Records: [] });
    expect(out).toMatchObject({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(decode(out.Payload)).toEqual({ delivered: 1 });
    const tail = Buffer.from(out.LogResult ?? '', 'base64').toString();
    expect(tail).toMatch(/^START RequestId: [0-9a-f-]{36} Version: \$LATEST\n/);
    expect(tail).toMatch(/\nREPORT RequestId: [0-9a-f-]{36}\tDuration/);
    expect(aws.fake.find.logGroup('/aws/lambda/mission-lambda').events?.map((e) => e.message)).toEqual(
      tail.trimEnd().split('\n'),
    );
    const invocations = aws.fake.state.metrics.filter(
      (m) => m.metricName === 'Invocations' && m.timestamp === aws.fake.now(),
    );
    expect(invocations).toHaveLength(1);
  });

  it('runs an injected handler with the function environment and the event; a throw is a function error', async () => {
    const seen: unknown[] = [];
    aws.fake.onInvoke(({ event, environment, log }: InvokeRequest) => {
      seen.push({ event, name: environment.AWS_LAMBDA_FUNCTION_NAME, channel: environment.slackChannel });
      log('hello from the handler');
      if ((event as { fail?: boolean }).fail) throw new TypeError('bad event');
      return { payload: { ok: true } };
    });
    const ok = await invoke({ n: 1 });
    expect(decode(ok.Payload)).toEqual({ ok: true });
    expect(Buffer.from(ok.LogResult ?? '', 'base64').toString()).toMatch(
      /\n\S+Z\t[0-9a-f-]{36}\tINFO\thello from the handler\n/,
    );
    const failed = await invoke({ fail: true });
    expect(failed.FunctionError).toBe('Unhandled');
    expect(decode(failed.Payload)).toEqual({ errorType: 'TypeError', errorMessage: 'bad event', trace: [] });
    expect(seen).toEqual([
      { event: { n: 1 }, name: 'mission-lambda', channel: '#ops' },
      { event: { fail: true }, name: 'mission-lambda', channel: '#ops' },
    ]);
    const errors = aws.fake.state.metrics.filter((m) => m.metricName === 'Errors' && m.value === 1);
    expect(errors).toHaveLength(1);
  });
});
