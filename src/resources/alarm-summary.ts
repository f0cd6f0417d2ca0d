/**
 * One line in words of what an alarm watches, for an interactive picker, e.g.
 * "CPUUtilization of AWS/EC2 InstanceId=i-0abc Average ≥ 80 for 3 of 3 × 5 min". Pure.
 */
import type { CompositeAlarm, MetricAlarm, MetricDataQuery, MetricStat } from '@aws-sdk/client-cloudwatch';
import type { DescribedAlarm } from './alarm-input.js';

const OPERATOR: Record<string, string> = {
  GreaterThanOrEqualToThreshold: '≥',
  GreaterThanThreshold: '>',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
};
/** The anomaly-detection operators compare with the band, not with a number. */
const BAND_OPERATOR: Record<string, string> = {
  LessThanLowerOrGreaterThanUpperThreshold: 'outside',
  LessThanLowerThreshold: 'below',
  GreaterThanUpperThreshold: 'above',
};

/** 300 → "5 min", 3600 → "1 h", 86400 → "1 day", 10 → "10 s". */
export function duration(seconds: number): string {
  if (seconds >= 86_400 && seconds % 86_400 === 0)
    return `${seconds / 86_400} day${seconds === 86_400 ? '' : 's'}`;
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

const dimensions = (dims: Array<{ Name?: string | undefined; Value?: string | undefined }> | undefined) =>
  (dims ?? []).map((d) => `${d.Name}=${d.Value}`).join(', ');

/** "CPUUtilization of AWS/EC2 InstanceId=i-0abc". */
function metricWords(name: string | undefined, namespace: string | undefined, dims: string): string {
  return [`${name ?? '(metric)'} of ${namespace ?? '(namespace)'}`, dims].filter(Boolean).join(' ');
}

function statWords(stat: MetricStat): string {
  const m = stat.Metric;
  return `${metricWords(m?.MetricName, m?.Namespace, dimensions(m?.Dimensions))} ${stat.Stat ?? ''}`.trim();
}

/** "for 3 of 5 × 1 min": M of N datapoints, each of one period. */
function window(alarm: MetricAlarm, period: number | undefined): string {
  const n = alarm.EvaluationPeriods;
  if (n === undefined) return '';
  const m = alarm.DatapointsToAlarm ?? n;
  return ` for ${m} of ${n}${period ? ` × ${duration(period)}` : ''}`;
}

const queryPeriod = (q: MetricDataQuery | undefined) => q?.Period ?? q?.MetricStat?.Period;

/** The watched series of a Metrics alarm: its label, expression or metric. */
function queryWords(q: MetricDataQuery): string {
  const what = q.MetricStat ? statWords(q.MetricStat) : (q.Expression ?? q.Id ?? '(expression)');
  return q.Label && q.Label !== what ? `${q.Label} (${what})` : what;
}

function thresholdWords(alarm: MetricAlarm): string {
  const op = alarm.ComparisonOperator ?? '';
  const unit = alarm.Unit && alarm.Unit !== 'None' ? ` ${alarm.Unit}` : '';
  return `${OPERATOR[op] ?? op} ${alarm.Threshold ?? '?'}${unit}`;
}

function metricSummary(alarm: MetricAlarm): string {
  const promql = alarm.EvaluationCriteria?.PromQLCriteria;
  if (promql) {
    const pending = promql.PendingPeriod ? ` for ${duration(promql.PendingPeriod)}` : '';
    return `PromQL ${promql.Query ?? ''}${pending}`;
  }
  const queries = alarm.Metrics ?? [];
  if (queries.length === 0) {
    const what = metricWords(alarm.MetricName, alarm.Namespace, dimensions(alarm.Dimensions));
    const stat = alarm.ExtendedStatistic ?? alarm.Statistic ?? '';
    return `${what} ${stat} ${thresholdWords(alarm)}${window(alarm, alarm.Period)}`;
  }
  const band = alarm.ThresholdMetricId ? queries.find((q) => q.Id === alarm.ThresholdMetricId) : undefined;
  const watched = queries.find((q) => q.ReturnData !== false && q !== band) ?? queries[0];
  const period = queryPeriod(watched) ?? queries.map(queryPeriod).find((p) => p !== undefined);
  const what = watched ? queryWords(watched) : '(metric math)';
  if (alarm.ThresholdMetricId) {
    const op = BAND_OPERATOR[alarm.ComparisonOperator ?? ''] ?? alarm.ComparisonOperator ?? '';
    const width = /ANOMALY_DETECTION_BAND\s*\([^,)]*,\s*([\d.]+)\s*\)/i.exec(band?.Expression ?? '')?.[1];
    const wide = width ? ` (width ${width})` : '';
    return `${what} ${op} the anomaly band${wide}${window(alarm, period)}`;
  }
  return `${what} ${thresholdWords(alarm)}${window(alarm, period)}`;
}

/** The rule with ARNs shortened to alarm names, blanks collapsed, cut to at most `max` characters. */
export function shortRule(rule: string, max = 80): string {
  const short = rule
    .replace(/arn:aws[\w-]*:cloudwatch:[\w-]+:\d{12}:alarm:/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (short.length <= max) return short;
  const cut = short.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  // At a word when one ends in the second half, so that no alarm name is cut in two.
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

function compositeSummary(alarm: CompositeAlarm): string {
  const suppressor = alarm.ActionsSuppressor
    ? `, suppressed by ${shortRule(alarm.ActionsSuppressor, 40)}`
    : '';
  return `composite: ${shortRule(alarm.AlarmRule ?? '')}${suppressor}`;
}

/** What the alarm watches, in one line; "(actions disabled)" at the end when they are. */
export function alarmSummary(described: DescribedAlarm): string {
  const line =
    described.kind === 'metric' ? metricSummary(described.alarm) : compositeSummary(described.alarm);
  return described.alarm.ActionsEnabled === false ? `${line} (actions disabled)` : line;
}
