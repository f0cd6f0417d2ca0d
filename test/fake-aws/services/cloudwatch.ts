import type {
  DeleteAlarmsInput,
  DescribeAlarmsInput,
  MetricAlarm,
  PutCompositeAlarmInput,
  PutMetricAlarmInput,
  SetAlarmStateInput,
} from '@aws-sdk/client-cloudwatch';
import { type Env, type Handlers, on, page, tagList, tagMap } from '../env.js';
import { awsError } from '../errors.js';
import type { AlarmRecord } from '../types.js';
import { putCompositeAlarm, putMetricAlarm } from './cloudwatch-put.js';

/**
 * CloudWatch alarms (the JSON protocol with query compatibility: the SDK names an error by its class,
 * e.g. ResourceNotFound for SetAlarmState, ResourceNotFoundException for the tagging calls, as the
 * API reference lists them). DeleteAlarms ignores names that do not exist (the CloudWatch resource
 * handler's maintainers: it "does not throw an exception if we try to delete a resource which does
 * not exist", aws-cloudformation/cloudformation-cli#456) and refuses alarms a composite alarm's rule
 * needs ("Cannot delete X as there are composite alarm(s) depending on it.",
 * cloud-custodian/cloud-custodian#7763). DescribeAlarms filters as AWS does: AlarmNames or AlarmNamePrefix (not
 * both), AlarmTypes (absent: metric alarms only, "even if composite alarms exist in the account"),
 * StateValue, ActionPrefix; pages of MaxRecords (1–100, default 50) with NextToken. SetAlarmState
 * changes StateValue, StateReason and the timestamps and, on a change of state with actions enabled,
 * publishes the alarm message to the SNS topics among the new state's actions (its Region and Subject name
 * the region as CloudWatch does: "Asia Pacific (Seoul)") and emits the "CloudWatch Alarm State Change"
 * event to EventBridge's default bus.
 */
const STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];
/** How CloudWatch names a region in its notifications' Region and Subject (the code for any other). */
const REGION_NAMES: Record<string, string> = {
  'ap-northeast-2': 'Asia Pacific (Seoul)',
  'us-east-1': 'US East (N. Virginia)',
};

export function cloudwatchHandlers(env: Env): Handlers {
  const { state } = env;
  const byArn = (arn: string | undefined): AlarmRecord => {
    const a = state.alarms.get(arn?.split(':alarm:')[1] ?? '');
    if (!a)
      throw awsError(
        'ResourceNotFoundException',
        404,
        'The named resource does not exist.',
        'ResourceNotFoundException',
      );
    return a;
  };
  const actionsOf = (a: AlarmRecord) => [
    ...(a.alarm.AlarmActions ?? []),
    ...(a.alarm.OKActions ?? []),
    ...(a.alarm.InsufficientDataActions ?? []),
  ];

  return {
    'cloudwatch.PutMetricAlarm': on<PutMetricAlarmInput>((input) => {
      putMetricAlarm(env, input);
      return {};
    }),
    'cloudwatch.PutCompositeAlarm': on<PutCompositeAlarmInput>((input) => {
      putCompositeAlarm(env, input);
      return {};
    }),
    'cloudwatch.DescribeAlarms': on<DescribeAlarmsInput>((input) => {
      if (input.AlarmNames?.length && input.AlarmNamePrefix !== undefined)
        throw awsError(
          'InvalidParameterCombinationException',
          400,
          'AlarmNamePrefix and AlarmNames cannot both be specified.',
          'InvalidParameterCombination',
        );
      const max = input.MaxRecords ?? 50;
      if (max < 1 || max > 100)
        throw awsError(
          'InvalidParameterValueException',
          400,
          'MaxRecords must be between 1 and 100.',
          'InvalidParameterValue',
        );
      const types = input.AlarmTypes?.length ? input.AlarmTypes : ['MetricAlarm'];
      const all = [...state.alarms]
        .filter(
          ([name, a]) =>
            types.includes(a.type) &&
            (!input.AlarmNames?.length || input.AlarmNames.includes(name)) &&
            name.startsWith(input.AlarmNamePrefix ?? '') &&
            (!input.StateValue || a.alarm.StateValue === input.StateValue) &&
            (!input.ActionPrefix || actionsOf(a).some((x) => x.startsWith(input.ActionPrefix ?? ''))),
        )
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
        .map(([, a]) => a);
      const p = page(all, input.NextToken, max);
      if (!p)
        throw awsError(
          'InvalidNextToken',
          400,
          'The service returned an invalid next token.',
          'InvalidNextToken',
        );
      return {
        MetricAlarms: p.items.filter((a) => a.type === 'MetricAlarm').map((a) => a.alarm),
        CompositeAlarms: p.items.filter((a) => a.type === 'CompositeAlarm').map((a) => a.alarm),
        ...(p.next ? { NextToken: p.next } : {}),
      };
    }),
    'cloudwatch.ListTagsForResource': on<{ ResourceARN?: string }>(({ ResourceARN }) => ({
      Tags: tagList(byArn(ResourceARN).tags),
    })),
    'cloudwatch.TagResource': on<{ ResourceARN?: string; Tags?: Array<{ Key?: string; Value?: string }> }>(
      ({ ResourceARN, Tags }) => {
        Object.assign(byArn(ResourceARN).tags, tagMap(Tags));
        return {};
      },
    ),
    'cloudwatch.UntagResource': on<{ ResourceARN?: string; TagKeys?: string[] }>(
      ({ ResourceARN, TagKeys }) => {
        const a = byArn(ResourceARN);
        for (const k of TagKeys ?? []) delete a.tags[k];
        return {};
      },
    ),
    'cloudwatch.DeleteAlarms': on<DeleteAlarmsInput>(({ AlarmNames }) => {
      const names = AlarmNames ?? [];
      const rules = [...state.alarms]
        .filter(([n, a]) => a.type === 'CompositeAlarm' && !names.includes(n))
        .map(([, a]) => ('AlarmRule' in a.alarm ? (a.alarm.AlarmRule ?? '') : ''));
      const quoted = (n: string) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const needed = names.filter((n) =>
        rules.some((r) => new RegExp(`\\(\\s*"?${quoted(n)}"?\\s*\\)`).test(r)),
      );
      if (needed.length > 0)
        throw awsError(
          'ValidationException',
          400,
          `Cannot delete ${needed.join(',')} as there are composite alarm(s) depending on ${needed.length > 1 ? 'them' : 'it'}.`,
          'ValidationError',
        );
      for (const n of names) state.alarms.delete(n);
      return {};
    }),
    'cloudwatch.SetAlarmState': on<SetAlarmStateInput>(
      async ({ AlarmName, StateValue, StateReason, StateReasonData }) => {
        const a = state.alarms.get(AlarmName ?? '');
        if (!a)
          throw awsError('ResourceNotFound', 404, `Alarm ${AlarmName ?? ''} not found`, 'ResourceNotFound');
        if (!STATES.includes(StateValue ?? ''))
          throw awsError(
            'InvalidParameterValueException',
            400,
            `Invalid state value ${StateValue ?? ''}`,
            'InvalidParameterValue',
          );
        if (StateReasonData !== undefined) {
          try {
            JSON.parse(StateReasonData);
          } catch {
            throw awsError('InvalidFormatFault', 400, 'StateReasonData is not valid JSON', 'InvalidFormat');
          }
        }
        const old = a.alarm.StateValue;
        const now = new Date(env.now());
        Object.assign(a.alarm, {
          StateValue,
          StateReason,
          StateUpdatedTimestamp: now,
          ...(StateReasonData === undefined ? {} : { StateReasonData }),
          ...(old === StateValue ? {} : { StateTransitionedTimestamp: now }),
        });
        if (old !== StateValue) await notify(env, a, old ?? 'INSUFFICIENT_DATA');
        return {};
      },
    ),
  };
}

