import { ListTagsForResourceCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { cpu, cw, describeAlarms, put, TOPIC } from './cloudwatch-client.js';
import { ACCOUNT, REGION } from './constants.js';
import { seedAlarm } from './seed-extras.js';
import { useFakeAws } from './vitest.js';

const aws = useFakeAws();
describe('PutMetricAlarm', () => {
  it('creates INSUFFICIENT_DATA with the tags; an update replaces the whole alarm, keeps the state, ignores Tags', async () => {
    await put(
      cpu({
        AlarmDescription: 'first',
        TreatMissingData: 'breaching',
        OKActions: [TOPIC],
        Tags: [{ Key: 'a', Value: '1' }],
      }),
    );
    const arn = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:cpu`;
    expect((await describeAlarms({ AlarmNames: ['cpu'] })).MetricAlarms?.[0]).toMatchObject({
      AlarmArn: arn,
      StateValue: 'INSUFFICIENT_DATA',
      AlarmDescription: 'first',
      TreatMissingData: 'breaching',
      OKActions: [TOPIC],
    });
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'cpu', StateValue: 'ALARM', StateReason: 'test' }));
    await put(cpu({ Threshold: 80, Tags: [{ Key: 'b', Value: '2' }] }));
    const [alarm] = (await describeAlarms({ AlarmNames: ['cpu'] })).MetricAlarms ?? [];
    expect(alarm).toMatchObject({
      Threshold: 80,
      StateValue: 'ALARM',
      StateReason: 'test',
      OKActions: [],
      AlarmActions: [],
    });
    expect(alarm?.AlarmDescription).toBeUndefined();
    expect(alarm?.TreatMissingData).toBeUndefined();
    expect((await cw.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags).toEqual([
      { Key: 'a', Value: '1' },
    ]);
  });

  it("allows at most 5 actions per list, with AWS's validation message", async () => {
    const six = Array.from({ length: 6 }, (_, i) => `${TOPIC}${i}`);
    await expect(put(cpu({ AlarmActions: six }))).rejects.toMatchObject({
      name: 'ValidationException',
      Code: 'ValidationError',
      message: `1 validation error detected: Value '[${six.join(', ')}]' at 'alarmActions' failed to satisfy constraint: Member must have length less than or equal to 5`,
    });
    await expect(put(cpu({ OKActions: six }))).rejects.toMatchObject({
      message: expect.stringContaining("at 'oKActions'"),
    });
    await expect(put(cpu({ AlarmActions: six.slice(0, 5) }))).resolves.toBeDefined();
  });

  it('refuses Metrics together with single-metric fields, and Threshold with ThresholdMetricId', async () => {
    const Metrics = [
      { Id: 'm', MetricStat: { Metric: { Namespace: 'N', MetricName: 'M' }, Period: 60, Stat: 'Sum' } },
    ];
    await expect(put({ ...cpu(), Metrics })).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'MetricName should not be set if list of Metrics is set.',
    });
    const math = {
      AlarmName: 'math',
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold' as const,
    };
    await expect(put({ ...math, Threshold: 1, Statistic: 'Sum', Metrics })).rejects.toMatchObject({
      message: 'Statistic should not be set if list of Metrics is set.',
    });
    await expect(
      put({
        ...math,
        Threshold: 1,
        Metrics: [{ Id: 'e', Expression: 'm*2', MetricStat: Metrics[0]?.MetricStat }],
      }),
    ).rejects.toMatchObject({
      message:
        'The parameters MetricDataQuery Expression and MetricStat are mutually exclusive and you have specified both.',
    });
    await expect(
      put({
        ...math,
        Threshold: 1,
        ThresholdMetricId: 'band',
        Metrics: [...Metrics, { Id: 'band', Expression: 'ANOMALY_DETECTION_BAND(m, 2)' }],
      }),
    ).rejects.toMatchObject({ message: 'Threshold and ThresholdMetricId cannot both be set' });
    await expect(
      put({ AlarmName: 'x', EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' }),
    ).rejects.toMatchObject({
      message: 'MetricName must not be null',
    });
    expect(aws.fake.state.alarms.size).toBe(0);
  });

  it('accepts extended statistics, metric math and anomaly bands', async () => {
    for (const kind of ['extended', 'math', 'anomaly'] as const)
      await seedAlarm(aws.fake, { kind, name: kind });
    const out = await describeAlarms();
    expect(
      out.MetricAlarms?.map((a) => [
        a.AlarmName,
        a.ExtendedStatistic ?? a.ThresholdMetricId ?? a.Metrics?.length,
      ]),
    ).toEqual([
      ['anomaly', 'band'],
      ['extended', 'p99'],
      ['math', 3],
    ]);
  });
});
