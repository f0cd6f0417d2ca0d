// SNS record → Slack payload; pure, no AWS imports (`preview` loads it too).
/** @import { Block, FormatOptions as Options, Json, SlackPayload, SnsRecord } from './types.js' */

export const LIMITS = { section: 3000, field: 2000, header: 150, blocks: 50 };

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
/** @type {Record<string, string>} */
const CONSOLES = { aws: 'aws.amazon.com', 'aws-cn': 'amazonaws.cn', 'aws-us-gov': 'amazonaws-us-gov.com' };

/** @param {unknown} v a string or number, else '' (null included) */
const str = (v) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');
/** @param {unknown} v */
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
/** @param {unknown} v @returns {Json | undefined} */
const obj = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? /** @type {Json} */ (v) : undefined);
/** @param {unknown} v @returns {Json[]} */
const list = (v) => (Array.isArray(v) ? v.map(obj).filter((x) => x !== undefined) : []);
/** @param {unknown[]} parts @param {string} glue */
const join = (parts, glue = ' ') => parts.filter(Boolean).join(glue);
/** @param {number} n @param {string} word */
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
/** @param {string} s @returns {unknown} */
const parse = (s) => {
  try {
    return JSON.parse(s);
  } catch {}
};

/** @param {string} s */
export const mrkdwn = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Cuts with "…", not inside a surrogate pair or an escape. @param {string} s @param {number} max */
export function truncate(s, max) {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '');
  return `${cut.replace(/&[a-z]{0,3}$/, '')}…`;
}

/** @param {unknown} arn */
export function parseArn(arn) {
  const [prefix, partition = '', , region = '', account = '', ...rest] = str(arn).split(':');
  return prefix === 'arn' && rest.length
    ? { partition, region, account, resource: rest.join(':') }
    : undefined;
}

/** None for a missing ARN or an unknown partition. @param {unknown} alarmArn @param {string} name */
export function consoleUrl(alarmArn, name) {
  const arn = parseArn(alarmArn);
  const host = arn && CONSOLES[arn.partition];
  if (!arn?.region || !host) return undefined;
  return `https://${arn.region}.console.${host}/cloudwatch/home?region=${arn.region}#alarmsV2:alarm/${encodeURIComponent(name)}`;
}

/** 60 → "1 minute", 5400 → "90 minutes". @param {number} s */
export function duration(s) {
  for (const [unit, size] of /** @type {const} */ ([
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ])) {
    if (s % size === 0) return plural(s / size, unit);
  }
  return plural(s, 'second');
}

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
  const n = num(trigger.EvaluationPeriods) ?? 1;
  const m = num(trigger.DatapointsToAlarm) ?? n;
  const within = period ? ` within ${duration(n * period)}` : '';
  const count = `${m === n ? '' : `${m} of `}${plural(n, 'datapoint')}`;
  return `${join([subject, OPERATORS[op] ?? op, threshold])} for ${count}${within}${inputs && `\nwhere ${inputs}`}`;
}

/** A Slack date, shown in the reader's time zone. @param {unknown} value */
function timeText(value) {
  const raw = str(value);
  const ms = Date.parse(raw.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  if (Number.isNaN(ms)) return mrkdwn(raw);
  const utc = `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${utc}>`;
}

/** @param {string} text @returns {Block} */
const section = (text) => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, LIMITS.section) },
});
/** @param {string} text @returns {Block} */
const header = (text) => ({
  type: 'header',
  text: { type: 'plain_text', text: truncate(text, LIMITS.header), emoji: true },
});
/** @param {SlackPayload} payload @param {Options} options @returns {SlackPayload} */
const withChannel = (payload, { channel }) =>
  str(channel) ? { ...payload, channel: str(channel) } : payload;

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
  const mention = state === 'ALARM' ? str(options.mention) : '';
  const plain = `${headline}${where ? ` in ${where}` : ''}`;
  const text = truncate(`${mention && `${mention} `}${mrkdwn(plain)}`, LIMITS.section);

  const reason = mrkdwn(str(alarm.NewStateReason));
  const details = [mrkdwn(str(alarm.AlarmDescription)), reason && `*Reason*\n${reason}`];
  const rule = str(alarm.AlarmRule);
  if (rule) {
    const children = list(alarm.TriggeringChildren).map((c) => {
      const child = parseArn(c.Arn)?.resource.replace(/^alarm:/, '') ?? str(c.Arn);
      return join([child, child && str(obj(c.State)?.Value).replace(/.+/, '($&)')]);
    });
    // cut alone, so that the code span closes and the children fit
    const by = mrkdwn(join(children, ', ')).replace(/.+/, '\n*Triggered by* $&');
    details.push(`*Rule*\n\`${truncate(mrkdwn(rule), LIMITS.field)}\`${by}`);
  } else details.push(mrkdwn(describeCondition(obj(alarm.Trigger))).replace(/^.+/, '*Condition*\n$&'));
  const blocks = details.filter(Boolean).map(section);
  const fields = [
    ['State', mrkdwn(`${old && `${old} → `}${state}${resolved ? ' (resolved)' : ''}`)],
    ['Region', mrkdwn(join([str(alarm.Region), arn?.region], ' · '))],
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
  const top = [header(headline), ...(mention ? [section(mention)] : [])];
  const attachments = [{ color, fallback: truncate(plain, LIMITS.section), blocks }];
  return withChannel({ text, blocks: top, attachments }, options);
}

/** Any other message. @param {{ subject?: unknown, body?: unknown, topicArn?: unknown }} message @param {Options} [options] */
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
