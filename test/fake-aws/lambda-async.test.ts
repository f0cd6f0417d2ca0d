import { AttachRolePolicyCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  DeleteFunctionCommand,
  DeleteFunctionEventInvokeConfigCommand,
  GetEventSourceMappingCommand,
  GetFunctionEventInvokeConfigCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateEventSourceMappingCommand,
  UpdateFunctionEventInvokeConfigCommand,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { FUNCTION_ARN } from './constants.js';
import type { FakeAws } from './core.js';
import { seedStack } from './seed.js';
import { seedQueue } from './seed-extras.js';
import { useFakeAws } from './vitest.js';

const lambda = new LambdaClient({ region: 'ap-northeast-2' });
const iam = new IAMClient({ region: 'ap-northeast-2' });
const ROLE = 'mission-lambda-role';
/** The stack without the undelivered-alert pieces, which these tests make themselves. */
const BARE = { queue: false, queuePolicy: undefined, invokeConfig: false, mapping: false } as const;
const SQS_POLICY = 'arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole';

async function stackWithQueue(
  fake: FakeAws,
  attributes: Record<string, string> = { VisibilityTimeout: '90' },
) {
  seedStack(fake, 'mission', BARE);
  return seedQueue(fake, 'undelivered', { attributes });
}
const sendMessageOn = (arn: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arn }],
  });

describe('event invoke configs', () => {
  const aws = useFakeAws();
  const get = () => lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'mission-lambda' }));

  it('none yet: ResourceNotFoundException "The function <arn>:$LATEST doesn\'t have an EventInvokeConfig"', async () => {
    seedStack(aws.fake, 'mission', BARE);
    const none = {
      name: 'ResourceNotFoundException',
      message: `The function ${FUNCTION_ARN}:$LATEST doesn't have an EventInvokeConfig`,
    };
    await expect(get()).rejects.toMatchObject(none);
    await expect(
      lambda.send(
        new UpdateFunctionEventInvokeConfigCommand({
          FunctionName: 'mission-lambda',
          MaximumRetryAttempts: 1,
        }),
      ),
    ).rejects.toMatchObject(none);
    await expect(
      lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'mission-lambda' })),
    ).rejects.toMatchObject(none);
  });

  it('Put replaces the whole config, Update merges', async () => {
    const q = await stackWithQueue(aws.fake);
    await iam.send(
      new PutRolePolicyCommand({ RoleName: ROLE, PolicyName: 'send', PolicyDocument: sendMessageOn(q.arn) }),
    );
    await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'mission-lambda',
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 3600,
        DestinationConfig: { OnFailure: { Destination: q.arn } },
      }),
    );
    await lambda.send(
      new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'mission-lambda', MaximumRetryAttempts: 2 }),
    );
    expect(await get()).toMatchObject({
      FunctionArn: `${FUNCTION_ARN}:$LATEST`,
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnSuccess: {}, OnFailure: { Destination: q.arn } },
    });
    await lambda.send(
      new PutFunctionEventInvokeConfigCommand({ FunctionName: 'mission-lambda', MaximumRetryAttempts: 1 }),
    );
    const replaced = await get();
    expect(replaced.MaximumRetryAttempts).toBe(1);
    expect(replaced.MaximumEventAgeInSeconds).toBeUndefined();
    expect(replaced.DestinationConfig).toEqual({ OnSuccess: {}, OnFailure: {} });
  });

  it("a destination needs the role's permission to send there", async () => {
    const q = await stackWithQueue(aws.fake);
    const put = () =>
      lambda.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: 'mission-lambda',
          DestinationConfig: { OnFailure: { Destination: q.arn } },
        }),
      );
    await expect(put()).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: `The function's execution role does not have permissions to call SendMessage on ${q.arn}`,
    });
    await iam.send(
      new PutRolePolicyCommand({ RoleName: ROLE, PolicyName: 'send', PolicyDocument: sendMessageOn(q.arn) }),
    );
    await expect(put()).resolves.toMatchObject({ DestinationConfig: { OnFailure: { Destination: q.arn } } });
  });

  it('goes with the function when it is deleted', async () => {
    seedStack(aws.fake, 'mission', BARE);
    await lambda.send(
      new PutFunctionEventInvokeConfigCommand({ FunctionName: 'mission-lambda', MaximumRetryAttempts: 0 }),
    );
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'mission-lambda' }));
    await expect(get()).rejects.toMatchObject({ message: `Function not found: ${FUNCTION_ARN}` });
    // A function of the same name made again starts without one.
    seedStack(aws.fake, 'mission', BARE);
    await expect(get()).rejects.toMatchObject({
      message: expect.stringContaining("doesn't have an EventInvokeConfig"),
    });
  });
});

describe('new SQS permissions propagating', () => {
  const aws = useFakeAws({ iamPropagation: { calls: 1 } });

  it('refuse a mapping and a destination until the window after the policy change closes', async () => {
    const q = await stackWithQueue(aws.fake);
    await iam.send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: SQS_POLICY }));
    const map = () =>
      lambda.send(
        new CreateEventSourceMappingCommand({ FunctionName: 'mission-lambda', EventSourceArn: q.arn }),
      );
    await expect(map()).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: 'The provided execution role does not have permissions to call ReceiveMessage on SQS',
    });
    await expect(map()).resolves.toMatchObject({ State: 'Creating' });
    await iam.send(
      new PutRolePolicyCommand({ RoleName: ROLE, PolicyName: 'send', PolicyDocument: sendMessageOn(q.arn) }),
    );
    const put = () =>
      lambda.send(
        new PutFunctionEventInvokeConfigCommand({
          FunctionName: 'mission-lambda',
          DestinationConfig: { OnFailure: { Destination: q.arn } },
        }),
      );
    await expect(put()).rejects.toMatchObject({
      message: expect.stringContaining('does not have permissions to call SendMessage'),
    });
    await expect(put()).resolves.toBeDefined();
  });
});

