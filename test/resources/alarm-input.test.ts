import type {
  CompositeAlarm,
  EvaluationCriteria,
  MetricAlarm,
  PutCompositeAlarmInput,
  PutMetricAlarmInput,
} from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import {
  alarmInput,
  COMPOSITE_FIELDS,
  COMPOSITE_OUTPUT_ONLY,
  compositeAlarmInput,
  type FieldRules,
  METRIC_FIELDS,
  METRIC_OUTPUT_ONLY,
  metricAlarmInput,
} from '../../src/resources/alarm-input.js';
import {
  alarmArn,
  alb5xxAnomaly,
  albP99,
  lambdaErrorRate,
  OPS_ARN,
  PAGER_ARN,
  promqlAlarm,
  rdsStorage,
  serviceDegraded,
} from './alarm-fixtures.js';

// Each Put…Input is pinned in full with toStrictEqual: no field more, none less, none undefined.

describe('metricAlarmInput', () => {
  it('re-sends a single-metric alarm field by field, without its state or an empty Metrics list', () => {
    expect(metricAlarmInput(rdsStorage())).toStrictEqual({
      AlarmName: 'orders-db-free-storage',
      AlarmDescription: 'orders-db has less than 10 GiB free',
      ActionsEnabled: true,
      OKActions: [PAGER_ARN],
      AlarmActions: [PAGER_ARN, OPS_ARN],
      InsufficientDataActions: [],
      MetricName: 'FreeStorageSpace',
      Namespace: 'AWS/RDS',
      Statistic: 'Minimum',
      Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'orders-db' }],
      Period: 300,
      Unit: 'Bytes',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 10737418240,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      EvaluationWindow: { WallClockWindow: { Timezone: 'Asia/Seoul' } },
      WarmUpConfiguration: {
        WarmUpPeriodDurationInMinutes: 15,
        OnlyStartEvaluatingAfterWarmUpPeriodEnds: true,
      },
      ActionConfiguration: { AlarmTagsPropagation: { Enabled: true, IncludedTagKeys: ['team'] } },
    } satisfies PutMetricAlarmInput);
  });

  it('re-sends a p99 alarm: ExtendedStatistic, low-sample setting, disabled actions; absent lists stay absent, TreatMissingData says missing', () => {
    expect(metricAlarmInput(albP99())).toStrictEqual({
      AlarmName: 'web-alb-p99-latency',
      ActionsEnabled: false,
      AlarmActions: [OPS_ARN],
      MetricName: 'TargetResponseTime',
      Namespace: 'AWS/ApplicationELB',
      ExtendedStatistic: 'p99',
      Dimensions: [
        { Name: 'LoadBalancer', Value: 'app/web/0123456789abcdef' },
        { Name: 'TargetGroup', Value: 'targetgroup/web/fedcba9876543210' },
      ],
      Period: 60,
      Unit: 'Seconds',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      Threshold: 1.5,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'missing',
      EvaluateLowSampleCountPercentile: 'ignore',
    } satisfies PutMetricAlarmInput);
  });

  it('re-sends a metric-math alarm with its Metrics and none of the single-metric fields (not the empty Dimensions)', () => {
    const alarm = lambdaErrorRate();
    expect(metricAlarmInput(alarm)).toStrictEqual({
      AlarmName: 'checkout-lambda-error-rate',
      AlarmDescription: 'More than 5% of checkout invocations fail',
      ActionsEnabled: true,
      OKActions: [],
      AlarmActions: [PAGER_ARN],
      InsufficientDataActions: [OPS_ARN],
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      Metrics: alarm.Metrics,
    } satisfies PutMetricAlarmInput);
    expect(metricAlarmInput(alarm).Metrics?.[1]).toStrictEqual({
      Id: 'invocations',
      MetricStat: {
        Metric: {
          Namespace: 'AWS/Lambda',
          MetricName: 'Invocations',
          Dimensions: [{ Name: 'FunctionName', Value: 'checkout' }],
        },
        Period: 60,
        Stat: 'Sum',
        Unit: 'Count',
      },
      ReturnData: false,
    });
  });

  it('re-sends an anomaly-band alarm with ThresholdMetricId (and never a Threshold beside it)', () => {
    const alarm = alb5xxAnomaly();
    const expected = {
      AlarmName: 'web-alb-5xx-anomaly',
      AlarmDescription: 'Unusually many 5xx from the web targets',
      ActionsEnabled: true,
      OKActions: [PAGER_ARN],
      AlarmActions: [PAGER_ARN],
      InsufficientDataActions: [],
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanUpperThreshold',
      TreatMissingData: 'ignore',
      Metrics: alarm.Metrics,
      ThresholdMetricId: 'ad1',
    } satisfies PutMetricAlarmInput;
    expect(metricAlarmInput(alarm)).toStrictEqual(expected);
    expect(metricAlarmInput({ ...alarm, Threshold: 0 })).toStrictEqual(expected);
  });

  it('re-sends a PromQL alarm with EvaluationCriteria and EvaluationInterval only (no TreatMissingData default)', () => {
    expect(metricAlarmInput(promqlAlarm())).toStrictEqual({
      AlarmName: 'api-pods-restarting',
      ActionsEnabled: true,
      OKActions: [],
      AlarmActions: [OPS_ARN],
      InsufficientDataActions: [],
      EvaluationCriteria: promqlAlarm().EvaluationCriteria,
      EvaluationInterval: 60,
    } satisfies PutMetricAlarmInput);
  });

  it('never sends Tags, nor any output-only field (state, reasons, timestamps, the ARN, EvaluationState)', () => {
    const alarm: MetricAlarm = { ...lambdaErrorRate(), EvaluationState: 'EVALUATION_ERROR' };
    const input = metricAlarmInput(alarm);
    expect(input).not.toHaveProperty('Tags');
    for (const key of Object.keys(METRIC_OUTPUT_ONLY)) {
      expect(alarm).toHaveProperty(key);
      expect(input).not.toHaveProperty(key);
    }
    const composite = compositeAlarmInput(serviceDegraded());
    for (const key of Object.keys(COMPOSITE_OUTPUT_ONLY)) {
      expect(serviceDegraded()).toHaveProperty(key);
      expect(composite).not.toHaveProperty(key);
    }
  });

  it('copies: changing the input leaves the described alarm as it was', () => {
    const alarm = lambdaErrorRate();
    const input = metricAlarmInput(alarm);
    input.AlarmActions?.push(OPS_ARN);
    input.Metrics?.[0]?.MetricStat?.Metric?.Dimensions?.push({ Name: 'Resource', Value: 'x' });
    expect(alarm).toStrictEqual(lambdaErrorRate());
  });

  it('refuses an alarm whose evaluation settings this SDK could not read, rather than dropping them', () => {
    const unknown = { $unknown: ['SqlCriteria', { Query: 'SELECT …' }] } as unknown as EvaluationCriteria;
    expect(() => metricAlarmInput({ ...promqlAlarm(), EvaluationCriteria: unknown })).toThrow(
      /Alarm "api-pods-restarting": its EvaluationCriteria is of a kind this version of alarm-to-slack cannot read/,
    );
  });

  it('refuses an alarm without a name', () => {
    const { AlarmName: _, ...nameless } = rdsStorage();
    expect(() => metricAlarmInput(nameless)).toThrow('without a name');
  });
});

