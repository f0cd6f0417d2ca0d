import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { e2e } from './config.js';

/**
 * The tests' own AWS SDK clients, pointed at the endpoint under test with test credentials: what the
 * tests check, they read for themselves, never through the CLI's code.
 */
export const TEST_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

function clientConfig() {
  const { endpoint, region } = e2e();
  return { endpoint, region, credentials: TEST_CREDENTIALS, maxAttempts: 3 };
}

let clients: ReturnType<typeof create> | undefined;

function create() {
  const config = clientConfig();
  return {
    sns: new SNSClient(config),
    kms: new KMSClient(config),
    iam: new IAMClient(config),
    logs: new CloudWatchLogsClient(config),
    lambda: new LambdaClient(config),
    cloudwatch: new CloudWatchClient(config),
    sts: new STSClient(config),
    sqs: new SQSClient(config),
    events: new EventBridgeClient(config),
  };
}

export type AwsClients = ReturnType<typeof create>;

export function aws(): AwsClients {
  clients ??= create();
  return clients;
}

let account: Promise<string> | undefined;

/** The account of the test credentials (123456789012 on moto, 000000000000 on LocalStack). */
export function accountId(): Promise<string> {
  account ??= aws()
    .sts.send(new GetCallerIdentityCommand({}))
    .then((out) => out.Account ?? '');
  return account;
}

/** The SDK error's name (its AWS error code), or undefined. */
export function errorName(error: unknown): string | undefined {
  return error && typeof error === 'object' && 'name' in error ? String(error.name) : undefined;
}

/** The value, or undefined when AWS says the resource does not exist. */
export async function unlessMissing<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    const name = errorName(error) ?? '';
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (/NotFound|NoSuchEntity|DoesNotExist|NonExistent/.test(name) || status === 404) return undefined;
    throw error;
  }
}
