import type { Ensured, PlanItem, StackContext, Tags } from './context.js';

/** CloudWatch alarm `<name>-cpu-alarm` on an EC2 instance's CPUUtilization. CONTRACT STUB. */
export interface AlarmFound {
  arn: string;
  name: string;
  description: string | undefined;
  namespace: string | undefined;
  metricName: string | undefined;
  statistic: string | undefined;
  instanceId: string | undefined;
  threshold: number | undefined;
  period: number | undefined;
  evaluationPeriods: number | undefined;
  comparisonOperator: string | undefined;
  alarmActions: string[];
  okActions: string[];
  state: string | undefined;
  stateReason: string | undefined;
  tags: Tags;
}

export interface AlarmDesired {
  instanceId: string;
  threshold: number;
  period: number;
  evaluationPeriods: number;
  topicArn: string;
}

export async function findAlarm(_ctx: StackContext): Promise<AlarmFound | undefined> {
  throw new Error('not implemented');
}

export function planAlarm(
  _ctx: StackContext,
  _found: AlarmFound | undefined,
  _desired: AlarmDesired,
): PlanItem {
  throw new Error('not implemented');
}

/** PutMetricAlarm: AWS/EC2 CPUUtilization Average ≥ threshold, AlarmActions and OKActions = topic, tags. */
export async function ensureAlarm(
  _ctx: StackContext,
  _found: AlarmFound | undefined,
  _desired: AlarmDesired,
): Promise<Ensured<{ arn: string }>> {
  throw new Error('not implemented');
}

export async function removeAlarm(_ctx: StackContext): Promise<void> {
  throw new Error('not implemented');
}
