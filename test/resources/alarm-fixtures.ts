import type { CompositeAlarm, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { ACCOUNT, REGION } from '../helpers/aws.js';

/**
 * A team's alarms as DescribeAlarms answers them (state, reasons, timestamps and all), shared by the
 * alarm-input, alarm-topic, alarm-summary and alarms tests.
 */

export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:mission-sns`;
export const PAGER_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:pagerduty`;
export const OPS_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:ops-email`;
export const alarmArn = (name: string) => `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`;

const UPDATED = new Date('2026-03-02T09:15:00.000Z');
const STATE_AT = new Date('2026-11-20T04:00:00.000Z');

/** Output-only fields every answer has. */
const state = (name: string) => ({
  AlarmArn: alarmArn(name),
  AlarmConfigurationUpdatedTimestamp: UPDATED,
  StateValue: 'OK' as const,
  StateReason: 'Threshold Crossed: 3 datapoints were not less than the threshold.',
  StateReasonData: '{"version":"1.0","queryDate":"2026-11-20T04:00:00.000+0000"}',
  StateUpdatedTimestamp: STATE_AT,
  StateTransitionedTimestamp: STATE_AT,
});

/** RDS free storage: one metric, M of N, Unit, breaching, warm-up, a wall-clock window, tag propagation. */
export const rdsStorage = (): MetricAlarm => ({
  AlarmName: 'orders-db-free-storage',
  AlarmDescription: 'orders-db has less than 10 GiB free',
  ActionsEnabled: true,
  OKActions: [PAGER_ARN],
  AlarmActions: [PAGER_ARN, OPS_ARN],
  InsufficientDataActions: [],
  ...state('orders-db-free-storage'),
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
  // DescribeAlarms answers a single-metric alarm with an empty Metrics list.
  Metrics: [],
  EvaluationWindow: { WallClockWindow: { Timezone: 'Asia/Seoul' } },
  WarmUpConfiguration: { WarmUpPeriodDurationInMinutes: 15, OnlyStartEvaluatingAfterWarmUpPeriodEnds: true },
  ActionConfiguration: { AlarmTagsPropagation: { Enabled: true, IncludedTagKeys: ['team'] } },
});

/** ALB p99 latency: an extended statistic, low samples ignored, actions disabled, lists and TreatMissingData absent. */
export const albP99 = (): MetricAlarm => ({
  AlarmName: 'web-alb-p99-latency',
  ActionsEnabled: false,
  AlarmActions: [OPS_ARN],
  ...state('web-alb-p99-latency'),
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
  EvaluateLowSampleCountPercentile: 'ignore',
});

/** Lambda error rate: metric math, with the empty Dimensions DescribeAlarms answers beside Metrics. */
export const lambdaErrorRate = (): MetricAlarm => ({
  AlarmName: 'checkout-lambda-error-rate',
  AlarmDescription: 'More than 5% of checkout invocations fail',
  ActionsEnabled: true,
  OKActions: [],
  AlarmActions: [PAGER_ARN],
  InsufficientDataActions: [OPS_ARN],
  ...state('checkout-lambda-error-rate'),
  Dimensions: [],
  EvaluationPeriods: 3,
  DatapointsToAlarm: 2,
  Threshold: 5,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  TreatMissingData: 'notBreaching',
  Metrics: [
    {
      Id: 'errors',
      MetricStat: {
        Metric: {
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: 'checkout' }],
        },
        Period: 60,
        Stat: 'Sum',
      },
      ReturnData: false,
    },
    {
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
    },
    { Id: 'rate', Expression: '100 * errors / invocations', Label: 'Error rate (%)', ReturnData: true },
  ],
  EvaluationState: 'PARTIAL_DATA',
});

/** ALB 5xx above the expected band: anomaly detection (ThresholdMetricId), cross-account metric. */
export const alb5xxAnomaly = (): MetricAlarm => ({
  AlarmName: 'web-alb-5xx-anomaly',
  AlarmDescription: 'Unusually many 5xx from the web targets',
  ActionsEnabled: true,
  OKActions: [PAGER_ARN],
  AlarmActions: [PAGER_ARN],
  InsufficientDataActions: [],
  ...state('web-alb-5xx-anomaly'),
  Dimensions: [],
  EvaluationPeriods: 2,
  DatapointsToAlarm: 2,
  ComparisonOperator: 'GreaterThanUpperThreshold',
  TreatMissingData: 'ignore',
  Metrics: [
    {
      Id: 'm1',
      AccountId: '210987654321',
      MetricStat: {
        Metric: {
          Namespace: 'AWS/ApplicationELB',
          MetricName: 'HTTPCode_Target_5XX_Count',
          Dimensions: [{ Name: 'LoadBalancer', Value: 'app/web/0123456789abcdef' }],
        },
        Period: 300,
        Stat: 'Sum',
      },
      ReturnData: true,
    },
    { Id: 'ad1', Expression: 'ANOMALY_DETECTION_BAND(m1, 2)', Label: '5xx (expected)', ReturnData: true },
  ],
  ThresholdMetricId: 'ad1',
});

/** A PromQL alarm: EvaluationCriteria and EvaluationInterval instead of a metric and a threshold. */
export const promqlAlarm = (): MetricAlarm => ({
  AlarmName: 'api-pods-restarting',
  ActionsEnabled: true,
  OKActions: [],
  AlarmActions: [OPS_ARN],
  InsufficientDataActions: [],
  ...state('api-pods-restarting'),
  EvaluationCriteria: {
    PromQLCriteria: {
      Query: 'sum by (pod) (rate(kube_pod_container_status_restarts_total[5m])) > 0',
      PendingPeriod: 300,
      RecoveryPeriod: 600,
    },
  },
  EvaluationInterval: 60,
});

/** "Service degraded": a composite alarm whose actions wait for (and outlast) a maintenance alarm. */
export const serviceDegraded = (): CompositeAlarm => ({
  AlarmName: 'checkout-service-degraded',
  AlarmDescription: 'Checkout is failing or slow',
  ActionsEnabled: true,
  OKActions: [PAGER_ARN],
  AlarmActions: [PAGER_ARN, OPS_ARN],
  InsufficientDataActions: [],
  ...state('checkout-service-degraded'),
  AlarmRule: `ALARM("${alarmArn('checkout-lambda-error-rate')}") OR\n  (ALARM(web-alb-p99-latency) AND NOT ALARM(deploy-in-progress))`,
  ActionsSuppressedBy: 'WaitPeriod',
  ActionsSuppressedReason: 'Actions are suppressed while waiting for the suppressor alarm.',
  ActionsSuppressor: 'maintenance-window',
  ActionsSuppressorWaitPeriod: 120,
  ActionsSuppressorExtensionPeriod: 180,
  ActionConfiguration: { AlarmTagsPropagation: { Enabled: true, ExcludedTagKeys: ['cost-center'] } },
});
