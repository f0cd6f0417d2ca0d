import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandInput,
  PutMetricAlarmCommand,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { ACCOUNT, REGION } from './constants.js';

/** A CloudWatch client for the fake's own CloudWatch tests, with the alarm they put and read back. */
export const cw = new CloudWatchClient({ region: REGION });
export const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:t`;
export const cpu = (overrides: Partial<PutMetricAlarmCommandInput> = {}): PutMetricAlarmCommandInput => ({
  AlarmName: 'cpu',
  Namespace: 'AWS/EC2',
  MetricName: 'CPUUtilization',
  Dimensions: [{ Name: 'InstanceId', Value: 'i-1' }],
  Statistic: 'Average',
  Period: 60,
  EvaluationPeriods: 1,
  Threshold: 50,
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  ...overrides,
});
export const put = (input: PutMetricAlarmCommandInput) => cw.send(new PutMetricAlarmCommand(input));
export const describeAlarms = (input: DescribeAlarmsCommandInput = {}) =>
  cw.send(new DescribeAlarmsCommand(input));
