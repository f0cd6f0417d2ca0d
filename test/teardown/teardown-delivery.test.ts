import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/teardown.js';
import { seedAlarm } from '../fake-aws/seed-extras.js';
import { mockAws, REGION } from '../helpers/aws.js';
import { scriptedIO } from '../helpers/io.js';
import { awsError, commandContext, mockStack, TOPIC_ARN, writes } from './mock-stack.js';

/**
 * teardown of what delivers alerts besides the subscription: the undelivered-alert queue (and the
 * alerts still in it), the mapping, the every-alarm rule, and other people's alarms that notify the
 * topic (disconnected, never deleted).
 */
const aws = mockAws();
beforeEach(() => aws.reset());
afterAll(() => aws.restore());

const QUEUE_URL = `https://sqs.${REGION}.amazonaws.com/123456789012/mission-undelivered`;
const PAGER = `arn:aws:sns:${REGION}:123456789012:pager`;

/** Someone else's alarm: notifies the stack's topic (and their pager) on ALARM and OK. */
const API_ALARM = {
  AlarmName: 'prod-api-5xx',
  AlarmDescription: 'API 5xx above 1% for 10 minutes',
  ActionsEnabled: true,
  AlarmActions: [PAGER, TOPIC_ARN],
  OKActions: [TOPIC_ARN],
  InsufficientDataActions: [PAGER],
  Namespace: 'AWS/ApplicationELB',
  MetricName: 'HTTPCode_Target_5XX_Count',
  Dimensions: [{ Name: 'LoadBalancer', Value: 'app/prod/0123456789abcdef' }],
  Statistic: 'Sum',
  Period: 300,
  EvaluationPeriods: 2,
  DatapointsToAlarm: 2,
  Threshold: 10,
  ComparisonOperator: 'GreaterThanThreshold',
  TreatMissingData: 'notBreaching',
  Unit: 'Count',
};

const names = () => writes(aws).map(([n]) => n);
const inputsOf = (name: string) =>
  writes(aws)
    .filter(([n]) => n === name)
    .map(([, input]) => input);
const calledBefore = (a: string, b: string) => {
  const i = names().indexOf(a);
  const j = names().indexOf(b);
  expect(i, `${a} was called`).toBeGreaterThanOrEqual(0);
  expect(j, `${b} was called`).toBeGreaterThanOrEqual(0);
  expect(i, `${a} before ${b}`).toBeLessThan(j);
};

describe('teardown of the undelivered-alert queue', () => {
  it('with alerts still in it: the plan says how many are discarded, and so do the summary and --json', async () => {
    mockStack(aws, { queueMessages: 3 });
    const io = scriptedIO({ json: true });
    await run({}, commandContext(io, { yes: true }));
    expect(io.stderr.join('\n')).toMatch(
      /remove\s+SQS queue\s+mission-undelivered — 3 undelivered alerts in it will be discarded/,
    );
    expect(io.resultJson).toMatchObject({
      ok: true,
      discardedAlerts: 3,
      removed: expect.arrayContaining([
        {
          resource: 'SQS queue',
          name: 'mission-undelivered',
          detail: 'removed; 3 undelivered alerts in it were discarded',
        },
      ]),
    });
    expect(inputsOf('sqs.DeleteQueue')).toEqual([{ QueueUrl: QUEUE_URL }]);

    aws.reset();
    mockStack(aws, { queueMessages: 1 });
    const human = scriptedIO();
    await run({}, commandContext(human, { yes: true }));
    expect(human.stdout.join('\n')).toMatch(
      /✔ removed\s+SQS queue\s+mission-undelivered — removed; 1 undelivered alert in it was discarded/,
    );
  });

  it('counts alerts in flight and delayed too, and asks before discarding them', async () => {
    const { fake } = mockStack(aws, { queueMessages: 2 });
    await fake.call('sqs', 'ReceiveMessage', { QueueUrl: QUEUE_URL }); // the mapping holds one
    const io = scriptedIO({
      interactive: true,
      answers: [{ kind: 'confirm', match: /^Remove these \d+ resource\(s\) of mission/, answer: false }],
    });
    await expect(run({}, commandContext(io))).rejects.toMatchObject({ exitCode: 1 });
    expect(io.stderr.join('\n')).toContain(
      'mission-undelivered — 2 undelivered alerts in it will be discarded',
    );
    expect(writes(aws)).toEqual([]);
  });

  it('an empty queue: no word of discarding; a queue not ours is skipped with its alerts', async () => {
    mockStack(aws);
    const io = scriptedIO({ json: true });
    await run({}, commandContext(io, { yes: true }));
    expect(io.stderr.join('\n')).not.toContain('discarded');
    expect(io.resultJson).toMatchObject({ discardedAlerts: 0 });

    aws.reset();
    mockStack(aws, { queue: 'untagged', queueMessages: 4 });
    const skip = scriptedIO({ json: true });
    await run({}, commandContext(skip, { yes: true }));
    expect(inputsOf('sqs.DeleteQueue')).toEqual([]);
    expect(skip.stderr.join('\n')).toMatch(/skip\s+SQS queue\s+mission-undelivered — not tagged/);
    expect(skip.stderr.join('\n')).not.toContain('discarded');
    expect(skip.resultJson).toMatchObject({ discardedAlerts: 0 });
  });

  it('removes the mapping before the queue, and the queue only after the function (its failure destination)', async () => {
    mockStack(aws, { queueMessages: 1 });
    await run({}, commandContext(scriptedIO(), { yes: true }));
    calledBefore('lambda.DeleteEventSourceMapping', 'sqs.DeleteQueue');
    calledBefore('lambda.DeleteEventSourceMapping', 'lambda.DeleteFunction');
    calledBefore('lambda.DeleteFunction', 'sqs.DeleteQueue');
    expect(inputsOf('lambda.DeleteEventSourceMapping')).toEqual([
      { UUID: 'b7e1f3a2-0000-4000-8000-000000000007' },
    ]);
  });

  it('a mapping that cannot be removed fails the teardown (exit 1) and is named; the rest still goes', async () => {
    const { fake } = mockStack(aws);
    fake.failAlways(
      'lambda.DeleteEventSourceMapping',
      awsError('AccessDeniedException', 403, 'not authorized to perform: lambda:DeleteEventSourceMapping'),
    );
    const io = scriptedIO({ json: true });
    await expect(run({}, commandContext(io, { yes: true }))).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringContaining('Event source mapping mission-undelivered → mission-lambda'),
    });
    expect(io.resultJson).toMatchObject({
      ok: false,
      failed: [
        {
          resource: 'Event source mapping',
          error: expect.stringContaining('AccessDeniedException'),
        },
      ],
    });
    expect(names()).toContain('lambda.DeleteFunction');
  });
});

