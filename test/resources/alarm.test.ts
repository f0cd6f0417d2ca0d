import {
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  type MetricAlarm,
  PutMetricAlarmCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AlarmDesired,
  type AlarmFound,
  ensureAlarm,
  findAlarm,
  planAlarm,
  removeAlarm,
} from '../../src/resources/alarm.js';
import { ACCOUNT, mockAws, REGION, testStackContext } from '../helpers/aws.js';

const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:mission-sns`;
const ALARM_ARN = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:mission-cpu-alarm`;
const INSTANCE = 'i-0123456789abcdef0';
const awsError = (name: string, status: number, message = `${name} from AWS`) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

const desired = (overrides: Partial<AlarmDesired> = {}): AlarmDesired => ({
  instanceId: INSTANCE,
  threshold: 50,
  period: 60,
  evaluationPeriods: 1,
  topicArn: TOPIC_ARN,
  ...overrides,
});

/** An alarm as DescribeAlarms returns it (made by hand from the tutorial: no OK action, no tag). */
const raw = (overrides: Partial<MetricAlarm> = {}): MetricAlarm => ({
  AlarmName: 'mission-cpu-alarm',
  AlarmArn: ALARM_ARN,
  AlarmDescription: 'tutorial alarm',
  ActionsEnabled: true,
  OKActions: [],
  AlarmActions: [TOPIC_ARN],
  InsufficientDataActions: [],
  StateValue: 'OK',
  StateReason: 'Threshold Crossed: 1 datapoint [3.2] was not greater than or equal to the threshold (50.0).',
  MetricName: 'CPUUtilization',
  Namespace: 'AWS/EC2',
  Statistic: 'Average',
  Dimensions: [{ Name: 'InstanceId', Value: INSTANCE }],
  Period: 300,
  EvaluationPeriods: 1,
  DatapointsToAlarm: 1,
  Threshold: 50,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  TreatMissingData: 'missing',
  ...overrides,
});

async function found(alarm: MetricAlarm, tags: Array<{ Key: string; Value: string }> = []) {
  const { ctx } = testStackContext('mission');
  mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [alarm] });
  mocks.cloudwatch.on(ListTagsForResourceCommand).resolves({ Tags: tags });
  const result = (await findAlarm(ctx)) as AlarmFound;
  mocks.reset();
  return result;
}

const OUR_TAG = [{ Key: 'alarm-to-slack:stack', Value: 'mission' }];

const OUR_INPUT = {
  AlarmName: 'mission-cpu-alarm',
  AlarmDescription: `CPU of ${INSTANCE} at or above 50% for 1 × 60 s — alarm-to-slack stack mission`,
  ActionsEnabled: true,
  Namespace: 'AWS/EC2',
  MetricName: 'CPUUtilization',
  Dimensions: [{ Name: 'InstanceId', Value: INSTANCE }],
  Statistic: 'Average',
  Period: 60,
  EvaluationPeriods: 1,
  Threshold: 50,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  TreatMissingData: 'missing',
  AlarmActions: [TOPIC_ARN],
  OKActions: [TOPIC_ARN],
  Tags: [{ Key: 'alarm-to-slack:stack', Value: 'mission' }],
};

