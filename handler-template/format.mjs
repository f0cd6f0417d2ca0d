// Pure formatting: an SNS record → a Slack payload. No AWS imports, so the CLI's `preview` can load it cheaply.

/**
 * @typedef {Record<string, unknown>} Json
 * @typedef {{ type: 'plain_text' | 'mrkdwn', text: string, emoji?: boolean }} Text
 * @typedef {{ type: string, text?: Text, fields?: Text[], elements?: Json[] }} Block
 * @typedef {{ color: string, fallback: string, blocks: Block[] }} Attachment
 * @typedef {{ text: string, blocks: Block[], attachments?: Attachment[], channel?: string }} SlackPayload
 * @typedef {{ channel?: string | undefined, mention?: string | undefined }} FormatOptions
 * @typedef {{ Sns?: { Message?: unknown, Subject?: unknown, TopicArn?: unknown }, EventSubscriptionArn?: unknown }} SnsRecord
 */

/** Slack's limits: section text, section field, header text, blocks per message. */
export const LIMITS = { section: 3000, field: 2000, header: 150, blocks: 50 };

const STATES = {
  ALARM: { emoji: '🔴', color: '#E01E5A' },
  OK: { emoji: '🟢', color: '#2EB67D' },
  INSUFFICIENT_DATA: { emoji: '⚪', color: '#9E9E9E' },
};
const OPERATORS = {
  GreaterThanOrEqualToThreshold: '≥',
  GreaterThanThreshold: '>',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
  LessThanLowerOrGreaterThanUpperThreshold: 'outside the band',
  GreaterThanUpperThreshold: 'above the band',
  LessThanLowerThreshold: 'below the band',
};
const STATISTICS = {
  AVERAGE: 'Average',
  SUM: 'Sum',
  MINIMUM: 'Minimum',
  MAXIMUM: 'Maximum',
  SAMPLE_COUNT: 'SampleCount',
};
const CONSOLE_HOSTS = {
  aws: 'console.aws.amazon.com',
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
};

/** @param {unknown} v @returns {string} a non-empty string, or '' for null, undefined, numbers-as-nothing. */
const str = (v) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');
/** @param {unknown} v @returns {number | undefined} */
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
/** @param {unknown} v @returns {Json | undefined} */
const obj = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? /** @type {Json} */ (v) : undefined);
/** @param {unknown} v @returns {Json[]} */
const list = (v) => (Array.isArray(v) ? v.map(obj).filter((x) => x !== undefined) : []);
/** @param {number} n @param {string} word */
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Escapes the three characters Slack's mrkdwn treats as markup. @param {string} s */
export const mrkdwn = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Cuts to `max` UTF-16 units with an ellipsis, never inside a surrogate pair or an escape. @param {string} s @param {number} max */
export function truncate(s, max) {
  if (s.length <= max) return s;
  let cut = s.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.replace(/&[a-z]{0,3}$/, '')}…`;
}

/** @param {string | undefined} arn @returns {{ partition: string, region: string, account: string, resource: string } | undefined} */
export function parseArn(arn) {
  const parts = str(arn).split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition = '', , region = '', account = ''] = parts;
  return { partition, region, account, resource: parts.slice(5).join(':') };
}

/** The console link of an alarm, from its ARN; undefined when the ARN is absent or its partition unknown. @param {unknown} alarmArn @param {string} name */
export function consoleUrl(alarmArn, name) {
  const arn = parseArn(str(alarmArn));
  const host = arn && /** @type {Record<string, string>} */ (CONSOLE_HOSTS)[arn.partition];
  if (!arn || !host || !arn.region) return undefined;
  const alarm = name || arn.resource.replace(/^alarm:/, '');
  return `https://${arn.region}.${host}/cloudwatch/home?region=${arn.region}#alarmsV2:alarm/${encodeURIComponent(alarm)}`;
}