/** What CloudWatch does on a change of state: the SNS actions of the new state, and the EventBridge event. */
async function notify(env: Env, a: AlarmRecord, oldState: string): Promise<void> {
  const alarm = a.alarm;
  const actions =
    alarm.StateValue === 'ALARM'
      ? alarm.AlarmActions
      : alarm.StateValue === 'OK'
        ? alarm.OKActions
        : alarm.InsufficientDataActions;
  const at = new Date(alarm.StateUpdatedTimestamp ?? env.now()).toISOString().replace('Z', '+0000');
  const metric = a.type === 'MetricAlarm' ? (alarm as MetricAlarm) : undefined;
  const message = {
    AlarmName: alarm.AlarmName,
    AlarmDescription: alarm.AlarmDescription ?? null,
    AWSAccountId: env.account,
    NewStateValue: alarm.StateValue,
    NewStateReason: alarm.StateReason,
    StateChangeTime: at,
    Region: REGION_NAMES[env.region] ?? env.region,
    AlarmArn: alarm.AlarmArn,
    OldStateValue: oldState,
    OKActions: alarm.OKActions,
    AlarmActions: alarm.AlarmActions,
    InsufficientDataActions: alarm.InsufficientDataActions,
    ...(metric?.MetricName
      ? {
          Trigger: {
            MetricName: metric.MetricName,
            Namespace: metric.Namespace,
            StatisticType: metric.Statistic ? 'Statistic' : 'ExtendedStatistic',
            Statistic: metric.Statistic?.toUpperCase() ?? metric.ExtendedStatistic,
            Unit: metric.Unit ?? null,
            Dimensions: (metric.Dimensions ?? []).map((d) => ({ value: d.Value, name: d.Name })),
            Period: metric.Period,
            EvaluationPeriods: metric.EvaluationPeriods,
            ComparisonOperator: metric.ComparisonOperator,
            Threshold: metric.Threshold,
            TreatMissingData: metric.TreatMissingData ?? '',
            EvaluateLowSampleCountPercentile: metric.EvaluateLowSampleCountPercentile ?? '',
          },
        }
      : {}),
  };
  if (alarm.ActionsEnabled !== false)
    for (const action of actions ?? [])
      if (action.split(':')[2] === 'sns')
        await env
          .call('sns', 'Publish', {
            TopicArn: action,
            Subject: `${alarm.StateValue}: "${alarm.AlarmName}" in ${REGION_NAMES[env.region] ?? env.region}`,
            Message: JSON.stringify(message),
          })
          .catch(() => undefined); // a missing topic: CloudWatch records a failed action, nothing more
  await env.call('eventbridge', 'EmitAwsEvent', {
    source: 'aws.cloudwatch',
    'detail-type': 'CloudWatch Alarm State Change',
    resources: [alarm.AlarmArn],
    detail: {
      alarmName: alarm.AlarmName,
      state: { value: alarm.StateValue, reason: alarm.StateReason, timestamp: at },
      previousState: { value: oldState },
    },
  });
}