describe('findAlarm', () => {
  it('describes the metric alarm and lists its tags in one round trip', async () => {
    const { ctx } = testStackContext('mission');
    // Each answer waits until both calls are in flight: sequential calls would never both be seen.
    let inFlight = 0;
    let release: () => void = () => {};
    const both = new Promise<void>((resolve) => {
      release = resolve;
    });
    const barrier = async <T>(value: T): Promise<T> => {
      inFlight += 1;
      if (inFlight === 2) release();
      await Promise.race([
        both,
        new Promise((_, reject) => setTimeout(() => reject(new Error('sequential')), 500)),
      ]);
      return value;
    };
    mocks.cloudwatch.on(DescribeAlarmsCommand).callsFake(() => barrier({ MetricAlarms: [raw()] }));
    mocks.cloudwatch
      .on(ListTagsForResourceCommand)
      .callsFake(() => barrier({ Tags: [{ Key: 'alarm-to-slack:stack', Value: 'mission' }] }));
    const alarm = await findAlarm(ctx);
    expect(mocks.cloudwatch.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input).toEqual({
      AlarmNames: ['mission-cpu-alarm'],
      AlarmTypes: ['MetricAlarm'],
    });
    expect(mocks.cloudwatch.commandCalls(ListTagsForResourceCommand)[0]?.args[0].input).toEqual({
      ResourceARN: ALARM_ARN,
    });
    expect(alarm).toMatchObject({
      arn: ALARM_ARN,
      name: 'mission-cpu-alarm',
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      statistic: 'Average',
      instanceId: INSTANCE,
      threshold: 50,
      period: 300,
      evaluationPeriods: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      alarmActions: [TOPIC_ARN],
      okActions: [],
      state: 'OK',
      tags: { 'alarm-to-slack:stack': 'mission' },
      raw: raw(),
    });
  });

  it('is undefined when there is no such alarm (its tags are not found either)', async () => {
    const { ctx } = testStackContext('mission');
    mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
    mocks.cloudwatch.on(ListTagsForResourceCommand).rejects(awsError('ResourceNotFoundException', 404));
    expect(await findAlarm(ctx)).toBeUndefined();
  });

  it('surfaces AccessDenied', async () => {
    const { ctx } = testStackContext('mission');
    mocks.cloudwatch.on(DescribeAlarmsCommand).rejects(awsError('AccessDenied', 403, 'no DescribeAlarms'));
    mocks.cloudwatch.on(ListTagsForResourceCommand).resolves({ Tags: [] });
    await expect(findAlarm(ctx)).rejects.toThrow('no DescribeAlarms');
  });
});

describe('planAlarm', () => {
  it('creates a missing alarm', () => {
    const { ctx } = testStackContext('mission');
    expect(planAlarm(ctx, undefined, desired())).toEqual({
      resource: 'CloudWatch alarm',
      name: 'mission-cpu-alarm',
      action: 'create',
    });
  });

  it('names what changed', async () => {
    const { ctx } = testStackContext('mission');
    const alarm = await found(raw());
    expect(planAlarm(ctx, alarm, desired({ threshold: 80 }))).toMatchObject({
      action: 'update',
      // Made by hand from the tutorial: adopted, so it gets our tag too.
      changes: [
        'threshold 50 → 80',
        'period 300 → 60',
        'OK actions (none) → mission-sns',
        'add tag alarm-to-slack:stack=mission',
      ],
    });
  });

  it('is unchanged when the alarm is as desired', async () => {
    const { ctx } = testStackContext('mission');
    const alarm = await found(raw({ Period: 60, OKActions: [TOPIC_ARN] }), OUR_TAG);
    expect(planAlarm(ctx, alarm, desired()).action).toBe('unchanged');
  });
});

