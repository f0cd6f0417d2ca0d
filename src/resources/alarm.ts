/** CloudWatch alarm `<name>-cpu-alarm` on an EC2 instance's CPUUtilization. */
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  type MetricAlarm,
  PutMetricAlarmCommand,
  type PutMetricAlarmInput,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import { isNotFound } from '../errors.js';
import type { AlarmFacts } from '../events/alarm-message.js';
import { STACK_TAG } from '../names.js';
import { metricAlarmInput } from './alarm-input.js';
import { applyInOrder, type Write } from './cleanup.js';
import type { Ensured, PlanItem, StackContext, Tags } from './context.js';
import { tagMissing, withTagPlan } from './stack-tag.js';

export interface AlarmFound extends AlarmFacts {
  state: string | undefined;
  stateReason: string | undefined;
  tags: Tags;
  actionsEnabled?: boolean | undefined;
  /** The alarm exactly as DescribeAlarms returned it, so an update can be undone exactly. */
  raw?: MetricAlarm | undefined;
}

export interface AlarmDesired {
  instanceId: string;
  threshold: number;
  period: number;
  evaluationPeriods: number;
  topicArn: string;
}

const NAMESPACE = 'AWS/EC2';
const METRIC = 'CPUUtilization';
const STATISTIC = 'Average';
const COMPARISON = 'GreaterThanOrEqualToThreshold';

function isAlarmNotFound(error: unknown): boolean {
  // CloudWatch's code is "ResourceNotFound" (HTTP 404), not "…Exception".
  return isNotFound(error) || (error as { name?: string } | undefined)?.name === 'ResourceNotFound';
}

/** DescribeAlarms and ListTagsForResource in parallel; undefined when there is no such metric alarm. */
export async function findAlarm(ctx: StackContext): Promise<AlarmFound | undefined> {
  const name = ctx.names.alarm;
  const [described, tagged] = await Promise.all([
    ctx.clients
      .get(CloudWatchClient)
      .send(new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ['MetricAlarm'] })),
    ctx.clients
      .get(CloudWatchClient)
      .send(new ListTagsForResourceCommand({ ResourceARN: ctx.arns.alarmArn }))
      .catch((error: unknown) => {
        if (isAlarmNotFound(error)) return { Tags: [] };
        throw error;
      }),
  ]);
  const raw = described.MetricAlarms?.find((a) => a.AlarmName === name);
  if (!raw) return undefined;
  const tags: Tags = {};
  for (const t of tagged.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  return {
    arn: raw.AlarmArn ?? ctx.arns.alarmArn,
    name,
    description: raw.AlarmDescription,
    namespace: raw.Namespace,
    metricName: raw.MetricName,
    statistic: raw.Statistic ?? raw.ExtendedStatistic,
    instanceId: raw.Dimensions?.find((d) => d.Name === 'InstanceId')?.Value,
    threshold: raw.Threshold,
    period: raw.Period,
    evaluationPeriods: raw.EvaluationPeriods,
    comparisonOperator: raw.ComparisonOperator,
    alarmActions: raw.AlarmActions ?? [],
    okActions: raw.OKActions ?? [],
    state: raw.StateValue,
    stateReason: raw.StateReason,
    tags,
    actionsEnabled: raw.ActionsEnabled,
    raw,
  };
}

function alarmDescription(ctx: StackContext, d: AlarmDesired): string {
  return (
    `CPU of ${d.instanceId} at or above ${d.threshold}% for ${d.evaluationPeriods} × ${d.period} s` +
    ` — alarm-to-slack stack ${ctx.names.stack}`
  );
}

/** The complete PutMetricAlarm input for the desired alarm. */
function alarmInput(ctx: StackContext, d: AlarmDesired): PutMetricAlarmInput {
  return {
    AlarmName: ctx.names.alarm,
    AlarmDescription: alarmDescription(ctx, d),
    ActionsEnabled: true,
    Namespace: NAMESPACE,
    MetricName: METRIC,
    Dimensions: [{ Name: 'InstanceId', Value: d.instanceId }],
    Statistic: STATISTIC,
    Period: d.period,
    EvaluationPeriods: d.evaluationPeriods,
    Threshold: d.threshold,
    ComparisonOperator: COMPARISON,
    TreatMissingData: 'missing',
    AlarmActions: [d.topicArn],
    OKActions: [d.topicArn],
    Tags: [{ Key: STACK_TAG, Value: ctx.names.stack }],
  };
}

