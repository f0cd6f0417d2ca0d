/**
 * init's answers, one spec per flag (flag → env → prompt on a TTY → default), and the prompts that
 * need more than one spec: what should notify Slack, the every-alarm filter, a webhook URL that may be
 * kept, and optional texts defaulting to what is deployed. Used by ./init.ts.
 */
import {
  askNotify,
  DEFAULTS,
  type Deployed,
  type NotifyChoice,
  optionalTextPrompt,
  parseOptionalText,
} from '../actions/init/answers.js';
import type { ValueSpec } from '../io/resolve.js';
import type { IO } from '../io/types.js';
import type { AlarmFound } from '../resources/alarm.js';
import type { AlarmEventFilter } from '../resources/rule-pattern.js';
import {
  validateEvaluationPeriods,
  validateInstanceId,
  validateLogRetention,
  validatePeriod,
  validatePrefix,
  validateStates,
  validateThreshold,
  validateWebhookUrl,
} from '../validate.js';

/** init's flags as commander parses them (no commander defaults: absent means "not given"). */
export interface InitOptions {
  webhookUrl?: string | undefined;
  channel?: string | undefined;
  mention?: string | undefined;
  instanceId?: string | undefined;
  /** false with --no-alarm. */
  alarm?: boolean | undefined;
  /** --every-alarm: the EventBridge rule for every alarm of the region (with --states, --prefix). */
  everyAlarm?: boolean | undefined;
  states?: string | undefined;
  prefix?: string | undefined;
  threshold?: string | undefined;
  period?: string | undefined;
  evaluationPeriods?: string | undefined;
  logRetentionDays?: string | undefined;
  /** false with --no-verify-webhook. */
  verifyWebhook?: boolean | undefined;
  /** false with --no-rollback. */
  rollback?: boolean | undefined;
  dryRun?: boolean | undefined;
}

const parseWebhook = (raw: string) => {
  validateWebhookUrl(raw);
  return raw.trim();
};

/** A deployed alarm's value as a default, when it is one we accept (else undefined). */
function accepted(value: number | undefined, parse: (raw: string) => unknown): string | undefined {
  if (value === undefined) return undefined;
  try {
    parse(String(value));
    return String(value);
  } catch {
    return undefined;
  }
}

/**
 * One spec per answer (flag → env → prompt → default). `current`, the deployed alarm on an interactive
 * re-run, supplies the alarm's defaults so that pressing Enter keeps what is deployed.
 */
export function specs(options: InitOptions, env: NodeJS.ProcessEnv, current?: AlarmFound) {
  const thresholdDefault = accepted(current?.threshold, validateThreshold) ?? DEFAULTS.threshold;
  const webhookUrl: ValueSpec<string> = {
    flag: '--webhook-url',
    value: options.webhookUrl,
    envVar: 'SLACK_WEBHOOK_URL',
    env,
    parse: parseWebhook,
    prompt: (ask, validate) => ask.password({ message: 'Slack incoming-webhook URL', validate }),
  };
  const channel: ValueSpec<string> = {
    flag: '--channel',
    value: options.channel,
    parse: (raw) => raw.trim(),
  };
  const mention: ValueSpec<string> = {
    flag: '--mention',
    value: options.mention,
    parse: (raw) => raw.trim(),
  };
  const instanceId: ValueSpec<string> = {
    flag: '--instance-id',
    value: options.instanceId,
    parse: validateInstanceId,
  };
  const threshold: ValueSpec<number> = {
    flag: '--threshold',
    value: options.threshold,
    parse: validateThreshold,
    default: thresholdDefault,
    prompt: (ask, validate) =>
      ask.input({
        message: 'Alarm when average CPU (%) is at least',
        default: thresholdDefault,
        // An empty answer takes the default (the deployed threshold on a re-run).
        validate: (raw) => (raw.trim() === '' ? true : validate(raw)),
      }),
  };
  const period: ValueSpec<number> = {
    flag: '--period',
    value: options.period,
    parse: validatePeriod,
    default: accepted(current?.period, validatePeriod) ?? DEFAULTS.period,
  };
  const evaluationPeriods: ValueSpec<number> = {
    flag: '--evaluation-periods',
    value: options.evaluationPeriods,
    parse: validateEvaluationPeriods,
    default: accepted(current?.evaluationPeriods, validateEvaluationPeriods) ?? DEFAULTS.evaluationPeriods,
  };
  const logRetentionDays: ValueSpec<number> = {
    flag: '--log-retention-days',
    value: options.logRetentionDays,
    parse: validateLogRetention,
    default: DEFAULTS.logRetentionDays,
  };
  return { webhookUrl, channel, mention, instanceId, threshold, period, evaluationPeriods, logRetentionDays };
}

