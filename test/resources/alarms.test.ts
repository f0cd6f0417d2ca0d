import {
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandInput,
  type MetricAlarm,
  PutCompositeAlarmCommand,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { compositeAlarmInput, metricAlarmInput } from '../../src/resources/alarm-input.js';
import { alarmsNotifying, describeAlarm, listAlarms, putAlarm } from '../../src/resources/alarms.js';
import { mockAws, testStackContext } from '../helpers/aws.js';
import {
  alb5xxAnomaly,
  albP99,
  lambdaErrorRate,
  OPS_ARN,
  rdsStorage,
  serviceDegraded,
  TOPIC_ARN,
} from './alarm-fixtures.js';

const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

const BOTH = ['MetricAlarm', 'CompositeAlarm'];

/** Each DescribeAlarms input as it was when sent (the SDK's paginator reuses one input object). */
function recordDescribes(answer: (input: DescribeAlarmsCommandInput) => object) {
  const sent: DescribeAlarmsCommandInput[] = [];
  mocks.cloudwatch.on(DescribeAlarmsCommand).callsFake(async (input: DescribeAlarmsCommandInput) => {
    sent.push({ ...input });
    return answer(input);
  });
  return sent;
}

/** Three pages: metric alarms on all of them, the composite alarm on the second. */
const threePages = (input: DescribeAlarmsCommandInput) => {
  if (input.NextToken === undefined) return { MetricAlarms: [rdsStorage(), albP99()], NextToken: 'p2' };
  if (input.NextToken === 'p2')
    return { MetricAlarms: [lambdaErrorRate()], CompositeAlarms: [serviceDegraded()], NextToken: 'p3' };
  return { MetricAlarms: [alb5xxAnomaly()], CompositeAlarms: [] };
};

describe('listAlarms', () => {
  it('reads every page of both kinds, 100 at a time, and merges them by name with their kind', async () => {
    const { ctx } = testStackContext('mission');
    const sent = recordDescribes(threePages);
    const alarms = await listAlarms(ctx);
    expect(sent).toEqual([
      { AlarmTypes: BOTH, MaxRecords: 100, NextToken: undefined },
      { AlarmTypes: BOTH, MaxRecords: 100, NextToken: 'p2' },
      { AlarmTypes: BOTH, MaxRecords: 100, NextToken: 'p3' },
    ]);
    expect(alarms.map((a) => [a.kind, a.name])).toEqual([
      ['metric', 'checkout-lambda-error-rate'],
      ['composite', 'checkout-service-degraded'],
      ['metric', 'orders-db-free-storage'],
      ['metric', 'web-alb-5xx-anomaly'],
      ['metric', 'web-alb-p99-latency'],
    ]);
    expect(alarms[1]?.alarm).toStrictEqual(serviceDegraded());
  });

  it('filters by name prefix', async () => {
    const { ctx } = testStackContext('mission');
    const sent = recordDescribes(() => ({ MetricAlarms: [albP99(), alb5xxAnomaly()] }));
    expect((await listAlarms(ctx, { prefix: 'web-' })).map((a) => a.name)).toEqual([
      'web-alb-5xx-anomaly',
      'web-alb-p99-latency',
    ]);
    expect(sent).toEqual([
      { AlarmNamePrefix: 'web-', AlarmTypes: BOTH, MaxRecords: 100, NextToken: undefined },
    ]);
  });

  it('asks for named alarms 100 names per call (duplicates once), missing names simply absent', async () => {
    const { ctx } = testStackContext('mission');
    const names = Array.from({ length: 250 }, (_, i) => `alarm-${String(i).padStart(3, '0')}`);
    const sent = recordDescribes((input) => ({
      MetricAlarms: (input.AlarmNames ?? [])
        .filter((n) => n !== 'alarm-007')
        .map((n): MetricAlarm => ({ ...rdsStorage(), AlarmName: n })),
    }));
    const alarms = await listAlarms(ctx, { names: [...names, 'alarm-001', 'alarm-249'] });
    expect(sent.map((s) => s.AlarmNames)).toEqual([
      names.slice(0, 100),
      names.slice(100, 200),
      names.slice(200),
    ]);
    for (const s of sent) expect(s).toMatchObject({ AlarmTypes: BOTH, MaxRecords: 100 });
    expect(alarms).toHaveLength(249);
    expect(alarms.map((a) => a.name)).not.toContain('alarm-007');
  });

  it('follows the pages of each chunk of names', async () => {
    const { ctx } = testStackContext('mission');
    const sent = recordDescribes((input) =>
      input.NextToken
        ? { CompositeAlarms: [serviceDegraded()] }
        : { MetricAlarms: [albP99()], NextToken: 'more' },
    );
    const alarms = await listAlarms(ctx, { names: ['web-alb-p99-latency', 'checkout-service-degraded'] });
    expect(sent.map((s) => s.NextToken)).toEqual([undefined, 'more']);
    expect(alarms.map((a) => a.kind)).toEqual(['composite', 'metric']);
  });

  it('makes no call for an empty list of names, and refuses names and prefix together', async () => {
    const { ctx } = testStackContext('mission');
    expect(await listAlarms(ctx, { names: [] })).toEqual([]);
    expect(mocks.calls()).toEqual([]);
    await expect(listAlarms(ctx, { names: ['a'], prefix: 'a' })).rejects.toThrow(
      'Choose alarms by name or by prefix, not both.',
    );
  });
});

describe('describeAlarm', () => {
  it('reads the one alarm, of either kind, right now', async () => {
    const { ctx } = testStackContext('mission');
    mocks.cloudwatch
      .on(DescribeAlarmsCommand)
      .resolves({ MetricAlarms: [], CompositeAlarms: [serviceDegraded()] });
    expect(await describeAlarm(ctx, 'checkout-service-degraded')).toStrictEqual({
      kind: 'composite',
      name: 'checkout-service-degraded',
      alarm: serviceDegraded(),
    });
    expect(mocks.cloudwatch.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input).toEqual({
      AlarmNames: ['checkout-service-degraded'],
      AlarmTypes: BOTH,
    });
  });

  it('is undefined when the alarm is gone', async () => {
    const { ctx } = testStackContext('mission');
    mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [] });
    expect(await describeAlarm(ctx, 'deleted-meanwhile')).toBeUndefined();
  });
});

