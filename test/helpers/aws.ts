import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { type AwsClients, createAwsClients } from '../../src/aws/clients.js';
import { stackNames } from '../../src/names.js';
import { createStackContext, type StackContext } from '../../src/resources/context.js';
import { fakeClock } from './clock.js';

export const ACCOUNT = '123456789012';
export const REGION = 'ap-northeast-2';
export const CALLER_ARN = `arn:aws:iam::${ACCOUNT}:user/alice`;

/** Mocks for every SDK client class (aws-sdk-client-mock patches the class, so any instance is mocked). */
export function mockAws() {
  const mocks = {
    sts: mockClient(STSClient),
    sns: mockClient(SNSClient),
    kms: mockClient(KMSClient),
    lambda: mockClient(LambdaClient),
    iam: mockClient(IAMClient),
    cloudwatch: mockClient(CloudWatchClient),
    logs: mockClient(CloudWatchLogsClient),
    ec2: mockClient(EC2Client),
    sqs: mockClient(SQSClient),
    eventbridge: mockClient(EventBridgeClient),
  };
  return {
    ...mocks,
    reset() {
      for (const m of Object.values(mocks)) m.reset();
    },
    restore() {
      for (const m of Object.values(mocks)) m.restore();
    },
    /** Every command sent to any client, in order of sending: [clientKey, commandName, input]. */
    calls(): Array<[string, string, unknown]> {
      const all: Array<[string, string, unknown, number]> = [];
      for (const [key, m] of Object.entries(mocks)) {
        for (const call of m.calls()) {
          const command = call.args[0] as { constructor: { name: string }; input: unknown };
          all.push([
            key,
            command.constructor.name,
            command.input,
            (call as unknown as { callId: number }).callId,
          ]);
        }
      }
      return all.sort((a, b) => a[3] - b[3]).map(([k, n, i]) => [k, n, i]);
    },
  };
}

export function testClients(): AwsClients {
  return createAwsClients({ region: REGION });
}

/** A StackContext over (mocked) clients, with a sleep that returns at once and records the waits. */
export function testStackContext(
  stack = 'mission',
  overrides: Partial<Parameters<typeof createStackContext>[0]> = {},
) {
  const notes: string[] = [];
  const clock = fakeClock();
  const ctx: StackContext = createStackContext({
    clients: testClients(),
    names: stackNames(stack),
    region: REGION,
    account: ACCOUNT,
    partition: 'aws',
    note: (m) => notes.push(m),
    clock,
    ...overrides,
  });
  return { ctx, notes, sleeps: clock.sleeps, clock };
}
