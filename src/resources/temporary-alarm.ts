/**
 * The temporary alarm of `test --through-alarm` in every-alarm mode (a stack with the EventBridge rule and no
 * alarm of its own): a metric alarm named to match the rule's prefix, on a metric nobody publishes, with no
 * actions, tagged for the stack. The test sets its state, the rule brings the change to the function, and the
 * alarm is deleted when the test ends. Also the state-change time of any alarm, as CloudWatch stamped it.
 */
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
  type PutMetricAlarmInput,
} from '@aws-sdk/client-cloudwatch';
import { isNotFound } from '../errors.js';
import { STACK_TAG, type StackNames } from '../names.js';
import { type Ownership, ownership, type StackContext } from './context.js';

/** CloudWatch's limit on alarm names. */
const MAX_ALARM_NAME = 255;

/** `<prefix><name>-test-alarm` (`<name>-test-alarm` without a prefix); undefined when longer than CloudWatch allows. */
export function temporaryAlarmName(names: Pick<StackNames, 'stack'>, prefix = ''): string | undefined {
  const name = `${prefix}${names.stack}-test-alarm`;
  return name.length <= MAX_ALARM_NAME ? name : undefined;
}

/**
 * The whole PutMetricAlarm input: no data ever arrives on the metric, and missing data keeps the state the
 * test set (TreatMissingData ignore), so CloudWatch never changes the state by itself; no actions.
 */
function temporaryAlarmInput(ctx: Pick<StackContext, 'names'>, name: string): PutMetricAlarmInput {
  return {
    AlarmName: name,
    AlarmDescription:
      `Temporary alarm of \`alarm-to-slack test --through-alarm\` (stack ${ctx.names.stack}): ` +
      'deleted when the test ends; safe to delete.',
    Namespace: 'alarm-to-slack',
    MetricName: 'ThroughAlarmTest',
    Statistic: 'Maximum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'ignore',
    Tags: [{ Key: STACK_TAG, Value: ctx.names.stack }],
  };
}

interface TemporaryAlarmFound {
  state: string | undefined;
  /** Whose it is: a leftover of an earlier test of this stack is ours; anything else is left alone. */
  owner: Ownership;
}

const cloudwatch = (ctx: StackContext) => ctx.clients.get(CloudWatchClient);

/** DescribeAlarms (metric alarms) of one name: the alarm, or undefined. */
async function describe(ctx: StackContext, name: string) {
  const out = await cloudwatch(ctx).send(
    new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ['MetricAlarm'] }),
  );
  return out.MetricAlarms?.find((a) => a.AlarmName === name);
}

/** The alarm of that name with its owner (by its stack tag); undefined when there is none. */
export async function findTemporaryAlarm(
  ctx: StackContext,
  name: string,
): Promise<TemporaryAlarmFound | undefined> {
  const alarm = await describe(ctx, name);
  if (!alarm) return undefined;
  const arn = alarm.AlarmArn ?? `arn:${ctx.partition}:cloudwatch:${ctx.region}:${ctx.account}:alarm:${name}`;
  const tagged = await cloudwatch(ctx)
    .send(new ListTagsForResourceCommand({ ResourceARN: arn }))
    .catch((error: unknown) => {
      if (isNotFound(error)) return { Tags: [] };
      throw error;
    });
  const tags: Record<string, string> = {};
  for (const t of tagged.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  return { state: alarm.StateValue, owner: ownership(tags, ctx.names.stack) };
}

/** PutMetricAlarm of the temporary alarm; its state afterwards (a new alarm starts INSUFFICIENT_DATA). */
export async function putTemporaryAlarm(ctx: StackContext, name: string): Promise<string | undefined> {
  await cloudwatch(ctx).send(new PutMetricAlarmCommand(temporaryAlarmInput(ctx, name)));
  return (await describe(ctx, name))?.StateValue;
}

/** DeleteAlarms of the temporary alarm (no error when it is gone already). */
export async function removeTemporaryAlarm(ctx: StackContext, name: string): Promise<void> {
  await cloudwatch(ctx).send(new DeleteAlarmsCommand({ AlarmNames: [name] }));
}

/**
 * When CloudWatch stamped the alarm's last state update (AWS's clock, as the log events are), provided the
 * alarm is in `state`; undefined otherwise (then the caller falls back on its own clock).
 */
export async function stateUpdatedAt(
  ctx: StackContext,
  name: string,
  state: string,
): Promise<number | undefined> {
  const alarm = await describe(ctx, name);
  const at = alarm?.StateUpdatedTimestamp?.getTime();
  return alarm?.StateValue === state && at !== undefined && !Number.isNaN(at) ? at : undefined;
}
