// Alarm notifications (SNS messages, EventBridge events) and any other payload → Slack payload; pure, no AWS
// imports (`preview` loads it too).
import {
  consoleUrl,
  duration,
  header,
  join,
  LIMITS,
  lateText,
  list,
  mrkdwn,
  num,
  obj,
  parse,
  parseArn,
  parseTime,
  plural,
  regionName,
  section,
  str,
  timeText,
  truncate,
  withChannel,
} from './text.mjs';

/** @import { FormatOptions as Options, Json, SlackPayload, SnsRecord } from './types.js' */

export { consoleUrl, duration, LIMITS, truncate } from './text.mjs';

/** @type {Record<string, string[]>} */
const STATES = { ALARM: ['🔴', '#E01E5A'], OK: ['🟢', '#2EB67D'], INSUFFICIENT_DATA: ['⚪', '#9E9E9E'] };
/** @type {Record<string, string>} */
const OPERATORS = {
  GreaterThanOrEqualToThreshold: '≥',
  GreaterThanThreshold: '>',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
  LessThanLowerOrGreaterThanUpperThreshold: 'outside the band',
  GreaterThanUpperThreshold: 'above the band',
  LessThanLowerThreshold: 'below the band',
};
/** @type {Record<string, string>} an ExtendedStatistic (p99, IQM…) stays as it is */
const STATS = {
  SAMPLE_COUNT: 'SampleCount',
  AVERAGE: 'Average',
  SUM: 'Sum',
  MINIMUM: 'Minimum',
  MAXIMUM: 'Maximum',
};
const ALARM_EVENT = 'CloudWatch Alarm State Change';

/** "CPUUtilization (AWS/EC2, InstanceId=i-…) Average" @param {Json | undefined} metric @param {unknown} stat */
function metricText(metric = {}, stat = '') {
  const dims = list(metric.Dimensions).map((d) => `${str(d.name ?? d.Name)}=${str(d.value ?? d.Value)}`);
  const where = join([str(metric.Namespace), ...dims.filter((d) => d !== '=')], ', ');
  return join([str(metric.MetricName), where && `(${where})`, STATS[str(stat)] ?? str(stat)]);
}

/** The condition in words, or ''. @param {Json | undefined} trigger */
export function describeCondition(trigger = {}) {
  const metrics = list(trigger.Metrics);
  const band = metrics.find((m) => trigger.ThresholdMetricId && m.Id === trigger.ThresholdMetricId);
  const main = metrics.find((m) => m.ReturnData === true && m !== band) ?? metrics.find((m) => m !== band);
  const stat = obj(main?.MetricStat);
  const period = num(trigger.Period) ?? num(main?.Period) ?? num(stat?.Period);
  /** @param {Json} m */
  const code = (m) => str(m.Expression) && `\`${str(m.Expression)}\``;
  let subject = metricText(trigger, str(trigger.ExtendedStatistic) || trigger.Statistic);
  let inputs = '';
  if (stat) subject = metricText(obj(stat.Metric), stat.Stat);
  else if (main) {
    subject = join([str(main.Label), code(main)], ' = ');
    inputs = join(
      metrics.map(
        (m) =>
          m !== band &&
          obj(m.MetricStat) &&
          `${str(m.Id)} = ${metricText(obj(obj(m.MetricStat)?.Metric), obj(m.MetricStat)?.Stat)}`,
      ),
      ', ',
    );
  }
  if (!subject) return '';
  const op = str(trigger.ComparisonOperator);
  const threshold = band
    ? join([str(band.Label), code(band)])
    : join([str(trigger.Threshold), str(trigger.Unit)]);
  const where = inputs && `\nwhere ${inputs}`;
  // EventBridge events name the metrics only: no comparison, threshold or datapoints to make up
  if (!op && !threshold) return `${subject}${period ? ` per ${duration(period)}` : ''}${where}`;
  const n = num(trigger.EvaluationPeriods) ?? 1;
  const m = num(trigger.DatapointsToAlarm) ?? n;
  const within = period ? ` within ${duration(n * period)}` : '';
  const count = `${m === n ? '' : `${m} of `}${plural(n, 'datapoint')}`;
  return `${join([subject, OPERATORS[op] ?? op, threshold])} for ${count}${within}${where}`;
}

