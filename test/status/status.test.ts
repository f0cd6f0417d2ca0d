import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/status.js';
import { ACCOUNT, mockAws, REGION } from '../helpers/aws.js';
import { fakeClock } from '../helpers/clock.js';
import { scriptedIO } from '../helpers/io.js';
import {
  awsError,
  callNames,
  commandContext,
  KEY_ARN,
  KEY_ID,
  mockStack,
  SUB_ARN,
  TOPIC_ARN,
  writes,
} from '../teardown/mock-stack.js';

const aws = mockAws();
beforeEach(() => aws.reset());
afterAll(() => aws.restore());

const NOW = Date.parse('2026-11-25T12:00:00.000Z');
const clock = () => fakeClock({ now: NOW });
const INIT = `alarm-to-slack init --name mission --region ${REGION}`;

interface StatusDoc {
  ok: boolean;
  resources: Array<{
    resource: string;
    present: boolean;
    healthy: boolean;
    details: Record<string, unknown>;
  }>;
  problems: Array<{ resource: string; problem: string; fix: string }>;
  metrics: { invocations: number; errors: number } | null;
}
const resource = (doc: StatusDoc, name: string) => doc.resources.find((r) => r.resource === name);

describe('status of a healthy stack', () => {
  it('reports every resource present and healthy, the last 24 hours, and exits 0', async () => {
    mockStack(aws);
    const io = scriptedIO({ json: true });
    await run({}, commandContext(io, { clock: clock() }));
    const doc = io.resultJson as StatusDoc;
    expect(doc).toMatchObject({
      ok: true,
      stack: 'mission',
      region: REGION,
      account: ACCOUNT,
      problems: [],
      metrics: { invocations: 3, errors: 0 },
    });
    expect(doc.resources.map((r) => [r.resource, r.present, r.healthy])).toEqual([
      ['SNS topic', true, true],
      ['KMS key', true, true],
      ['IAM role', true, true],
      ['Log group', true, true],
      ['Lambda function', true, true],
      ['Lambda permission', true, true],
      ['SNS subscription', true, true],
      ['CloudWatch alarm', true, true],
      ['SQS queue', true, true],
      ['Failure destination', true, true],
      ['Event source mapping', true, true],
    ]);
    expect(resource(doc, 'SQS queue')?.details).toMatchObject({ waiting: 0 });
    expect(resource(doc, 'KMS key')?.details).toMatchObject({ keyId: KEY_ID, state: 'Enabled' });
    expect(resource(doc, 'Lambda function')?.details).toMatchObject({
      runtime: 'nodejs24.x',
      lastModified: '2026-11-20T09:12:03.114+0000',
      kmsKeyArn: KEY_ARN,
      encryptedWithStackKey: true,
    });
    expect(resource(doc, 'Lambda permission')?.details).toMatchObject({ verdict: 'scoped' });
    expect(resource(doc, 'SNS subscription')?.details).toEqual({ subscriptions: [SUB_ARN] });
    expect(resource(doc, 'CloudWatch alarm')?.details).toMatchObject({
      state: 'OK',
      alarmActions: [TOPIC_ARN],
      okActions: [TOPIC_ARN],
    });
    expect(resource(doc, 'Log group')?.details).toMatchObject({ retentionDays: 30 });
    // Who first, then every read at once; nothing is written.
    const names = callNames(aws);
    expect(names[0]).toBe('sts.GetCallerIdentity');
    expect(names.slice(1).sort()).toEqual(
      [
        'cloudwatch.DescribeAlarms', // the stack's alarm
        'cloudwatch.DescribeAlarms', // every alarm, for those connected to the topic
        'cloudwatch.GetMetricData', // the function's invocations and errors
        'cloudwatch.GetMetricData', // the queue's oldest alert
        'cloudwatch.ListTagsForResource',
        'eventbridge.DescribeRule',
        'eventbridge.ListTagsForResource',
        'eventbridge.ListTargetsByRule',
        'iam.GetRole',
        'iam.GetRolePolicy',
        'iam.GetRolePolicy',
        'iam.ListAttachedRolePolicies',
        'iam.ListRolePolicies',
        'kms.DescribeKey',
        'kms.ListResourceTags',
        'lambda.GetFunction',
        'lambda.GetFunctionEventInvokeConfig',
        'lambda.GetPolicy',
        'lambda.ListEventSourceMappings',
        'lambda.ListTags',
        'logs.DescribeLogGroups',
        'logs.ListTagsForResource',
        'sns.GetTopicAttributes',
        'sns.ListSubscriptionsByTopic',
        'sns.ListTagsForResource',
        'sqs.GetQueueAttributes',
        'sqs.GetQueueUrl',
        'sqs.ListQueueTags',
      ].sort(),
    );
    expect(writes(aws)).toEqual([]);
    const metricInputs = aws.cloudwatch.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
    const query = (Id: string, MetricName: string) => ({
      Id,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/Lambda',
          MetricName,
          Dimensions: [{ Name: 'FunctionName', Value: 'mission-lambda' }],
        },
        Period: 3600,
        Stat: 'Sum',
      },
      ReturnData: true,
    });
    expect(metricInputs).toEqual([
      {
        MetricDataQueries: [query('invocations', 'Invocations'), query('errors', 'Errors')],
        StartTime: new Date(NOW - 24 * 3600 * 1000),
        EndTime: new Date(NOW),
      },
      {
        MetricDataQueries: [
          {
            Id: 'age',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/SQS',
                MetricName: 'ApproximateAgeOfOldestMessage',
                Dimensions: [{ Name: 'QueueName', Value: 'mission-undelivered' }],
              },
              Period: 60,
              Stat: 'Maximum',
            },
            ReturnData: true,
          },
        ],
        StartTime: new Date(NOW - 15 * 60_000),
        EndTime: new Date(NOW),
        ScanBy: 'TimestampDescending',
      },
    ]);
  });

  it('prints a table with one row per resource', async () => {
    mockStack(aws);
    const io = scriptedIO();
    await run({}, commandContext(io, { clock: clock() }));
    const out = io.stdout.join('\n');
    expect(out).toContain(`Stack mission in ${REGION} (account ${ACCOUNT})`);
    expect(out).toMatch(/✔ KMS key\s+alias\/mission-kms-key\s+Enabled, key 1234abcd/);
    expect(out).toMatch(
      /✔ Lambda function\s+mission-lambda\s+nodejs24\.x, modified 2026-11-20 09:12 UTC, environment encrypted with the stack's key/,
    );
    expect(out).toMatch(/✔ CloudWatch alarm\s+mission-cpu-alarm\s+OK; ALARM and OK actions → mission-sns/);
    expect(out).toMatch(/✔ Log group\s+\/aws\/lambda\/mission-lambda\s+retention 30 days/);
    expect(out).toContain('Last 24 h: 3 invocation(s), 0 error(s)');
    expect(out).toContain('Everything is present and healthy.');
    expect(out).not.toMatch(/AQICAH|hooks\.slack\.com/);
  });

  it('treats a missing alarm as optional (init --no-alarm)', async () => {
    mockStack(aws, { alarm: false });
    const io = scriptedIO({ json: true });
    await run({}, commandContext(io, { clock: clock() }));
    const doc = io.resultJson as StatusDoc;
    expect(doc.ok).toBe(true);
    expect(resource(doc, 'CloudWatch alarm')).toMatchObject({ present: false, healthy: true });
  });

  it('still answers when the metrics cannot be read', async () => {
    mockStack(aws);
    aws.cloudwatch
      .on(GetMetricDataCommand)
      .rejects(awsError('AccessDenied', 403, 'not authorized to perform: cloudwatch:GetMetricData'));
    const io = scriptedIO({ json: true });
    await run({}, commandContext(io, { clock: clock() }));
    expect(io.resultJson).toMatchObject({ ok: true, metrics: null });
    expect(io.stderr.join('\n')).toContain("Could not read the function's metrics: AccessDenied");
  });
});