describe('SQS event source mappings', () => {
  const aws = useFakeAws();
  const map = (EventSourceArn: string, extra: Record<string, unknown> = {}) =>
    lambda.send(
      new CreateEventSourceMappingCommand({ FunctionName: 'mission-lambda', EventSourceArn, ...extra }),
    );

  it('are checked as Lambda checks them: queue, role permissions, visibility timeout, duplicates, batch', async () => {
    const q = await stackWithQueue(aws.fake, { VisibilityTimeout: '10' });
    await expect(map(`${q.arn}-missing`)).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining('SQS Error Code: AWS.SimpleQueueService.NonExistentQueue'),
    });
    await expect(map(q.arn)).rejects.toMatchObject({
      message: 'The provided execution role does not have permissions to call ReceiveMessage on SQS',
    });
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: ROLE,
        PolicyName: 'receive',
        PolicyDocument: JSON.stringify({
          Statement: [{ Effect: 'Allow', Action: 'sqs:ReceiveMessage', Resource: q.arn }],
        }),
      }),
    );
    await expect(map(q.arn)).rejects.toMatchObject({
      message: 'The provided execution role does not have permissions to call DeleteMessage on SQS',
    });
    await iam.send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: SQS_POLICY }));
    await expect(map(q.arn)).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: 'Queue visibility timeout: 10 seconds is less than Function timeout: 15 seconds',
    });
    aws.fake.find.queue('undelivered').attributes.VisibilityTimeout = '90';
    await expect(map(q.arn, { BatchSize: 50 })).rejects.toMatchObject({
      message:
        'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10',
    });
    const created = await map(q.arn, {
      BatchSize: 5,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(created).toMatchObject({
      UUID: expect.stringMatching(/^[0-9a-f-]{36}$/),
      State: 'Creating',
      BatchSize: 5,
      MaximumBatchingWindowInSeconds: 0,
      FunctionArn: FUNCTION_ARN,
      EventSourceArn: q.arn,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    await expect(map(q.arn)).rejects.toMatchObject({
      name: 'ResourceConflictException',
      message: `An event source mapping with SQS arn (" ${q.arn} ") and function (" mission-lambda ") already exists. Please update or delete the existing mapping with UUID ${created.UUID}`,
    });
  });

  it('go Creating → Enabled, Updating → Enabled, Deleting → gone, are listed by function and/or queue, and outlive the function', async () => {
    const q = await stackWithQueue(aws.fake);
    await iam.send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: SQS_POLICY }));
    const { UUID } = await map(q.arn);
    expect(await lambda.send(new GetEventSourceMappingCommand({ UUID }))).toMatchObject({ State: 'Enabled' });
    const updated = await lambda.send(
      new UpdateEventSourceMappingCommand({ UUID, BatchSize: 8, Enabled: false }),
    );
    expect(updated).toMatchObject({ State: 'Updating', BatchSize: 8 });
    expect(await lambda.send(new GetEventSourceMappingCommand({ UUID }))).toMatchObject({
      State: 'Disabled',
    });
    const list = async (input: { FunctionName?: string; EventSourceArn?: string }) =>
      (await lambda.send(new ListEventSourceMappingsCommand(input))).EventSourceMappings?.map((m) => m.UUID);
    expect(await list({ FunctionName: 'mission-lambda' })).toEqual([UUID]);
    expect(await list({ FunctionName: FUNCTION_ARN, EventSourceArn: q.arn })).toEqual([UUID]);
    expect(await list({ EventSourceArn: `${q.arn}-other` })).toEqual([]);
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'mission-lambda' }));
    expect(await list({ EventSourceArn: q.arn })).toEqual([UUID]);
    expect(await lambda.send(new DeleteEventSourceMappingCommand({ UUID }))).toMatchObject({
      State: 'Deleting',
    });
    await expect(lambda.send(new GetEventSourceMappingCommand({ UUID }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The resource you requested does not exist.',
    });
  });
});

describe('mappings that take a while to settle', () => {
  const aws = useFakeAws({ mappingSettleReads: 1 });

  it('stay Creating for that many reads, and refuse updates and deletion meanwhile', async () => {
    const q = await stackWithQueue(aws.fake);
    await iam.send(new AttachRolePolicyCommand({ RoleName: ROLE, PolicyArn: SQS_POLICY }));
    const { UUID } = await lambda.send(
      new CreateEventSourceMappingCommand({ FunctionName: 'mission-lambda', EventSourceArn: q.arn }),
    );
    await expect(
      lambda.send(new UpdateEventSourceMappingCommand({ UUID, BatchSize: 2 })),
    ).rejects.toMatchObject({
      name: 'ResourceInUseException',
    });
    await expect(lambda.send(new DeleteEventSourceMappingCommand({ UUID }))).rejects.toMatchObject({
      name: 'ResourceInUseException',
    });
    const state = async () => (await lambda.send(new GetEventSourceMappingCommand({ UUID }))).State;
    expect([await state(), await state()]).toEqual(['Creating', 'Enabled']);
  });
});
