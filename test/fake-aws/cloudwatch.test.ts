import {
  DeleteAlarmsCommand,
  GetMetricDataCommand,
  ListTagsForResourceCommand,
  PutCompositeAlarmCommand,
  SetAlarmStateCommand,
  TagResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { cpu, cw, describeAlarms, put, TOPIC } from './cloudwatch-client.js';
import { ACCOUNT, REGION } from './constants.js';
import { seedStack } from './seed.js';
import { useFakeAws } from './vitest.js';

const aws = useFakeAws();
const names = (out: {
  MetricAlarms?: Array<{ AlarmName?: string }>;
  CompositeAlarms?: Array<{ AlarmName?: string }>;
}) => [
  ...(out.MetricAlarms ?? []).map((a) => a.AlarmName),
  ...(out.CompositeAlarms ?? []).map((a) => a.AlarmName),
];

describe('DescribeAlarms', () => {
  it('answers metric alarms only unless AlarmTypes asks for composite ones', async () => {
    await put(cpu());
    await cw.send(
      new PutCompositeAlarmCommand({
        AlarmName: 'both',
        AlarmRule: 'ALARM("cpu")',
        ActionsSuppressor: 'cpu',
        ActionsSuppressorWaitPeriod: 60,
        ActionsSuppressorExtensionPeriod: 60,
      }),
    );
    expect(names(await describeAlarms())).toEqual(['cpu']);
    expect((await describeAlarms()).CompositeAlarms).toEqual([]);
    expect(names(await describeAlarms({ AlarmTypes: ['CompositeAlarm'] }))).toEqual(['both']);
    const all = await describeAlarms({ AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] });
    expect(names(all)).toEqual(['cpu', 'both']);
    expect(all.CompositeAlarms?.[0]).toMatchObject({
      AlarmRule: 'ALARM("cpu")',
      ActionsSuppressor: 'cpu',
      StateValue: 'INSUFFICIENT_DATA',
    });
  });

  it('filters by names, prefix, state and action prefix; names and prefix together are refused', async () => {
    await put(cpu({ AlarmName: 'app-cpu', AlarmActions: [TOPIC] }));
    await put(cpu({ AlarmName: 'app-disk' }));
    await put(cpu({ AlarmName: 'db-cpu' }));
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'db-cpu', StateValue: 'OK', StateReason: 'r' }));
    expect(names(await describeAlarms({ AlarmNames: ['db-cpu', 'nope'] }))).toEqual(['db-cpu']);
    expect(names(await describeAlarms({ AlarmNamePrefix: 'app-' }))).toEqual(['app-cpu', 'app-disk']);
    expect(names(await describeAlarms({ StateValue: 'OK' }))).toEqual(['db-cpu']);
    expect(names(await describeAlarms({ ActionPrefix: `arn:aws:sns:${REGION}` }))).toEqual(['app-cpu']);
    await expect(describeAlarms({ AlarmNames: ['a'], AlarmNamePrefix: 'a' })).rejects.toMatchObject({
      name: 'InvalidParameterCombinationException',
    });
  });

  it('pages with MaxRecords and NextToken (1–100)', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) await put(cpu({ AlarmName: n }));
    const seen: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const out = await describeAlarms({ MaxRecords: 2, ...(NextToken ? { NextToken } : {}) });
      seen.push(...names(out).map(String));
      NextToken = out.NextToken;
      pages += 1;
    } while (NextToken);
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(pages).toBe(3);
    await expect(describeAlarms({ MaxRecords: 101 })).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
    });
    await expect(describeAlarms({ NextToken: 'garbage' })).rejects.toMatchObject({
      name: 'InvalidNextToken',
    });
  });
});