/** @param {Json} alarm @param {Options} [options] @param {string} [snsArn] @returns {SlackPayload} */
export function formatAlarm(alarm, options = {}, snsArn) {
  const name = str(alarm.AlarmName) || 'unnamed alarm';
  const state = str(alarm.NewStateValue);
  const old = str(alarm.OldStateValue);
  const resolved = state === 'OK' && old === 'ALARM';
  const [icon, color = '#439FE0'] = STATES[state] ?? ['🔔'];
  const headline = resolved ? `✅ RESOLVED: ${name}` : `${icon} ${state || 'STATE CHANGE'}: ${name}`;
  const arn = parseArn(alarm.AlarmArn) ?? parseArn(snsArn);
  const where = str(alarm.Region) || arn?.region;
  // a composite alarm whose actions are suppressed (maintenance…) is shown, but pages nobody
  const suppressed = str(alarm.ActionsSuppressedBy);
  const mention = state === 'ALARM' && !suppressed ? str(options.mention) : '';
  const plain = `${headline}${where ? ` in ${where}` : ''}`;
  const text = truncate(`${mention && `${mention} `}${mrkdwn(plain)}`, LIMITS.section);
  const now = num(options.now);
  const late = now === undefined ? '' : lateText(parseTime(alarm.StateChangeTime), now);

  const reason = mrkdwn(str(alarm.NewStateReason));
  const why = mrkdwn(str(alarm.ActionsSuppressedReason));
  const details = [
    mrkdwn(str(alarm.AlarmDescription)),
    reason && `*Reason*\n${reason}`,
    suppressed && `🔕 *Actions suppressed* (${mrkdwn(suppressed)})${why && `: ${why}`}`,
  ];
  const rule = str(alarm.AlarmRule);
  if (rule) {
    const children = list(alarm.TriggeringChildren).map((c) => {
      const child = parseArn(c.Arn)?.resource.replace(/^alarm:/, '') ?? str(c.Arn);
      return join([child, child && str(obj(c.State)?.Value).replace(/.+/, '($&)')]);
    });
    // cut alone, so that the code span closes and the children fit
    const by = mrkdwn(join(children, ', ')).replace(/.+/, '\n*Triggered by* $&');
    const periods = [
      ['wait period', num(alarm.ActionsSuppressorWaitPeriod)],
      ['extension period', num(alarm.ActionsSuppressorExtensionPeriod)],
    ].map(([what, s]) => s !== undefined && `${what} ${duration(Number(s))}`);
    const suppressor = mrkdwn(str(alarm.ActionsSuppressor)).replace(
      /.+/,
      `\n*Actions suppressor* $&${join(periods, ', ').replace(/.+/, ' ($&)')}`,
    );
    details.push(`*Rule*\n\`${truncate(mrkdwn(rule), LIMITS.field)}\`${by}${suppressor}`);
  } else {
    const trigger = obj(alarm.Trigger);
    const label = str(trigger?.ComparisonOperator) ? 'Condition' : 'Metric';
    details.push(mrkdwn(describeCondition(trigger)).replace(/^.+/, `*${label}*\n$&`));
  }
  const blocks = details.filter(Boolean).map(section);
  const fields = [
    ['State', mrkdwn(`${old && `${old} → `}${state}${resolved ? ' (resolved)' : ''}`)],
    ['Region', mrkdwn(join([...new Set([str(alarm.Region), arn?.region])], ' · '))],
    ['Account', mrkdwn(str(alarm.AWSAccountId) || arn?.account || '')],
    ['Changed', str(alarm.StateChangeTime) && timeText(alarm.StateChangeTime)],
  ].flatMap(([key, value]) =>
    value ? [{ type: 'mrkdwn', text: truncate(`*${key}*\n${value}`, LIMITS.field) }] : [],
  );
  if (fields.length) blocks.push({ type: 'section', fields });
  const url = consoleUrl(alarm.AlarmArn, name);
  if (url)
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'View in CloudWatch' }, url }],
    });
  const top = [header(headline), ...(late ? [section(late)] : []), ...(mention ? [section(mention)] : [])];
  const attachments = [{ color, fallback: truncate(plain, LIMITS.section), blocks }];
  return withChannel({ text, blocks: top, attachments }, options);
}

/** Any other SNS message. @param {{ subject?: unknown, body?: unknown, topicArn?: unknown }} message @param {Options} [options] */
export function formatMessage({ subject, body, topicArn }, options = {}) {
  const topic = parseArn(topicArn);
  const title = `📣 ${str(subject) || `Message from ${topic?.resource ?? 'SNS'}`}`;
  const raw = typeof body === 'string' ? body : '';
  const json = parse(raw);
  const code =
    json && typeof json === 'object' ? mrkdwn(JSON.stringify(json, null, 2)).replace(/```/g, "'''") : '';
  const blocks = [
    header(title),
    section(
      code ? `\`\`\`${truncate(code, LIMITS.section - 6)}\`\`\`` : mrkdwn(raw.trim()) || '_(empty message)_',
    ),
  ];
  const where = join([topic?.resource, topic?.region, topic?.account], ' · ');
  if (where)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn(`SNS topic ${where}`) }] });
  return withChannel({ text: truncate(mrkdwn(title), LIMITS.section), blocks }, options);
}

/** @param {SnsRecord} record @param {Options} [options] */
export function formatRecord(record, options = {}) {
  const sns = record.Sns ?? {};
  const body = typeof sns.Message === 'string' ? sns.Message : '';
  const snsArn = str(sns.TopicArn) || str(record.EventSubscriptionArn);
  const alarm = obj(parse(body));
  if (typeof alarm?.AlarmName === 'string') return formatAlarm(alarm, options, snsArn);
  return formatMessage({ subject: sns.Subject, body, topicArn: snsArn }, options);
}