/** 60 → "1 minute", 300 → "5 minutes", 3600 → "1 hour", 30 → "30 seconds". @param {number} seconds */
export function duration(seconds) {
  if (seconds % 86400 === 0) return plural(seconds / 86400, 'day');
  if (seconds % 3600 === 0) return plural(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return plural(seconds / 60, 'minute');
  return plural(seconds, 'second');
}

/** "CPUUtilization (AWS/EC2, InstanceId=i-…) Average". @param {Json | undefined} metric @param {unknown} stat */
function metricText(metric, stat) {
  if (!metric) return '';
  const dims = [...list(metric.Dimensions), ...list(metric.dimensions)]
    .map((d) => `${str(d.name ?? d.Name)}=${str(d.value ?? d.Value)}`)
    .filter((d) => d !== '=');
  const where = [str(metric.Namespace), ...dims].filter(Boolean).join(', ');
  const s = str(stat);
  const statName = /** @type {Record<string, string>} */ (STATISTICS)[s.toUpperCase()] ?? s;
  return [str(metric.MetricName), where && `(${where})`, statName].filter(Boolean).join(' ');
}

/** The condition of a metric or metric-math alarm in words, or '' when the trigger says too little. @param {Json | undefined} trigger */
export function describeCondition(trigger) {
  if (!trigger) return '';
  const metrics = list(trigger.Metrics);
  const bandId = str(trigger.ThresholdMetricId);
  const band = metrics.find((m) => bandId && str(m.Id) === bandId);
  const main = metrics.find((m) => m.ReturnData === true && m !== band) ?? metrics.find((m) => m !== band);
  let subject = '';
  let inputs = '';
  /** @type {number | undefined} */
  let period = num(trigger.Period);
  if (main) {
    const stat = obj(main.MetricStat);
    period ??= num(main.Period) ?? num(stat?.Period);
    if (stat) subject = metricText(obj(stat.Metric), stat.Stat);
    else {
      const expression = str(main.Expression);
      const code = expression.includes('`') ? expression : `\`${expression}\``;
      subject = [str(main.Label), expression && code].filter(Boolean).join(' = ');
      inputs = metrics
        .filter((m) => m !== main && m !== band && obj(m.MetricStat))
        .map((m) => `${str(m.Id)} = ${metricText(obj(obj(m.MetricStat)?.Metric), obj(m.MetricStat)?.Stat)}`)
        .join(', ');
    }
  } else {
    const extended = str(trigger.ExtendedStatistic);
    subject = metricText(trigger, extended || trigger.Statistic);
  }
  if (!subject) return '';
  const opName = str(trigger.ComparisonOperator);
  const op = /** @type {Record<string, string>} */ (OPERATORS)[opName] ?? opName;
  const threshold = band
    ? [str(band.Label), str(band.Expression) && `\`${str(band.Expression)}\``].filter(Boolean).join(' ')
    : [str(trigger.Threshold), str(trigger.Unit)].filter(Boolean).join(' ');
  const n = num(trigger.EvaluationPeriods) ?? 1;
  const m = num(trigger.DatapointsToAlarm) ?? n;
  const count = m === n ? plural(n, 'datapoint') : `${m} of ${plural(n, 'datapoint')}`;
  const within = period ? ` within ${duration(n * period)}` : '';
  const text = [subject, op, threshold].filter(Boolean).join(' ');
  return `${text} for ${count}${within}${inputs ? `\nwhere ${inputs}` : ''}`;
}

/** "2026-11-24T10:42:27.519+0000" → a Slack date token that shows in the reader's time zone. @param {unknown} value */
function timeText(value) {
  const raw = str(value);
  const ms = Date.parse(raw.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  if (Number.isNaN(ms)) return mrkdwn(raw);
  const utc = `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${utc}>`;
}

/** @param {string} text @param {number} [max] @returns {Block} */
const section = (text, max = LIMITS.section) => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, max) },
});
/** @param {string} text @returns {Block} */
const header = (text) => ({
  type: 'header',
  text: { type: 'plain_text', text: truncate(text, LIMITS.header), emoji: true },
});