/** The answer to "what should notify Slack?": from the flags, else asked on a TTY (default: what is deployed). */
export async function notifyChoice(
  options: InitOptions,
  io: IO,
  deployed: Deployed | undefined,
): Promise<NotifyChoice[]> {
  const fromFlags: NotifyChoice[] = [];
  if (options.instanceId !== undefined) fromFlags.push('cpu');
  if (options.everyAlarm) fromFlags.push('every');
  if (fromFlags.length > 0 || options.alarm === false || !io.interactive) return fromFlags;
  const current: NotifyChoice | undefined = deployed?.alarm ? 'cpu' : deployed?.rule ? 'every' : undefined;
  return [await askNotify(io.ask, current)];
}

/** --every-alarm's filter: --states (default ALARM, OK) and --prefix, asked on a TTY when not given. */
export async function everyAlarmFilter(
  options: InitOptions,
  io: IO,
  deployed: Deployed | undefined,
): Promise<AlarmEventFilter> {
  const states = options.states
    ? validateStates(options.states)
    : (deployed?.rule?.filter?.states ?? ['ALARM', 'OK']);
  let prefix = options.prefix === undefined ? undefined : validatePrefix(options.prefix);
  if (prefix === undefined && io.interactive && !options.everyAlarm) {
    const current = deployed?.rule?.filter?.prefix;
    const answer = await io.ask.input({
      message: 'Only alarms whose name starts with (empty: every alarm of the region)',
      ...(current ? { default: current } : {}),
    });
    prefix = answer.trim() ? validatePrefix(answer) : undefined;
  }
  return { states, ...(prefix ? { prefix } : {}) };
}

/** Would the webhook prompt be shown (interactive, neither flag nor environment)? */
export function webhookPrompted(spec: ValueSpec<string>, io: IO): boolean {
  return io.interactive && spec.value === undefined && !spec.env?.[spec.envVar ?? ''];
}

/**
 * On an interactive re-run the webhook prompt accepts an empty answer: keep the deployed (encrypted) URL,
 * so that changing, say, the threshold does not mean digging out the webhook URL again.
 */
export function keepableWebhook(
  spec: ValueSpec<string>,
  deployed: Deployed | undefined,
): ValueSpec<string | undefined> {
  if (!deployed?.fn?.environment.kmsEncryptedHookUrl) return spec;
  return {
    ...spec,
    parse: (raw) => (raw.trim() === '' ? undefined : parseWebhook(raw)),
    prompt: (ask, validate) =>
      ask.password({ message: 'Slack incoming-webhook URL (empty: keep the deployed one)', validate }),
  };
}

/** Channel or mention: prompted with the deployed value as the default ("-" clears it). */
export function optionalText(
  spec: ValueSpec<string>,
  prompt: Parameters<typeof optionalTextPrompt>,
): ValueSpec<string> {
  if (spec.value !== undefined) return spec; // a flag: taken as given, as before
  return { ...spec, parse: parseOptionalText, prompt: optionalTextPrompt(...prompt) };
}
