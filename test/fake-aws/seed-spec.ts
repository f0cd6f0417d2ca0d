import type { StateValue } from '@aws-sdk/client-cloudwatch';
import type { KeyState } from '@aws-sdk/client-kms';
import { INSTANCE, KEY_ID, STACK, WEBHOOK } from './constants.js';
import type { FakeAws } from './core.js';

/**
 * What seedStack puts: the names and ARNs of a stack, and the StackSpec that varies each resource
 * (present or missing, tagged for this stack, another one or not at all, and the details status
 * checks), with the complete, healthy stack as its default.
 */
export type Owner = 'ours' | 'other' | 'untagged';

export interface StackSpec {
  topic: Owner | false;
  key: Owner | false;
  keyId: string;
  keyState: KeyState;
  role: Owner | false;
  trust: object;
  /** The inline kms:Decrypt policy; undefined: none. */
  decrypt: object | undefined;
  attached: string[];
  logGroup: Owner | false;
  retentionDays: number | undefined;
  fn: Owner | false;
  runtime: string;
  timeout: number;
  /** The function's KMSKeyArn; undefined: Lambda's default key. */
  kmsKeyArn: string | undefined;
  webhookUrl: string;
  channel: string;
  mention: string;
  lastModified: string;
  permission: 'scoped' | 'unscoped' | 'none';
  /** ARNs of the function's subscriptions to the topic. */
  subscriptions: string[];
  /** Other subscriptions on the topic (someone else's, never the stack's). */
  foreignSubscriptions: Array<{ arn: string; protocol: string; endpoint: string }>;
  alarm: Owner | false;
  alarmState: StateValue;
  alarmActions: string[];
  okActions: string[];
  alarmDescription: string;
  instanceId: string;
  threshold: number;
  period: number;
  evaluationPeriods: number;
  /** AWS/Lambda Invocations and Errors per hour, the newest first, before the clock's now. */
  metrics: { invocations: number[]; errors: number[] };
  /** The undelivered-alert queue, and how many alerts wait in it. */
  queue: Owner | false;
  queueMessages: number;
  /** Attributes of the queue that differ from what init sets (retention, visibility timeout, SSE). */
  queueAttributes: Record<string, string>;
  /** The role's inline policy on the queue; undefined: none. */
  queuePolicy: object | undefined;
  /** The function's on-failure destination is the queue (false: no event invoke config). */
  invokeConfig: boolean;
  /** The SQS event source mapping draining the queue into the function. */
  mapping: Owner | false;
  mappingState: 'Enabled' | 'Disabled';
  /** The every-alarm rule: its filter (targeting the function, EventBridge permitted), or none. */
  rule: { states: string[]; prefix?: string } | false;
}

/** The names and ARNs of stack `name` in the fake's account and region. */
export function stackResources(fake: Pick<FakeAws, 'account' | 'region' | 'partition'>, name = STACK) {
  const { account, region, partition } = fake;
  const arn = (service: string, resource: string) =>
    `arn:${partition}:${service}:${region}:${account}:${resource}`;
  const functionName = `${name}-lambda`;
  const logGroup = `/aws/lambda/${functionName}`;
  return {
    name,
    topicArn: arn('sns', `${name}-sns`),
    alias: `alias/${name}-kms-key`,
    roleName: `${name}-lambda-role`,
    roleArn: `arn:${partition}:iam::${account}:role/${name}-lambda-role`,
    policyName: `${name}-kms-decrypt`,
    functionName,
    functionArn: arn('lambda', `function:${functionName}`),
    permissionSid: `${name}-sns-invoke`,
    logGroup,
    logGroupArn: arn('logs', `log-group:${logGroup}`),
    alarmName: `${name}-cpu-alarm`,
    alarmArn: arn('cloudwatch', `alarm:${name}-cpu-alarm`),
    basicPolicyArn: `arn:${partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`,
    queueName: `${name}-undelivered`,
    queueArn: arn('sqs', `${name}-undelivered`),
    queueUrl: `https://sqs.${region}.amazonaws.com/${account}/${name}-undelivered`,
    queuePolicyName: `${name}-undelivered-queue`,
    ruleName: `${name}-alarm-events`,
    ruleArn: arn('events', `rule/${name}-alarm-events`),
    mappingUuid: `b7e1f3a2-0000-4000-8000-${String(name.length).padStart(12, '0')}`,
  };
}

/** The complete, healthy stack: every resource present, tagged for it, as init leaves it. */
export function stackSpec(fake: Pick<FakeAws, 'account' | 'region' | 'partition'>, name = STACK): StackSpec {
  const r = stackResources(fake, name);
  const keyId =
    name === STACK ? KEY_ID : `5678efab-${name.length.toString(16).padStart(4, '0')}-4000-8000-000000000001`;
  const keyArn = `arn:${fake.partition}:kms:${fake.region}:${fake.account}:key/${keyId}`;
  return {
    topic: 'ours',
    key: 'ours',
    keyId,
    keyState: 'Enabled',
    role: 'ours',
    trust: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    },
    decrypt: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DecryptSlackWebhookUrl',
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: keyArn,
          Condition: { StringEquals: { 'kms:EncryptionContext:LambdaFunctionName': r.functionName } },
        },
      ],
    },
    attached: [r.basicPolicyArn],
    logGroup: 'ours',
    retentionDays: 30,
    fn: 'ours',
    runtime: 'nodejs24.x',
    timeout: 15,
    kmsKeyArn: keyArn,
    webhookUrl: WEBHOOK,
    channel: '#ops',
    mention: '',
    lastModified: '2026-11-20T09:12:03.114+0000',
    permission: 'scoped',
    subscriptions: [`${r.topicArn}:0f6c7a52-1111-4e2b-9c3d-5a6b7c8d9e01`],
    foreignSubscriptions: [{ arn: `${r.topicArn}:email-1`, protocol: 'email', endpoint: 'ops@example.com' }],
    alarm: 'ours',
    alarmState: 'OK',
    alarmActions: [r.topicArn],
    okActions: [r.topicArn],
    alarmDescription: 'CPU of the bastion instance at or above 50% for 1 minute',
    instanceId: INSTANCE,
    threshold: 50,
    period: 60,
    evaluationPeriods: 1,
    metrics: { invocations: [2, 1], errors: [0, 0] },
    queue: 'ours',
    queueMessages: 0,
    queueAttributes: {},
    queuePolicy: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'KeepUndeliveredAlerts', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: r.queueArn },
        {
          Sid: 'RedeliverUndeliveredAlerts',
          Effect: 'Allow',
          Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
          Resource: r.queueArn,
        },
      ],
    },
    invokeConfig: true,
    mapping: 'ours',
    mappingState: 'Enabled',
    rule: false,
  };
}