describe('teardown and the alarms connected to the topic', () => {
  it('disconnects them (exactly the topic removed, every other field re-sent), never deletes them, and says so', async () => {
    const { fake } = mockStack(aws);
    await fake.call('cloudwatch', 'PutMetricAlarm', { ...API_ALARM, Tags: [{ Key: 'team', Value: 'api' }] });
    await seedAlarm(fake, {
      kind: 'composite',
      name: 'prod-composite',
      alarmActions: [TOPIC_ARN],
      rule: 'ALARM("prod-api-5xx")',
    });
    const io = scriptedIO({ json: true });
    await run({}, commandContext(io, { yes: true }));

    expect(inputsOf('cloudwatch.PutMetricAlarm')).toEqual([
      { ...API_ALARM, AlarmActions: [PAGER], OKActions: [] },
    ]);
    expect(inputsOf('cloudwatch.PutCompositeAlarm')).toEqual([
      {
        AlarmName: 'prod-composite',
        AlarmRule: 'ALARM("prod-api-5xx")',
        ActionsEnabled: true,
        AlarmActions: [],
        OKActions: [],
        InsufficientDataActions: [],
      },
    ]);
    // Only the stack's own alarm is deleted; theirs are kept, with their tags.
    expect(inputsOf('cloudwatch.DeleteAlarms')).toEqual([{ AlarmNames: ['mission-cpu-alarm'] }]);
    expect(fake.find.alarm('prod-api-5xx').tags).toEqual({ team: 'api' });
    expect(fake.find.alarm('prod-composite').alarm.AlarmActions).toEqual([]);
    calledBefore('cloudwatch.PutMetricAlarm', 'sns.DeleteTopic');
    calledBefore('cloudwatch.PutCompositeAlarm', 'sns.DeleteTopic');

    const plan = io.stderr.join('\n');
    expect(plan).toMatch(
      /disconnect\s+Connected alarm\s+prod-api-5xx — notifies mission-sns on ALARM, OK; kept, not deleted/,
    );
    expect(plan).toMatch(
      /disconnect\s+Connected alarm\s+prod-composite — notifies mission-sns on ALARM; kept, not deleted/,
    );
    expect(plan).toContain(
      '✔ Disconnect Connected alarm prod-api-5xx — mission-sns removed from its actions; the alarm is kept',
    );
    expect(io.resultJson).toMatchObject({ ok: true, disconnected: ['prod-api-5xx', 'prod-composite'] });
    const removed = (io.resultJson as { removed: Array<{ name: string }> }).removed.map((r) => r.name);
    expect(removed).not.toContain('prod-api-5xx');

    aws.reset();
    const again = mockStack(aws);
    await again.fake.call('cloudwatch', 'PutMetricAlarm', API_ALARM);
    const human = scriptedIO();
    await run({}, commandContext(human, { yes: true }));
    expect(human.stdout.join('\n')).toMatch(
      /✔ disconnected\s+Connected alarm\s+prod-api-5xx — mission-sns removed from its actions; the alarm is kept/,
    );
  });

  it('leaves them alone when the topic stays (not ours)', async () => {
    const { fake } = mockStack(aws, { topic: 'untagged' });
    await fake.call('cloudwatch', 'PutMetricAlarm', API_ALARM);
    const io = scriptedIO({ json: true });
    await run({}, commandContext(io, { yes: true }));
    expect(inputsOf('cloudwatch.PutMetricAlarm')).toEqual([]);
    expect(io.resultJson).toMatchObject({ disconnected: [] });
  });

  it('one that cannot be disconnected fails the teardown, and the topic is kept for it', async () => {
    const { fake } = mockStack(aws);
    await fake.call('cloudwatch', 'PutMetricAlarm', API_ALARM);
    fake.failAlways(
      'cloudwatch.PutMetricAlarm',
      awsError('AccessDenied', 403, 'not authorized to perform: cloudwatch:PutMetricAlarm'),
    );
    const io = scriptedIO({ json: true });
    await expect(run({}, commandContext(io, { yes: true }))).rejects.toMatchObject({ exitCode: 1 });
    expect(io.resultJson).toMatchObject({
      failed: expect.arrayContaining([
        { resource: 'Connected alarm', name: 'prod-api-5xx', error: expect.stringContaining('AccessDenied') },
      ]),
      disconnected: [],
    });
    expect(inputsOf('cloudwatch.DeleteAlarms')).toEqual([{ AlarmNames: ['mission-cpu-alarm'] }]);
    // Without the topic a re-run would not find the alarm again: it stays until the alarm is disconnected.
    expect(names()).not.toContain('sns.DeleteTopic');
    expect(io.resultJson).toMatchObject({
      skipped: [
        {
          resource: 'SNS topic',
          name: 'mission-sns',
          reason: 'kept: prod-api-5xx still names it in its actions; re-run teardown to disconnect it',
        },
      ],
    });
    // The re-run, once CloudWatch accepts: disconnected, then the topic goes.
    fake.clearFailures();
    const first = writes(aws).length;
    const rerun = scriptedIO({ json: true });
    await run({}, commandContext(rerun, { yes: true }));
    expect(
      writes(aws)
        .slice(first)
        .map(([n]) => n),
    ).toEqual(['cloudwatch.PutMetricAlarm', 'sns.DeleteTopic']);
    expect(rerun.resultJson).toMatchObject({ ok: true, disconnected: ['prod-api-5xx'] });
  });
});