describe('status of a broken stack', () => {
  it('lists each problem with its fix, writes the result, then exits 1', async () => {
    mockStack(aws, {
      keyState: 'PendingDeletion',
      permission: 'none',
      subscriptions: [],
      retentionDays: undefined,
      kmsKeyArn: undefined,
      runtime: 'nodejs20.x',
      decrypt: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }],
      },
      okActions: [],
    });
    const io = scriptedIO({ json: true });
    await expect(run({}, commandContext(io, { clock: clock() }))).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringMatching(/^The stack mission has \d+ problem\(s\)/),
    });
    const doc = io.resultJson as StatusDoc;
    expect(doc.ok).toBe(false);
    const byResource = (name: string) => doc.problems.filter((p) => p.resource === name);
    expect(byResource('KMS key')).toEqual([
      {
        resource: 'KMS key',
        problem:
          'the key is pending deletion (deleted on 2026-12-02): the function cannot decrypt the webhook.',
        fix: `aws kms cancel-key-deletion --key-id ${KEY_ID} --region ${REGION} && aws kms enable-key --key-id ${KEY_ID} --region ${REGION} (or ${INIT} --webhook-url <url>, which replaces the key)`,
      },
    ]);
    expect(byResource('IAM role')).toEqual([
      {
        resource: 'IAM role',
        problem: expect.stringContaining('mission-kms-decrypt (kms:Decrypt on the key'),
        fix: INIT,
      },
    ]);
    expect(byResource('Lambda function').map((p) => p.problem)).toEqual([
      'mission-lambda: runtime nodejs20.x (init deploys nodejs24.x).',
      "mission-lambda: environment encrypted with Lambda's default key, not the stack's key.",
    ]);
    expect(byResource('Lambda permission')).toEqual([
      {
        resource: 'Lambda permission',
        problem: 'SNS may not invoke mission-lambda from mission-sns: every alarm is dropped silently.',
        fix: INIT,
      },
    ]);
    expect(byResource('SNS subscription')).toEqual([
      { resource: 'SNS subscription', problem: 'mission-sns does not deliver to mission-lambda.', fix: INIT },
    ]);
    expect(byResource('CloudWatch alarm')).toEqual([
      {
        resource: 'CloudWatch alarm',
        problem: 'the alarm does not notify mission-sns on OK.',
        fix: `${INIT} --instance-id i-0a1b2c3d4e5f60718`,
      },
    ]);
    expect(byResource('Log group')).toEqual([
      {
        resource: 'Log group',
        problem: 'its logs never expire and grow forever.',
        fix: `${INIT} --log-retention-days 30`,
      },
    ]);
    expect(resource(doc, 'KMS key')).toMatchObject({ present: true, healthy: false });
    expect(resource(doc, 'Lambda permission')).toMatchObject({ present: false, healthy: false });
    expect(writes(aws)).toEqual([]);
  });

  it('prints the problems and their fixes in human output', async () => {
    mockStack(aws, { subscriptions: [] });
    const io = scriptedIO();
    await expect(run({}, commandContext(io, { clock: clock() }))).rejects.toMatchObject({ exitCode: 1 });
    const out = io.stdout.join('\n');
    expect(out).toMatch(/✖ SNS subscription\s+mission-sns → mission-lambda\s+missing/);
    expect(out).toContain('1 problem(s):');
    expect(out).toContain('✖ SNS subscription: mission-sns does not deliver to mission-lambda.');
    expect(out).toContain(`fix: ${INIT}`);
  });

  it('flags a permission not scoped to the topic, duplicate subscriptions and recent errors', async () => {
    const second = `${TOPIC_ARN}:9a9a9a9a-2222-4e2b-9c3d-5a6b7c8d9e02`;
    mockStack(aws, { permission: 'unscoped', subscriptions: [SUB_ARN, second] });
    aws.cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'invocations', Values: [4, 2] },
        { Id: 'errors', Values: [1, 2] },
      ],
    });
    const io = scriptedIO({ json: true });
    await expect(run({}, commandContext(io, { clock: clock() }))).rejects.toMatchObject({ exitCode: 1 });
    const doc = io.resultJson as StatusDoc;
    expect(doc.metrics).toEqual({ invocations: 6, errors: 3 });
    expect(doc.problems).toEqual([
      {
        resource: 'Lambda permission',
        problem: 'the SNS permission is not limited to the topic (SourceArn) and account (SourceAccount).',
        fix: `aws lambda remove-permission --function-name mission-lambda --statement-id mission-sns-invoke --region ${REGION}, then ${INIT}`,
      },
      {
        resource: 'SNS subscription',
        problem: 'a duplicate subscription posts every alarm twice.',
        fix: `aws sns unsubscribe --subscription-arn ${second} --region ${REGION}`,
      },
      {
        resource: 'Lambda function',
        problem: '3 error(s) in the last 24 hours (6 invocation(s)).',
        fix: expect.stringContaining('alarm-to-slack test --name mission --region'),
      },
    ]);
  });

  it('says to run init when nothing of the stack exists', async () => {
    mockStack(aws, {
      topic: false,
      key: false,
      role: false,
      logGroup: false,
      fn: false,
      alarm: false,
      subscriptions: [],
      queue: false,
      invokeConfig: false,
      mapping: false,
    });
    const io = scriptedIO({ json: true });
    await expect(run({}, commandContext(io, { clock: clock() }))).rejects.toMatchObject({
      exitCode: 1,
      hint: `Fix: ${INIT}`,
    });
    const doc = io.resultJson as StatusDoc;
    expect(doc.problems).toEqual([
      { resource: 'stack', problem: `no resource of the stack mission exists in ${REGION}.`, fix: INIT },
    ]);
    expect(doc.resources.every((r) => !r.present)).toBe(true);
  });
});
