/**
 * The PutMetricAlarm / PutCompositeAlarm input that re-creates an alarm exactly as DescribeAlarms showed it.
 *
 * Both calls overwrite the whole alarm ("the update completely overwrites the previous configuration of the
 * alarm", PutMetricAlarm API reference), so changing one action of someone's alarm means re-sending every
 * other field unchanged. Every key of the SDK's Put…Input is classified in a table below, either sent (and
 * for which kind of metric alarm) or excluded with the reason; a key the table lacks fails to compile, so an
 * SDK upgrade that adds a field cannot be dropped silently. Pure: no AWS call.
 */
import type {
  CompositeAlarm,
  MetricAlarm,
  PutCompositeAlarmInput,
  PutMetricAlarmInput,
} from '@aws-sdk/client-cloudwatch';
import { CliError } from '../errors.js';

/**
 * What a metric alarm evaluates: one metric (MetricName…), a Metrics array (metric math, anomaly band,
 * Metrics Insights), or a PromQL query (EvaluationCriteria).
 */
type MetricShape = 'single' | 'math' | 'promql';

/** A field that is copied when the alarm has it (and, for metric alarms, only in the shapes listed). */
interface Sent<D> {
  send: 'always' | readonly MetricShape[];
  /** Not sent when the alarm has this field (they exclude each other). */
  unless?: keyof D;
  /** Sent only together with this field. */
  onlyWith?: keyof D;
}
/** A field that is never sent, and why. */
interface Excluded {
  excluded: string;
}

/**
 * One rule for every key of a Put…Input (`-?`: optional keys too). A key that DescribeAlarms does not
 * return (not in D) can only be excluded. Adding a key to the input type without a rule is a compile error.
 */
export type FieldRules<Input, D> = {
  [K in keyof Input]-?: K extends keyof D ? Sent<D> | Excluded : Excluded;
};

const ALWAYS = { send: 'always' } as const;
const SINGLE = { send: ['single'] } as const;
const NOT_PROMQL = { send: ['single', 'math'] } as const;
const PROMQL = { send: ['promql'] } as const;
const TAGS_IGNORED =
  'ignored by AWS when the alarm exists ("any tags you specify in this parameter are ignored"); the ' +
  "alarm's tags stay as they are (TagResource/UntagResource change them)";

/**
 * PutMetricAlarm, field by field. The exclusions between fields are AWS's (PutMetricAlarm API reference):
 * with Metrics, none of Namespace, MetricName, Dimensions, Period, Unit, Statistic, ExtendedStatistic; with
 * EvaluationCriteria (PromQL), none of those nor Metrics, Threshold, ComparisonOperator, ThresholdMetricId,
 * EvaluationPeriods, DatapointsToAlarm; EvaluationInterval only with EvaluationCriteria; EvaluationWindow and
 * TreatMissingData not for PromQL alarms; Threshold not for anomaly-band alarms (ThresholdMetricId).
 */
export const METRIC_FIELDS: FieldRules<PutMetricAlarmInput, MetricAlarm> = {
  AlarmName: ALWAYS,
  AlarmDescription: ALWAYS,
  ActionsEnabled: ALWAYS,
  OKActions: ALWAYS,
  AlarmActions: ALWAYS,
  InsufficientDataActions: ALWAYS,
  MetricName: SINGLE,
  Namespace: SINGLE,
  Statistic: { ...SINGLE, unless: 'ExtendedStatistic' },
  ExtendedStatistic: SINGLE,
  Dimensions: SINGLE,
  Period: SINGLE,
  Unit: SINGLE,
  EvaluationPeriods: NOT_PROMQL,
  DatapointsToAlarm: NOT_PROMQL,
  Threshold: { ...NOT_PROMQL, unless: 'ThresholdMetricId' },
  ComparisonOperator: NOT_PROMQL,
  TreatMissingData: NOT_PROMQL,
  EvaluateLowSampleCountPercentile: NOT_PROMQL,
  Metrics: { send: ['math'] },
  Tags: { excluded: TAGS_IGNORED },
  ThresholdMetricId: { send: ['math'] },
  EvaluationWindow: NOT_PROMQL,
  WarmUpConfiguration: ALWAYS,
  EvaluationCriteria: PROMQL,
  EvaluationInterval: PROMQL,
  ActionConfiguration: ALWAYS,
};

/** PutCompositeAlarm, field by field. The suppressor's wait and extension periods go only with a suppressor. */
export const COMPOSITE_FIELDS: FieldRules<PutCompositeAlarmInput, CompositeAlarm> = {
  ActionsEnabled: ALWAYS,
  AlarmActions: ALWAYS,
  AlarmDescription: ALWAYS,
  AlarmName: ALWAYS,
  AlarmRule: ALWAYS,
  InsufficientDataActions: ALWAYS,
  OKActions: ALWAYS,
  Tags: { excluded: TAGS_IGNORED },
  ActionsSuppressor: ALWAYS,
  ActionsSuppressorWaitPeriod: { ...ALWAYS, onlyWith: 'ActionsSuppressor' },
  ActionsSuppressorExtensionPeriod: { ...ALWAYS, onlyWith: 'ActionsSuppressor' },
  ActionConfiguration: ALWAYS,
};

