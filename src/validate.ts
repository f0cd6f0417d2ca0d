import { UsageError } from './errors.js';
import { LONGEST_SUFFIX, MAX_STACK_NAME } from './names.js';
import { regionCodeForName } from './regions.js';

/** Every validator throws UsageError (exit 2) with a one-line message naming the flag. */

export function validateStackName(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(name)) {
    throw new UsageError(
      `--name "${name}" is not valid: use letters, digits and hyphens, starting with a letter.`,
    );
  }
  if (name.length > MAX_STACK_NAME) {
    throw new UsageError(
      `--name "${name}" is ${name.length} characters; at most ${MAX_STACK_NAME} so that "${name}${LONGEST_SUFFIX}" fits AWS's 64-character limit on rule names.`,
    );
  }
  return name;
}

const REGION_CODE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function validateRegion(region: string): string {
  const trimmed = region.trim();
  if (REGION_CODE.test(trimmed)) return trimmed;
  const code = regionCodeForName(trimmed);
  throw new UsageError(
    `--region "${region}" is not an AWS region code` +
      (code ? `; did you mean --region ${code}?` : ' (e.g. ap-northeast-2, us-east-1).'),
  );
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/i;

function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/**
 * Parses a webhook URL. https is required, except http to a loopback host (local testing).
 * Returns a warning for hosts other than hooks.slack.com (Slack-compatible services take the same payload).
 * Messages never contain the URL itself: it is a credential.
 */
export function validateWebhookUrl(raw: string): { url: URL; warning: string | undefined } {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UsageError('--webhook-url is not a valid URL (expected https://hooks.slack.com/services/…).');
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new UsageError(
      `--webhook-url must use https (http is accepted only for localhost); got ${url.protocol.replace(':', '')}.`,
    );
  }
  const warning =
    url.hostname === 'hooks.slack.com' || loopback
      ? undefined
      : `The webhook host ${url.hostname} is not hooks.slack.com; continuing, as Slack-compatible services accept the same payload.`;
  return { url, warning };
}

/** "https://hooks.slack.com/services/T000/B000/XXXX" → "hooks.slack.com/services/T000/****" : host and a masked path. */
export function maskWebhookUrl(raw: string): string {
  try {
    const url = new URL(raw);
    const parts = url.pathname.split('/').filter(Boolean);
    const shown = parts.slice(0, Math.min(2, Math.max(parts.length - 2, 0)));
    return `${url.host}/${[...shown, '****'].join('/')}`;
  } catch {
    return '****';
  }
}

function parseNumber(flag: string, raw: string | number): number {
  const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (String(raw).trim() === '' || !Number.isFinite(value))
    throw new UsageError(`${flag} must be a number; got "${raw}".`);
  return value;
}

function parseInteger(flag: string, raw: string | number): number {
  const value = parseNumber(flag, raw);
  if (!Number.isInteger(value)) throw new UsageError(`${flag} must be a whole number; got "${raw}".`);
  return value;
}

/** The CPU alarm's threshold: a percentage of CPU, 0 to 100. */
export function validateThreshold(raw: string | number): number {
  const value = parseNumber('--threshold', raw);
  if (value < 0 || value > 100)
    throw new UsageError(`--threshold is a CPU percentage, 0 to 100; got ${raw}.`);
  return value;
}

/** CloudWatch alarm periods: 10, 30 or a multiple of 60 seconds. */
export function validatePeriod(raw: string | number): number {
  const value = parseInteger('--period', raw);
  if (value === 10 || value === 30 || (value > 0 && value % 60 === 0)) return value;
  throw new UsageError(`--period must be 10, 30 or a multiple of 60 seconds; got ${raw}.`);
}

export function validateEvaluationPeriods(raw: string | number): number {
  const value = parseInteger('--evaluation-periods', raw);
  if (value < 1) throw new UsageError(`--evaluation-periods must be at least 1; got ${raw}.`);
  return value;
}

export function validateInstanceId(raw: string): string {
  const id = raw.trim();
  if (!/^i-([0-9a-f]{8}|[0-9a-f]{17})$/.test(id)) {
    throw new UsageError(
      `--instance-id "${raw}" is not an EC2 instance id (i- followed by 8 or 17 hex digits).`,
    );
  }
  return id;
}

/** The retention values CloudWatch Logs PutRetentionPolicy accepts. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export function validateLogRetention(raw: string | number): number {
  const value = parseInteger('--log-retention-days', raw);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(value)) {
    throw new UsageError(`--log-retention-days must be one of ${LOG_RETENTION_DAYS.join(', ')}; got ${raw}.`);
  }
  return value;
}

/** KMS ScheduleKeyDeletion accepts 7 to 30 days. */
export function validatePendingWindow(raw: string | number): number {
  const value = parseInteger('--pending-window', raw);
  if (value < 7 || value > 30) throw new UsageError(`--pending-window must be 7 to 30 days; got ${raw}.`);
  return value;
}

const ALARM_STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

export function validateState(raw: string): AlarmState {
  const state = raw.trim().toUpperCase() as AlarmState;
  if (!ALARM_STATES.includes(state))
    throw new UsageError(`--state must be one of ${ALARM_STATES.join(', ')}; got "${raw}".`);
  return state;
}

/** `--states ALARM,OK`: a comma-separated list of alarm states, each once, at least one. */
export function validateStates(raw: string, flag = '--states'): AlarmState[] {
  const parts = raw
    .split(',')
    .map((p) => p.trim().toUpperCase())
    .filter(Boolean);
  const bad = parts.filter((p) => !(ALARM_STATES as readonly string[]).includes(p));
  if (parts.length === 0 || bad.length > 0)
    throw new UsageError(`${flag} takes a comma-separated list of ${ALARM_STATES.join(', ')}; got "${raw}".`);
  return ALARM_STATES.filter((s) => parts.includes(s));
}

/** `--prefix`: the start of alarm names (CloudWatch alarm names are 1-255 characters). */
export function validatePrefix(raw: string): string {
  const prefix = raw.trim();
  if (prefix === '' || prefix.length > 255)
    throw new UsageError(`--prefix must be 1 to 255 characters of an alarm name; got "${raw}".`);
  return prefix;
}
