import type { MetricAlarm, PutCompositeAlarmInput, PutMetricAlarmInput } from '@aws-sdk/client-cloudwatch';
import type { Env } from '../env.js';
import { awsError, validationMessage } from '../errors.js';
import type { AlarmRecord, Tags } from '../types.js';

/**
 * PutMetricAlarm / PutCompositeAlarm as CloudWatch does them
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html): the
 * whole alarm is replaced by what the request says (a field not sent is gone or back to its default),
 * Tags apply only when the alarm is created ("If you are using this operation to update an existing
 * alarm, any tags you specify in this parameter are ignored"), and an update leaves the state as it was
 * ("When you update an existing alarm, its state is left unchanged"); a new alarm starts
 * INSUFFICIENT_DATA. Validation answers ValidationException (wire code ValidationError): at most 5
 * actions per list, and the messages AWS gives for Metrics together with single-metric fields
 * ("Statistic should not be set if list of Metrics is set.", aws-cloudformation/cfn-lint#766 and
 * #1306), Threshold with ThresholdMetricId ("Threshold and ThresholdMetricId cannot both be set"),
 * MetricStat with Expression (boto/boto3#3856), and a missing MetricName ("MetricName must not be null").
 */
const invalid = (message: string) => awsError('ValidationException', 400, message, 'ValidationError');

const SINGLE_METRIC = [
  'MetricName',
  'Namespace',
  'Statistic',
  'ExtendedStatistic',
  'Dimensions',
  'Period',
  'Unit',
] as const;
const ACTION_LISTS = [
  ['AlarmActions', 'alarmActions'],
  ['OKActions', 'oKActions'],
  ['InsufficientDataActions', 'insufficientDataActions'],
] as const;

function checkActions(input: PutMetricAlarmInput | PutCompositeAlarmInput): void {
  for (const [field, member] of ACTION_LISTS) {
    const list = input[field] ?? [];
    if (list.length > 5)
      throw invalid(
        validationMessage(`[${list.join(', ')}]`, member, 'Member must have length less than or equal to 5'),
      );
  }
}

function checkMetricAlarm(input: PutMetricAlarmInput): void {
  if (!input.AlarmName) throw invalid('AlarmName must not be null');
  checkActions(input);
  if (input.Metrics) {
    for (const field of SINGLE_METRIC)
      if (input[field] !== undefined) throw invalid(`${field} should not be set if list of Metrics is set.`);
    for (const q of input.Metrics)
      if (q.Expression !== undefined && q.MetricStat !== undefined)
        throw invalid(
          'The parameters MetricDataQuery Expression and MetricStat are mutually exclusive and you have specified both.',
        );
    const returning = input.Metrics.filter((q) => q.ReturnData !== false && q.Id !== input.ThresholdMetricId);
    if (returning.length !== 1) throw invalid('Exactly one element of the metrics list should return data.');
  } else {
    if (input.MetricName === undefined) throw invalid('MetricName must not be null');
    if ((input.Statistic === undefined) === (input.ExtendedStatistic === undefined))
      throw awsError(
        'InvalidParameterCombinationException',
        400,
        'Exactly one of Statistic and ExtendedStatistic must be set.',
        'InvalidParameterCombination',
      );
  }
  if (input.Threshold !== undefined && input.ThresholdMetricId !== undefined)
    throw invalid('Threshold and ThresholdMetricId cannot both be set');
  if (input.ThresholdMetricId !== undefined && !input.Metrics?.some((q) => q.Id === input.ThresholdMetricId))
    throw invalid(`ThresholdMetricId ${input.ThresholdMetricId} does not refer to any of the Metrics`);
  if (input.Threshold === undefined && input.ThresholdMetricId === undefined)
    throw invalid('Threshold must not be null');
}

/** What every alarm carries besides its configuration: ARN, state and timestamps. */
function alarmState(env: Env, name: string, existing: AlarmRecord | undefined) {
  const now = new Date(env.now());
  return {
    AlarmArn: env.arn('cloudwatch', `alarm:${name}`),
    AlarmConfigurationUpdatedTimestamp: now,
    StateValue: existing?.alarm.StateValue ?? 'INSUFFICIENT_DATA',
    StateReason: existing?.alarm.StateReason ?? 'Unchecked: Initial alarm creation',
    ...(existing?.alarm.StateReasonData ? { StateReasonData: existing.alarm.StateReasonData } : {}),
    StateUpdatedTimestamp: existing?.alarm.StateUpdatedTimestamp ?? now,
    StateTransitionedTimestamp: existing?.alarm.StateTransitionedTimestamp ?? now,
  } as const;
}

export function putMetricAlarm(env: Env, input: PutMetricAlarmInput): void {
  checkMetricAlarm(input);
  const { Tags, ...config } = input;
  const name = config.AlarmName ?? '';
  const existing = env.state.alarms.get(name);
  const alarm: MetricAlarm = {
    ...config,
    ActionsEnabled: config.ActionsEnabled ?? true,
    OKActions: config.OKActions ?? [],
    AlarmActions: config.AlarmActions ?? [],
    InsufficientDataActions: config.InsufficientDataActions ?? [],
    ...(config.Metrics ? {} : { Dimensions: config.Dimensions ?? [] }),
    ...alarmState(env, name, existing),
  };
  const tags: Tags = existing ? existing.tags : tagsOf(Tags);
  env.state.alarms.set(name, { type: 'MetricAlarm', alarm, tags });
}

export function putCompositeAlarm(env: Env, input: PutCompositeAlarmInput): void {
  if (!input.AlarmName) throw invalid('AlarmName must not be null');
  if (!input.AlarmRule) throw invalid('AlarmRule must not be null');
  checkActions(input);
  const { Tags, ...config } = input;
  const existing = env.state.alarms.get(input.AlarmName);
  env.state.alarms.set(input.AlarmName, {
    type: 'CompositeAlarm',
    alarm: {
      ...config,
      ActionsEnabled: config.ActionsEnabled ?? true,
      OKActions: config.OKActions ?? [],
      AlarmActions: config.AlarmActions ?? [],
      InsufficientDataActions: config.InsufficientDataActions ?? [],
      ...alarmState(env, input.AlarmName, existing),
    },
    tags: existing ? existing.tags : tagsOf(Tags),
  });
}

function tagsOf(list: ReadonlyArray<{ Key?: string; Value?: string }> | undefined): Tags {
  const out: Tags = {};
  for (const t of list ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}