/** What DescribeAlarms returns that Put… does not take: state and bookkeeping, kept by AWS itself. */
type OutputOnly<D, Input> = { [K in Exclude<keyof D, keyof Input>]-?: string };
const STATE = 'state, set by evaluation (and SetAlarmState), not configuration';
export const METRIC_OUTPUT_ONLY: OutputOnly<MetricAlarm, PutMetricAlarmInput> = {
  AlarmArn: 'derived from the name',
  AlarmConfigurationUpdatedTimestamp: 'set by AWS on every update',
  StateValue: STATE,
  StateReason: STATE,
  StateReasonData: STATE,
  StateUpdatedTimestamp: STATE,
  StateTransitionedTimestamp: STATE,
  EvaluationState: STATE,
};
export const COMPOSITE_OUTPUT_ONLY: OutputOnly<CompositeAlarm, PutCompositeAlarmInput> = {
  AlarmArn: 'derived from the name',
  AlarmConfigurationUpdatedTimestamp: 'set by AWS on every update',
  StateValue: STATE,
  StateReason: STATE,
  StateReasonData: STATE,
  StateUpdatedTimestamp: STATE,
  StateTransitionedTimestamp: STATE,
  ActionsSuppressedBy: STATE,
  ActionsSuppressedReason: STATE,
};

export type AlarmKind = 'metric' | 'composite';

/** An alarm as DescribeAlarms returned it, with its kind. */
export type DescribedAlarm =
  | { kind: 'metric'; name: string; alarm: MetricAlarm }
  | { kind: 'composite'; name: string; alarm: CompositeAlarm };

/** The Put… input of each kind. */
export interface InputOf {
  metric: PutMetricAlarmInput;
  composite: PutCompositeAlarmInput;
}
type AlarmInput = { [K in AlarmKind]: { kind: K; input: InputOf[K] } }[AlarmKind];

function shapeOf(alarm: MetricAlarm): MetricShape {
  if (alarm.EvaluationCriteria !== undefined) return 'promql';
  // DescribeAlarms may answer `Metrics: []` for a single-metric alarm: only a non-empty array counts.
  return alarm.Metrics && alarm.Metrics.length > 0 ? 'math' : 'single';
}

function nameOf(alarm: { AlarmName?: string | undefined }): string {
  if (!alarm.AlarmName) throw new CliError('DescribeAlarms returned an alarm without a name.');
  return alarm.AlarmName;
}

/**
 * A union value the installed SDK could not read (`$unknown`: a newer kind of evaluation criteria or
 * window) cannot be sent back as it was: refuse rather than re-create the alarm differently.
 */
function refuseUnknownMembers(name: string, alarm: MetricAlarm): void {
  for (const key of ['EvaluationCriteria', 'EvaluationWindow'] as const) {
    const value: unknown = alarm[key];
    if (value && typeof value === 'object' && '$unknown' in value) {
      throw new CliError(
        `Alarm "${name}": its ${key} is of a kind this version of alarm-to-slack cannot read, so it ` +
          'cannot re-send the alarm without changing that setting; the alarm was left as it is.',
        { hint: 'Update alarm-to-slack (its AWS SDK) and try again.' },
      );
    }
  }
}

/**
 * The fields the rules send for this shape, as they are; one the alarm does not have stays absent. For an
 * action list, absent and [] both mean "none" on a Put… (the call replaces the whole configuration, and
 * Terraform's provider clears a list by omitting it), so neither is turned into the other.
 */
function copyFields<D extends object>(
  alarm: D,
  rules: Record<string, Sent<D> | Excluded>,
  shape: MetricShape | undefined,
): Record<string, unknown> {
  const source = alarm as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(rules)) {
    if ('excluded' in rule) continue;
    if (rule.send !== 'always' && (shape === undefined || !rule.send.includes(shape))) continue;
    if (rule.unless !== undefined && alarm[rule.unless] !== undefined) continue;
    if (rule.onlyWith !== undefined && alarm[rule.onlyWith] === undefined) continue;
    // A copy: changing the input (adding a topic) must never change the described alarm.
    if (source[key] !== undefined) out[key] = structuredClone(source[key]);
  }
  return out;
}

/** Every field PutMetricAlarm takes, as DescribeAlarms showed it (see METRIC_FIELDS). */
export function metricAlarmInput(alarm: MetricAlarm): PutMetricAlarmInput {
  const name = nameOf(alarm);
  refuseUnknownMembers(name, alarm);
  const shape = shapeOf(alarm);
  const input = copyFields(alarm, METRIC_FIELDS, shape);
  // Omitted, TreatMissingData is `missing` (API reference); said explicitly, as Terraform's provider does.
  if (shape !== 'promql') input.TreatMissingData ??= 'missing';
  return input as unknown as PutMetricAlarmInput;
}

/** Every field PutCompositeAlarm takes, as DescribeAlarms showed it (see COMPOSITE_FIELDS). */
export function compositeAlarmInput(alarm: CompositeAlarm): PutCompositeAlarmInput {
  nameOf(alarm);
  if (!alarm.AlarmRule)
    throw new CliError(`DescribeAlarms returned composite alarm "${alarm.AlarmName}" without a rule.`);
  return copyFields(alarm, COMPOSITE_FIELDS, undefined) as unknown as PutCompositeAlarmInput;
}

/** The input that re-creates a described alarm of either kind. */
export function alarmInput(described: DescribedAlarm): AlarmInput {
  return described.kind === 'metric'
    ? { kind: 'metric', input: metricAlarmInput(described.alarm) }
    : { kind: 'composite', input: compositeAlarmInput(described.alarm) };
}
