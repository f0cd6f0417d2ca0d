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
import type { FakeAws } from './core.js';

/**
 * Every SDK client class the product uses, by the fake's client key; and a plain installer (no test
 * framework) that makes every instance of them answer from a fake, for harnesses outside vitest (the
 * benchmark, the manual CLI harness) that run the built JS.
 */
export const SDK_CLIENTS = {
  sts: STSClient,
  sns: SNSClient,
  kms: KMSClient,
  lambda: LambdaClient,
  iam: IAMClient,
  cloudwatch: CloudWatchClient,
  logs: CloudWatchLogsClient,
  ec2: EC2Client,
  sqs: SQSClient,
  eventbridge: EventBridgeClient,
};

interface Sendable {
  prototype: { send: unknown };
}

export interface Installed {
  /** Every command sent, in order: client key, command name (e.g. "CreateTopicCommand"), input. */
  calls: Array<[string, string, unknown]>;
  restore(): void;
}

/** Patches `send` of each client class to answer from `fake` (after `latencyMs`, if given). */
export function installFakeAws(
  fake: Pick<FakeAws, 'answer'>,
  opts: { clients?: Record<string, Sendable>; latencyMs?: number } = {},
): Installed {
  const calls: Installed['calls'] = [];
  const originals: Array<[Sendable, unknown]> = [];
  for (const [key, Client] of Object.entries(opts.clients ?? SDK_CLIENTS)) {
    originals.push([Client, Client.prototype.send]);
    Client.prototype.send = async (command: { constructor: { name: string }; input: unknown }) => {
      calls.push([key, command.constructor.name, command.input]);
      if (opts.latencyMs) await new Promise((resolve) => setTimeout(resolve, opts.latencyMs));
      return fake.answer(key, command.constructor.name, command.input as object);
    };
  }
  return {
    calls,
    restore() {
      for (const [Client, send] of originals) Client.prototype.send = send;
    },
  };
}