/** @param {Json} alarm @param {FormatOptions} options @param {string} [fallbackArn] an SNS topic/subscription ARN for the region @returns {SlackPayload} */
export function formatAlarm(alarm, options = {}, fallbackArn) {
  const name = str(alarm.AlarmName) || 'unnamed alarm';
  const state = str(alarm.NewStateValue);
  const old = str(alarm.OldStateValue);
  const resolved = state === 'OK' && old === 'ALARM';
  const look = /** @type {Record<string, {emoji: string, color: string}>} */ (STATES)[state] ?? {
    emoji: '🔔',
    color: '#439FE0',
  };
  const emoji = resolved ? '✅' : look.emoji;
  const label = resolved ? 'RESOLVED' : state || 'STATE CHANGE';
  const arn = parseArn(str(alarm.AlarmArn)) ?? parseArn(fallbackArn);
  const regionName = str(alarm.Region);
  const region = [regionName, arn?.region].filter(Boolean).join(' · ');
  const account = str(alarm.AWSAccountId) || arn?.account || '';
  const mention = state === 'ALARM' ? str(options.mention) : '';
  const where = regionName || arn?.region;
  const headline = `${emoji} ${label}: ${name}`;
  const text = `${mention ? `${mention} ` : ''}${mrkdwn(headline)}${where ? ` in ${mrkdwn(where)}` : ''}`;

  /** @type {Block[]} */
  const details = [];
  const description = str(alarm.AlarmDescription);
  if (description) details.push(section(mrkdwn(description)));
  const reason = str(alarm.NewStateReason);
  if (reason) details.push(section(`*Reason*\n${mrkdwn(reason)}`));
  const rule = str(alarm.AlarmRule);
  if (rule) {
    const children = list(alarm.TriggeringChildren)
      .map((c) => {
        const child = parseArn(str(c.Arn))?.resource.replace(/^alarm:/, '') || str(c.Arn);
        const childState = str(obj(c.State)?.Value);
        return child && `${child}${childState ? ` (${childState})` : ''}`;
      })
      .filter(Boolean);
    const triggered = children.length ? `\n*Triggered by* ${mrkdwn(children.join(', '))}` : '';
    details.push(section(`*Rule*\n${mrkdwn(`\`${rule}\``)}${triggered}`));
  } else {
    const condition = describeCondition(obj(alarm.Trigger));
    if (condition) details.push(section(`*Condition*\n${mrkdwn(condition)}`));
  }
  /** @type {Array<[string, string]>} */
  const facts = [
    ['State', `${old ? `${old} → ` : ''}${state}${resolved ? ' (resolved)' : ''}`],
    ['Region', mrkdwn(region)],
    ['Account', mrkdwn(account)],
    ['Changed', str(alarm.StateChangeTime) && timeText(alarm.StateChangeTime)],
  ];
  const fields = facts
    .filter(([, value]) => value)
    .map(
      ([key, value]) =>
        /** @type {Text} */ ({ type: 'mrkdwn', text: truncate(`*${key}*\n${value}`, LIMITS.field) }),
    );
  if (fields.length) details.push({ type: 'section', fields });
  const url = consoleUrl(alarm.AlarmArn, name);
  if (url) {
    details.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'View in CloudWatch' }, url }],
    });
  }
  /** @type {Block[]} */
  const blocks = [header(headline)];
  if (mention) blocks.push(section(mention));
  return withChannel(
    {
      text: truncate(text, LIMITS.section),
      blocks,
      attachments: [
        {
          color: look.color,
          fallback: truncate(text, LIMITS.section),
          blocks: details.slice(0, LIMITS.blocks - blocks.length),
        },
      ],
    },
    options,
  );
}

/** Any other SNS message: subject and body, JSON pretty-printed in a code block. @param {{ subject?: unknown, body?: unknown, topicArn?: unknown }} message @param {FormatOptions} [options] @returns {SlackPayload} */
export function formatMessage(message, options = {}) {
  const topic = parseArn(str(message.topicArn));
  const title = str(message.subject) || `Message from ${topic ? topic.resource : 'SNS'}`;
  const raw = typeof message.body === 'string' ? message.body : '';
  /** @type {unknown} */
  let parsed;
  try {
    parsed = JSON.parse(raw);
  } catch {}
  let body;
  if (parsed !== null && typeof parsed === 'object') {
    const code = mrkdwn(JSON.stringify(parsed, null, 2)).replace(/```/g, "'''");
    body = `\`\`\`${truncate(code, LIMITS.section - 6)}\`\`\``;
  } else body = mrkdwn(raw.trim()) || '_(empty message)_';
  const context = [topic?.resource, topic?.region, topic?.account].filter(Boolean).join(' · ');
  /** @type {Block[]} */
  const blocks = [header(`📣 ${title}`), section(body)];
  if (context)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn(`SNS topic ${context}`) }] });
  return withChannel({ text: truncate(mrkdwn(`📣 ${title}`), LIMITS.section), blocks }, options);
}

/** @param {SlackPayload} payload @param {FormatOptions} options @returns {SlackPayload} */
function withChannel(payload, options) {
  const channel = str(options.channel);
  return channel ? { ...payload, channel } : payload;
}

/** An SNS record of a Lambda event → the Slack payload. @param {SnsRecord} record @param {FormatOptions} [options] @returns {SlackPayload} */
export function formatRecord(record, options = {}) {
  const sns = record.Sns ?? {};
  const body = typeof sns.Message === 'string' ? sns.Message : '';
  const fallbackArn = str(sns.TopicArn) || str(record.EventSubscriptionArn);
  /** @type {unknown} */
  let parsed;
  try {
    parsed = JSON.parse(body);
  } catch {}
  const alarm = obj(parsed);
  if (alarm && typeof alarm.AlarmName === 'string') return formatAlarm(alarm, options, fallbackArn);
  return formatMessage({ subject: sns.Subject, body, topicArn: fallbackArn }, options);
}
