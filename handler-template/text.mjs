// Pure text helpers of the Slack messages: values, escaping, cutting, ARNs, regions, times. No imports.
/** @import { Block, FormatOptions, Json, SlackPayload } from './types.js' */

export const LIMITS = { section: 3000, field: 2000, header: 150, blocks: 50 };

/** @type {Record<string, string>} */
const CONSOLES = { aws: 'aws.amazon.com', 'aws-cn': 'amazonaws.cn', 'aws-us-gov': 'amazonaws-us-gov.com' };

/**
 * Region codes and the names CloudWatch gives them in alarm messages (EventBridge events carry only the
 * code). The CLI uses this table too (src/regions.ts), so that both name a region alike.
 * @type {Readonly<Record<string, string>>}
 */
export const REGION_NAMES = {
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-west-1': 'US West (N. California)',
  'us-west-2': 'US West (Oregon)',
  'af-south-1': 'Africa (Cape Town)',
  'ap-east-1': 'Asia Pacific (Hong Kong)',
  'ap-east-2': 'Asia Pacific (Taipei)',
  'ap-south-1': 'Asia Pacific (Mumbai)',
  'ap-south-2': 'Asia Pacific (Hyderabad)',
  'ap-southeast-1': 'Asia Pacific (Singapore)',
  'ap-southeast-2': 'Asia Pacific (Sydney)',
  'ap-southeast-3': 'Asia Pacific (Jakarta)',
  'ap-southeast-4': 'Asia Pacific (Melbourne)',
  'ap-southeast-5': 'Asia Pacific (Malaysia)',
  'ap-southeast-7': 'Asia Pacific (Thailand)',
  'ap-northeast-1': 'Asia Pacific (Tokyo)',
  'ap-northeast-2': 'Asia Pacific (Seoul)',
  'ap-northeast-3': 'Asia Pacific (Osaka)',
  'ca-central-1': 'Canada (Central)',
  'ca-west-1': 'Canada West (Calgary)',
  'eu-central-1': 'Europe (Frankfurt)',
  'eu-central-2': 'Europe (Zurich)',
  'eu-west-1': 'Europe (Ireland)',
  'eu-west-2': 'Europe (London)',
  'eu-west-3': 'Europe (Paris)',
  'eu-south-1': 'Europe (Milan)',
  'eu-south-2': 'Europe (Spain)',
  'eu-north-1': 'Europe (Stockholm)',
  'il-central-1': 'Israel (Tel Aviv)',
  'me-south-1': 'Middle East (Bahrain)',
  'me-central-1': 'Middle East (UAE)',
  'mx-central-1': 'Mexico (Central)',
  'sa-east-1': 'South America (Sao Paulo)',
  'us-gov-east-1': 'AWS GovCloud (US-East)',
  'us-gov-west-1': 'AWS GovCloud (US-West)',
  'cn-north-1': 'China (Beijing)',
  'cn-northwest-1': 'China (Ningxia)',
};

/** @param {unknown} v a string or number, else '' (null included) */
export const str = (v) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');
/** @param {unknown} v */
export const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
/** @param {unknown} v @returns {Json | undefined} */
export const obj = (v) =>
  v && typeof v === 'object' && !Array.isArray(v) ? /** @type {Json} */ (v) : undefined;
/** @param {unknown} v @returns {Json[]} */
export const list = (v) => (Array.isArray(v) ? v.map(obj).filter((x) => x !== undefined) : []);
/** @param {unknown[]} parts @param {string} glue */
export const join = (parts, glue = ' ') => parts.filter(Boolean).join(glue);
/** @param {number} n @param {string} word */
export const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
/** @param {string} s @returns {unknown} */
export const parse = (s) => {
  try {
    return JSON.parse(s);
  } catch {}
};
/** The display name of a region code; an unknown code stays as it is. @param {string} code */
export const regionName = (code) => REGION_NAMES[code] ?? code;

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

/** Milliseconds of an ISO time, CloudWatch's "+0000" included; NaN when it is none. @param {unknown} value */
export const parseTime = (value) => Date.parse(str(value).replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));

/** A Slack date, shown in the reader's time zone. @param {unknown} value */
export function timeText(value) {
  const ms = parseTime(value);
  if (Number.isNaN(ms)) return mrkdwn(str(value));
  const utc = `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${utc}>`;
}

/**
 * "⏱ Delivered late: changed state at 14:03 UTC, 9 min ago" ("… on 22 Nov at 14:03 UTC, 2 days 3 h ago" on
 * another day), when the change is more than 2 minutes before `now`; else ''. @param {number} at @param {number} now
 */
export function lateText(at, now) {
  if (!(now - at > 120_000)) return ''; // NaN included
  const minutes = Math.floor((now - at) / 60_000);
  const [h, d] = [Math.floor(minutes / 60), Math.floor(minutes / 1440)];
  const ago = d
    ? join([plural(d, 'day'), h % 24 && `${h % 24} h`])
    : join([h && `${h} h`, (minutes % 60 || !h) && `${minutes % 60} min`]);
  const [then, today] = [new Date(at), new Date(now)];
  // "Tue, 24 Nov 2026 14:03:00 GMT" → "24 Nov", with the year when it is not this one
  const date = then.toUTCString().slice(5, 16).replace(/^0/, '');
  const day = then.getUTCFullYear() === today.getUTCFullYear() ? date.slice(0, -5) : date;
  const same = then.toISOString().slice(0, 10) === today.toISOString().slice(0, 10);
  return `⏱ Delivered late: changed state ${same ? '' : `on ${day} `}at ${then.toISOString().slice(11, 16)} UTC, ${ago} ago`;
}

/** @param {string} text @returns {Block} */
export const section = (text) => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, LIMITS.section) },
});
/** @param {string} text @returns {Block} */
export const header = (text) => ({
  type: 'header',
  text: { type: 'plain_text', text: truncate(text, LIMITS.header), emoji: true },
});
/** @param {SlackPayload} payload @param {FormatOptions} options @returns {SlackPayload} */
export const withChannel = (payload, { channel }) =>
  str(channel) ? { ...payload, channel: str(channel) } : payload;