describe('putAlarm', () => {
  it('sends PutMetricAlarm for a metric alarm and PutCompositeAlarm for a composite one, input as given', async () => {
    const { ctx } = testStackContext('mission');
    mocks.cloudwatch.on(PutMetricAlarmCommand).resolves({});
    mocks.cloudwatch.on(PutCompositeAlarmCommand).resolves({});
    const metric = metricAlarmInput(lambdaErrorRate());
    const composite = compositeAlarmInput(serviceDegraded());
    await putAlarm(ctx, 'metric', metric);
    await putAlarm(ctx, 'composite', composite);
    expect(mocks.calls()).toEqual([
      ['cloudwatch', 'PutMetricAlarmCommand', metric],
      ['cloudwatch', 'PutCompositeAlarmCommand', composite],
    ]);
  });

  it('refuses an input of the other kind', async () => {
    const { ctx } = testStackContext('mission');
    const composite = compositeAlarmInput(serviceDegraded());
    const kind: 'metric' | 'composite' = 'metric';
    await expect(putAlarm(ctx, kind, composite)).rejects.toThrow(
      'a metric alarm was given the input of the other kind',
    );
    expect(mocks.calls()).toEqual([]);
  });

  // The SDK's retries of throttling are not seen here (the mock replaces them): alarms-throttling.test.ts.
  it("surfaces AWS's error", async () => {
    const { ctx } = testStackContext('mission');
    const error = Object.assign(new Error('Rate exceeded'), {
      name: 'Throttling',
      $metadata: { httpStatusCode: 400 },
    });
    mocks.cloudwatch.on(PutMetricAlarmCommand).rejects(error);
    await expect(putAlarm(ctx, 'metric', metricAlarmInput(albP99()))).rejects.toThrow('Rate exceeded');
  });
});

describe('alarmsNotifying', () => {
  it('finds every alarm of both kinds with the exact topic in any list, on every page, with the states', async () => {
    const { ctx } = testStackContext('mission');
    const sent = recordDescribes((input) => {
      if (!input.NextToken)
        return {
          MetricAlarms: [
            { ...rdsStorage(), OKActions: [TOPIC_ARN] },
            { ...albP99(), AlarmActions: [`${TOPIC_ARN}-old`] }, // a longer ARN it is a prefix of
          ],
          NextToken: 'p2',
        };
      return {
        MetricAlarms: [{ ...lambdaErrorRate(), InsufficientDataActions: [OPS_ARN, TOPIC_ARN] }],
        CompositeAlarms: [{ ...serviceDegraded(), AlarmActions: [TOPIC_ARN], OKActions: [TOPIC_ARN] }],
      };
    });
    const found = await alarmsNotifying(ctx, TOPIC_ARN);
    expect(found.map((a) => [a.kind, a.name, a.states])).toEqual([
      ['metric', 'checkout-lambda-error-rate', ['INSUFFICIENT_DATA']],
      ['composite', 'checkout-service-degraded', ['ALARM', 'OK']],
      ['metric', 'orders-db-free-storage', ['OK']],
    ]);
    expect(sent).toEqual([
      { AlarmTypes: BOTH, MaxRecords: 100, NextToken: undefined },
      { AlarmTypes: BOTH, MaxRecords: 100, NextToken: 'p2' },
    ]);
  });
});