describe('teardown of the every-alarm rule', () => {
  it('removes every target before the rule, and the rule before the function (whose permissions go with it)', async () => {
    const { fake } = mockStack(aws, { rule: { states: ['ALARM', 'OK'] } });
    fake.find.rule('mission-alarm-events').targets.push({ Id: 'audit', Arn: PAGER });
    const io = scriptedIO({ json: true });
    await run({}, commandContext(io, { yes: true }));
    expect(inputsOf('eventbridge.RemoveTargets')).toEqual([
      { Rule: 'mission-alarm-events', Ids: ['mission-lambda', 'audit'] },
    ]);
    expect(inputsOf('eventbridge.DeleteRule')).toEqual([{ Name: 'mission-alarm-events' }]);
    calledBefore('eventbridge.RemoveTargets', 'eventbridge.DeleteRule');
    calledBefore('eventbridge.DeleteRule', 'lambda.DeleteFunction');
    // The EventBridge permission is a statement of the function's policy: DeleteFunction removes it.
    expect(names()).not.toContain('lambda.RemovePermission');
    expect(fake.state.functions.has('mission-lambda')).toBe(false);
    expect(io.resultJson).toMatchObject({
      removed: expect.arrayContaining([
        { resource: 'EventBridge rule', name: 'mission-alarm-events', detail: 'targets and rule removed' },
      ]),
    });
    expect(fake.state.rules.has('mission-alarm-events')).toBe(false);
  });

  it('a rule not ours is skipped with its targets', async () => {
    const { fake } = mockStack(aws, { rule: { states: ['ALARM'] } });
    fake.find.rule('mission-alarm-events').tags = {};
    const io = scriptedIO({ json: true });
    await run({}, commandContext(io, { yes: true }));
    expect(names().filter((n) => n.startsWith('eventbridge.'))).toEqual([]);
    expect(io.stderr.join('\n')).toMatch(/skip\s+EventBridge rule\s+mission-alarm-events — not tagged/);
  });
});