describe('ensureAlarm', () => {
  it('creates the alarm with both actions on the topic and our tag; undo deletes it', async () => {
    const { ctx } = testStackContext('mission');
    mocks.cloudwatch.on(PutMetricAlarmCommand).resolves({});
    mocks.cloudwatch.on(DeleteAlarmsCommand).resolves({});
    const result = await ensureAlarm(ctx, undefined, desired());
    expect(result).toMatchObject({ change: 'created', value: { arn: ALARM_ARN } });
    expect(mocks.cloudwatch.commandCalls(PutMetricAlarmCommand)[0]?.args[0].input).toEqual(OUR_INPUT);
    await result.undo?.();
    expect(mocks.cloudwatch.commandCalls(DeleteAlarmsCommand)[0]?.args[0].input).toEqual({
      AlarmNames: ['mission-cpu-alarm'],
    });
  });

  it('makes no call when unchanged', async () => {
    const { ctx } = testStackContext('mission');
    const alarm = await found(raw({ Period: 60, OKActions: [TOPIC_ARN] }), OUR_TAG);
    const result = await ensureAlarm(ctx, alarm, desired());
    expect(result).toEqual({ change: 'unchanged', value: { arn: ALARM_ARN } });
    expect(mocks.calls()).toEqual([]);
  });

  it('updates an untagged alarm, tags it, and undo puts back the exact previous alarm', async () => {
    const { ctx } = testStackContext('mission');
    const before = raw();
    const alarm = await found(before);
    mocks.cloudwatch.on(PutMetricAlarmCommand).resolves({});
    mocks.cloudwatch.on(TagResourceCommand).resolves({});
    mocks.cloudwatch.on(UntagResourceCommand).resolves({});
    const result = await ensureAlarm(ctx, alarm, desired({ threshold: 80 }));
    expect(result.change).toBe('updated');
    expect(mocks.calls().map(([, n]) => n)).toEqual(['PutMetricAlarmCommand', 'TagResourceCommand']);
    expect(mocks.cloudwatch.commandCalls(PutMetricAlarmCommand)[0]?.args[0].input).toEqual({
      ...OUR_INPUT,
      AlarmDescription: `CPU of ${INSTANCE} at or above 80% for 1 × 60 s — alarm-to-slack stack mission`,
      Threshold: 80,
    });
    expect(mocks.cloudwatch.commandCalls(TagResourceCommand)[0]?.args[0].input).toEqual({
      ResourceARN: ALARM_ARN,
      Tags: [{ Key: 'alarm-to-slack:stack', Value: 'mission' }],
    });
    mocks.cloudwatch.resetHistory();
    await result.undo?.();
    // In reverse: the tag removed, then the alarm put back.
    expect(mocks.calls().map(([, n]) => n)).toEqual(['UntagResourceCommand', 'PutMetricAlarmCommand']);
    expect(mocks.cloudwatch.commandCalls(PutMetricAlarmCommand)[0]?.args[0].input).toEqual({
      AlarmName: 'mission-cpu-alarm',
      AlarmDescription: 'tutorial alarm',
      ActionsEnabled: true,
      OKActions: [],
      AlarmActions: [TOPIC_ARN],
      InsufficientDataActions: [],
      MetricName: 'CPUUtilization',
      Namespace: 'AWS/EC2',
      Statistic: 'Average',
      Dimensions: [{ Name: 'InstanceId', Value: INSTANCE }],
      Period: 300,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 50,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'missing',
    });
    expect(mocks.cloudwatch.commandCalls(UntagResourceCommand)[0]?.args[0].input).toEqual({
      ResourceARN: ALARM_ARN,
      TagKeys: ['alarm-to-slack:stack'],
    });
  });

  it('does not tag an alarm that already carries our tag', async () => {
    const { ctx } = testStackContext('mission');
    const alarm = await found(raw(), OUR_TAG);
    mocks.cloudwatch.on(PutMetricAlarmCommand).resolves({});
    await ensureAlarm(ctx, alarm, desired());
    expect(mocks.calls().map(([, n]) => n)).toEqual(['PutMetricAlarmCommand']);
  });
});

describe('removeAlarm', () => {
  it('deletes the alarm', async () => {
    const { ctx } = testStackContext('mission');
    mocks.cloudwatch.on(DeleteAlarmsCommand).resolves({});
    await removeAlarm(ctx);
    expect(mocks.cloudwatch.commandCalls(DeleteAlarmsCommand)[0]?.args[0].input).toEqual({
      AlarmNames: ['mission-cpu-alarm'],
    });
  });

  it('is idempotent when the alarm is gone (CloudWatch ResourceNotFound)', async () => {
    const { ctx } = testStackContext('mission');
    mocks.cloudwatch.on(DeleteAlarmsCommand).rejects(awsError('ResourceNotFound', 404, 'alarm not found'));
    await expect(removeAlarm(ctx)).resolves.toBeUndefined();
  });

  it('surfaces other errors', async () => {
    const { ctx } = testStackContext('mission');
    mocks.cloudwatch.on(DeleteAlarmsCommand).rejects(awsError('AccessDenied', 403, 'denied'));
    await expect(removeAlarm(ctx)).rejects.toThrow('denied');
  });
});