describe('compositeAlarmInput', () => {
  it('re-sends a composite alarm with its rule, suppressor and periods, without ActionsSuppressedBy/Reason', () => {
    expect(compositeAlarmInput(serviceDegraded())).toStrictEqual({
      ActionsEnabled: true,
      AlarmActions: [PAGER_ARN, OPS_ARN],
      AlarmDescription: 'Checkout is failing or slow',
      AlarmName: 'checkout-service-degraded',
      AlarmRule: `ALARM("${alarmArn('checkout-lambda-error-rate')}") OR\n  (ALARM(web-alb-p99-latency) AND NOT ALARM(deploy-in-progress))`,
      InsufficientDataActions: [],
      OKActions: [PAGER_ARN],
      ActionsSuppressor: 'maintenance-window',
      ActionsSuppressorWaitPeriod: 120,
      ActionsSuppressorExtensionPeriod: 180,
      ActionConfiguration: { AlarmTagsPropagation: { Enabled: true, ExcludedTagKeys: ['cost-center'] } },
    } satisfies PutCompositeAlarmInput);
  });

  it('sends the suppressor periods only with a suppressor', () => {
    const { ActionsSuppressor: _, ...unsuppressed }: CompositeAlarm = serviceDegraded();
    const input = compositeAlarmInput(unsuppressed);
    expect(input).not.toHaveProperty('ActionsSuppressorWaitPeriod');
    expect(input).not.toHaveProperty('ActionsSuppressorExtensionPeriod');
  });

  it('refuses a composite alarm without a rule', () => {
    expect(() => compositeAlarmInput({ ...serviceDegraded(), AlarmRule: undefined })).toThrow(
      'without a rule',
    );
  });
});

describe('alarmInput', () => {
  it('builds the input of each kind', () => {
    expect(alarmInput({ kind: 'metric', name: 'web-alb-p99-latency', alarm: albP99() })).toStrictEqual({
      kind: 'metric',
      input: metricAlarmInput(albP99()),
    });
    expect(alarmInput({ kind: 'composite', name: 'x', alarm: serviceDegraded() })).toStrictEqual({
      kind: 'composite',
      input: compositeAlarmInput(serviceDegraded()),
    });
  });
});

describe('the field tables', () => {
  it('classify every input key (a new SDK key without a rule does not compile)', () => {
    // @ts-expect-error: NewSetting is neither sent nor excluded.
    const metric: FieldRules<PutMetricAlarmInput & { NewSetting?: string }, MetricAlarm> = METRIC_FIELDS;
    // @ts-expect-error: likewise for composite alarms.
    const composite: FieldRules<PutCompositeAlarmInput & { NewSetting?: string }, CompositeAlarm> =
      COMPOSITE_FIELDS;
    expect([metric, composite]).toHaveLength(2);
    expect(Object.keys(METRIC_FIELDS)).toHaveLength(27);
    expect(METRIC_FIELDS.Tags).toHaveProperty('excluded');
    expect(COMPOSITE_FIELDS.Tags).toHaveProperty('excluded');
  });
});