const shortArn = (arn: string) => arn.split(':').pop() ?? arn;
const actionList = (arns: string[]) => (arns.length ? arns.map(shortArn).join(', ') : '(none)');
const sameSet = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/** What differs between the alarm and the desired one, e.g. ["threshold 50 → 80"]. */
function alarmChanges(found: AlarmFound, d: AlarmDesired): string[] {
  const changes: string[] = [];
  const diff = (label: string, was: unknown, want: unknown) => {
    if (was !== want) changes.push(`${label} ${was ?? '(none)'} → ${want}`);
  };
  diff('metric', found.namespace && `${found.namespace}/${found.metricName}`, `${NAMESPACE}/${METRIC}`);
  diff('instance', found.instanceId, d.instanceId);
  diff('threshold', found.threshold, d.threshold);
  diff('period', found.period, d.period);
  diff('evaluation periods', found.evaluationPeriods, d.evaluationPeriods);
  diff('comparison', found.comparisonOperator, COMPARISON);
  diff('statistic', found.statistic, STATISTIC);
  if (!sameSet(found.alarmActions, [d.topicArn]))
    changes.push(`alarm actions ${actionList(found.alarmActions)} → ${shortArn(d.topicArn)}`);
  if (!sameSet(found.okActions, [d.topicArn]))
    changes.push(`OK actions ${actionList(found.okActions)} → ${shortArn(d.topicArn)}`);
  if (found.actionsEnabled === false) changes.push('actions disabled → enabled');
  return changes;
}

export function planAlarm(ctx: StackContext, found: AlarmFound | undefined, desired: AlarmDesired): PlanItem {
  const item = { resource: 'CloudWatch alarm', name: ctx.names.alarm };
  if (!found) return { ...item, action: 'create' };
  const changes = alarmChanges(found, desired);
  const planned: PlanItem = changes.length
    ? { ...item, action: 'update', changes }
    : { ...item, action: 'unchanged' };
  return withTagPlan(planned, found.tags, ctx.names.stack);
}

/**
 * The PutMetricAlarm input that recreates an alarm exactly as DescribeAlarms showed it: the one lossless
 * builder (alarm-input.ts), which also serves `connect` for other people's alarms.
 */
function previousAlarmInput(name: string, raw: MetricAlarm): PutMetricAlarmInput {
  return metricAlarmInput({ ...raw, AlarmName: name });
}

/** The previous alarm: exactly its raw configuration, or (without it) the fields we know. */
function restoreInput(ctx: StackContext, found: AlarmFound): PutMetricAlarmInput {
  if (found.raw) return previousAlarmInput(ctx.names.alarm, found.raw);
  const input: Record<string, unknown> = {
    AlarmName: ctx.names.alarm,
    AlarmDescription: found.description,
    ActionsEnabled: found.actionsEnabled,
    Namespace: found.namespace,
    MetricName: found.metricName,
    Dimensions: found.instanceId ? [{ Name: 'InstanceId', Value: found.instanceId }] : undefined,
    Statistic: found.statistic,
    Period: found.period,
    EvaluationPeriods: found.evaluationPeriods,
    Threshold: found.threshold,
    ComparisonOperator: found.comparisonOperator,
    AlarmActions: found.alarmActions,
    OKActions: found.okActions,
  };
  for (const key of Object.keys(input)) if (input[key] === undefined) delete input[key];
  return input as unknown as PutMetricAlarmInput;
}

/**
 * PutMetricAlarm: AWS/EC2 CPUUtilization Average ≥ threshold, AlarmActions and OKActions = topic, tags.
 * PutMetricAlarm ignores Tags on an existing alarm, so an existing alarm without any stack tag gets ours
 * with TagResource (also when nothing else differs). Undo: DeleteAlarms for a created alarm; for an
 * update, the previous configuration and/or the tag removed.
 */
export async function ensureAlarm(
  ctx: StackContext,
  found: AlarmFound | undefined,
  desired: AlarmDesired,
): Promise<Ensured<{ arn: string }>> {
  const cw = ctx.clients.get(CloudWatchClient);
  const arn = found?.arn ?? ctx.arns.alarmArn;
  if (!found) {
    await cw.send(new PutMetricAlarmCommand(alarmInput(ctx, desired)));
    return { change: 'created', value: { arn }, undo: () => removeAlarm(ctx) };
  }
  const writes: Write[] = [];
  if (alarmChanges(found, desired).length > 0) {
    writes.push({
      run: () => cw.send(new PutMetricAlarmCommand(alarmInput(ctx, desired))),
      undo: () => cw.send(new PutMetricAlarmCommand(restoreInput(ctx, found))),
    });
  }
  if (tagMissing(found.tags, ctx.names.stack)) {
    writes.push({
      run: () =>
        cw.send(
          new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: STACK_TAG, Value: ctx.names.stack }] }),
        ),
      undo: () => cw.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: [STACK_TAG] })),
    });
  }
  if (writes.length === 0) return { change: 'unchanged', value: { arn } };
  // In order: the tag only once the alarm is as desired (a failed tag puts the alarm back as it was).
  const undo = await applyInOrder(ctx, writes, `CloudWatch alarm ${ctx.names.alarm} (partly updated)`);
  return { change: 'updated', value: { arn }, undo };
}

/** DeleteAlarms; idempotent (a missing alarm is not an error). */
export async function removeAlarm(ctx: StackContext): Promise<void> {
  try {
    await ctx.clients.get(CloudWatchClient).send(new DeleteAlarmsCommand({ AlarmNames: [ctx.names.alarm] }));
  } catch (error) {
    if (!isAlarmNotFound(error)) throw error;
  }
}