/** An EventBridge alarm event as the SNS alarm message it stands for. @param {Json} event */
function alarmOfEvent(event) {
  const detail = obj(event.detail) ?? {};
  const state = obj(detail.state) ?? {};
  const config = obj(detail.configuration) ?? {};
  const arn = Array.isArray(event.resources) ? str(event.resources[0]) : '';
  /** @param {Json} m metricStat's dimensions are an object, an SNS Trigger's a list */
  const metric = (m, stat = obj(m.metricStat), of = obj(stat?.metric)) => ({
    Id: m.id,
    Label: m.label,
    Expression: m.expression,
    ReturnData: m.returnData,
    MetricStat: stat && {
      Metric: {
        MetricName: of?.name,
        Namespace: of?.namespace,
        Dimensions: Object.entries(obj(of?.dimensions) ?? {}).map(([name, value]) => ({ name, value })),
      },
      Period: stat.period,
      Stat: stat.stat,
    },
  });
  return {
    AlarmName: str(detail.alarmName) || parseArn(arn)?.resource.replace(/^alarm:/, ''),
    AlarmDescription: config.description,
    AWSAccountId: event.account,
    NewStateValue: state.value,
    NewStateReason: state.reason,
    StateChangeTime: str(state.timestamp) || event.time,
    Region: regionName(str(event.region)),
    AlarmArn: arn,
    OldStateValue: obj(detail.previousState)?.value,
    AlarmRule: config.alarmRule,
    TriggeringChildren: list(obj(parse(str(state.reasonData)))?.triggeringAlarms).map((a) => ({
      Arn: a.arn,
      State: { Value: obj(a.state)?.value },
    })),
    ActionsSuppressedBy: state.actionsSuppressedBy,
    ActionsSuppressedReason: state.actionsSuppressedReason,
    ActionsSuppressor: config.actionsSuppressor,
    ActionsSuppressorWaitPeriod: config.actionsSuppressorWaitPeriod,
    ActionsSuppressorExtensionPeriod: config.actionsSuppressorExtensionPeriod,
    // no threshold, comparison or evaluation periods: EventBridge events have none
    Trigger: { Metrics: list(config.metrics).map((m) => metric(m)) },
  };
}

/** Any EventBridge event: an alarm's state change like an SNS alarm, anything else as a short message. */
export function formatEventBridge(/** @type {unknown} */ event, /** @type {Options} */ options = {}) {
  const e = obj(event);
  if (e?.['detail-type'] === ALARM_EVENT && e.source === 'aws.cloudwatch' && obj(e.detail))
    return formatAlarm(alarmOfEvent(e), options);
  return formatEvent(event, options);
}

/** What a payload is, in words. @param {unknown} v */
function kindOf(v) {
  const e = obj(v);
  if (!e)
    return Array.isArray(v)
      ? `an array of ${plural(v.length, 'item')}`
      : v == null
        ? 'nothing'
        : `a ${typeof v}`;
  if (typeof e['detail-type'] === 'string') return `${e['detail-type']} (${str(e.source) || 'EventBridge'})`;
  if (Array.isArray(e.Records)) {
    const source = str(obj(e.Records[0])?.eventSource) || str(obj(e.Records[0])?.EventSource);
    return source ? `an ${source} event` : `an event with ${plural(e.Records.length, 'record')}`;
  }
  const keys = Object.keys(e);
  return keys.length ? `an object with ${truncate(keys.join(', '), 80)}` : 'an empty object';
}

/**
 * A payload that is no alarm (another EventBridge event, an S3 event, {}, a string…): what it is, where it
 * comes from when known, and its JSON, compact and cut short. @param {unknown} payload @param {Options} [options]
 * @param {string} [from] e.g. "SQS queue mission-undelivered"
 */
export function formatEvent(payload, options = {}, from = '') {
  const e = obj(payload) ?? {};
  const kind = kindOf(payload);
  const title = typeof e['detail-type'] === 'string' ? `📣 ${kind}` : `📣 The notifier received ${kind}`;
  const record = obj(Array.isArray(e.Records) ? e.Records[0] : undefined);
  const where = [
    from,
    typeof e['detail-type'] === 'string' && 'EventBridge event',
    str(e.region),
    str(e.account),
  ];
  if (!str(e.region)) where.push(str(record?.awsRegion));
  const origin = join([mrkdwn(join(where, ' · ')), str(e.time) && timeText(e.time)], ' · ');
  const json = JSON.stringify(payload) ?? '';
  const blocks = [
    header(title),
    section(json ? `\`\`\`${truncate(mrkdwn(json).replace(/```/g, "'''"), 1000)}\`\`\`` : '_(no payload)_'),
  ];
  if (origin) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: origin }] });
  return withChannel({ text: truncate(mrkdwn(title), LIMITS.section), blocks }, options);
}