describe('state, tags, deletion and metrics', () => {
  it('SetAlarmState changes the state, reason and timestamps (the transition only on a change)', async () => {
    await put(cpu());
    const before = (await describeAlarms()).MetricAlarms?.[0];
    aws.fake.advance(60_000);
    await cw.send(
      new SetAlarmStateCommand({
        AlarmName: 'cpu',
        StateValue: 'ALARM',
        StateReason: 'r1',
        StateReasonData: '{"a":1}',
      }),
    );
    aws.fake.advance(60_000);
    await cw.send(new SetAlarmStateCommand({ AlarmName: 'cpu', StateValue: 'ALARM', StateReason: 'r2' }));
    const after = (await describeAlarms()).MetricAlarms?.[0];
    expect(after).toMatchObject({ StateValue: 'ALARM', StateReason: 'r2', StateReasonData: '{"a":1}' });
    expect(after?.StateUpdatedTimestamp?.getTime()).toBe(aws.fake.now());
    expect(after?.StateTransitionedTimestamp?.getTime()).toBe(aws.fake.now() - 60_000);
    expect(after?.AlarmConfigurationUpdatedTimestamp).toEqual(before?.AlarmConfigurationUpdatedTimestamp);
    await expect(
      cw.send(new SetAlarmStateCommand({ AlarmName: 'nope', StateValue: 'OK', StateReason: 'r' })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFound',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(
      cw.send(
        new SetAlarmStateCommand({
          AlarmName: 'cpu',
          StateValue: 'OK',
          StateReason: 'r',
          StateReasonData: '{',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidFormatFault' });
  });

  it('tagging a missing alarm is ResourceNotFoundException (not ResourceNotFound); deleting one is no error', async () => {
    const arn = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:nope`;
    await expect(cw.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(cw.send(new TagResourceCommand({ ResourceARN: arn, Tags: [] }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(cw.send(new DeleteAlarmsCommand({ AlarmNames: ['nope'] }))).resolves.toBeDefined();
    await put(cpu());
    await cw.send(new DeleteAlarmsCommand({ AlarmNames: ['cpu', 'nope'] }));
    expect(aws.fake.state.alarms.size).toBe(0);
  });

  it('DeleteAlarms refuses alarms that a composite alarm depends on, unless it goes too', async () => {
    await put(cpu());
    await put(cpu({ AlarmName: 'cpu.2' }));
    await cw.send(
      new PutCompositeAlarmCommand({ AlarmName: 'both', AlarmRule: 'ALARM("cpu") OR ALARM(cpu.2)' }),
    );
    await expect(cw.send(new DeleteAlarmsCommand({ AlarmNames: ['cpu', 'cpu.2'] }))).rejects.toMatchObject({
      name: 'ValidationException',
      Code: 'ValidationError',
      message: 'Cannot delete cpu,cpu.2 as there are composite alarm(s) depending on them.',
    });
    expect(aws.fake.state.alarms.size).toBe(3);
    await cw.send(new DeleteAlarmsCommand({ AlarmNames: ['both', 'cpu', 'cpu.2'] }));
    expect(aws.fake.state.alarms.size).toBe(0);
  });

  it('GetMetricData sums the datapoints per period, newest first', async () => {
    seedStack(aws.fake);
    const now = aws.fake.now();
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
    });
    const out = await cw.send(
      new GetMetricDataCommand({
        MetricDataQueries: [
          query('invocations', 'Invocations'),
          query('errors', 'Errors'),
          query('other', 'Throttles'),
        ],
        StartTime: new Date(now - 86_400_000),
        EndTime: new Date(now),
      }),
    );
    expect(out.MetricDataResults?.map((r) => [r.Id, r.Values, r.StatusCode])).toEqual([
      ['invocations', [2, 1], 'Complete'],
      ['errors', [0, 0], 'Complete'],
      ['other', [], 'Complete'],
    ]);
    const [first, second] = out.MetricDataResults?.[0]?.Timestamps ?? [];
    expect((first?.getTime() ?? 0) - (second?.getTime() ?? 0)).toBe(3_600_000);
  });
});
