import {
  type AlarmAnswers,
  askInstance,
  DEFAULTS,
  type Deployed,
  type InitAnswers,
  optionalTextPrompt,
  parseOptionalText,
  readDeployed,
  WEBHOOK_HELP,
} from '../actions/init/answers.js';
import { identityLine, introLine } from '../actions/init/summary.js';
import { UsageError } from '../errors.js';
import { resolveValue, type ValueSpec } from '../io/resolve.js';
import type { IO } from '../io/types.js';
import type { AlarmFound } from '../resources/alarm.js';
import type { StackContext } from '../resources/context.js';
import {
  validateEvaluationPeriods,
  validateInstanceId,
  validateLogRetention,
  validatePeriod,
  validateThreshold,
  validateWebhookUrl,
} from '../validate.js';
import type { CommandContext } from './context.js';
import { openStack, stackName } from './stack.js';

/** init's flags as commander parses them (no commander defaults: absent means "not given"). */
export interface InitOptions {
  webhookUrl?: string | undefined;
  channel?: string | undefined;
  mention?: string | undefined;
  instanceId?: string | undefined;
  /** false with --no-alarm. */
  alarm?: boolean | undefined;
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
function specs(options: InitOptions, env: NodeJS.ProcessEnv, current?: AlarmFound) {
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

/** Flag and environment values only: no prompt, no default, no requirement. */
function fromFlags<T>(io: IO, spec: ValueSpec<T>): Promise<T | undefined> {
  const { prompt: _p, default: _d, required: _r, ...rest } = spec;
  return resolveValue({ ...io, interactive: false }, rest);
}

/**
 * Validates every flag and environment value before anything else (exit 2, no AWS call), and the
 * values a non-interactive run cannot do without.
 */
async function validateGiven(options: InitOptions, ctx: CommandContext): Promise<void> {
  const s = specs(options, ctx.env);
  for (const spec of Object.values(s)) await fromFlags(ctx.io, spec as ValueSpec<unknown>);
  if (options.alarm === false && options.instanceId !== undefined) {
    throw new UsageError('--instance-id and --no-alarm contradict each other: pass one of them.');
  }
  if (!ctx.io.interactive && options.alarm !== false && options.instanceId === undefined) {
    throw new UsageError(
      'Missing --instance-id (or --no-alarm to create no alarm); it is required when not running interactively.',
    );
  }
}

/** Would the webhook prompt be shown (interactive, neither flag nor environment)? */
function webhookPrompted(spec: ValueSpec<string>, io: IO): boolean {
  return io.interactive && spec.value === undefined && !spec.env?.[spec.envVar ?? ''];
}

/**
 * On an interactive re-run the webhook prompt accepts an empty answer: keep the deployed (encrypted) URL,
 * so that changing, say, the threshold does not mean digging out the webhook URL again.
 */
function keepableWebhook(
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
function optionalText(
  spec: ValueSpec<string>,
  prompt: Parameters<typeof optionalTextPrompt>,
): ValueSpec<string> {
  if (spec.value !== undefined) return spec; // a flag: taken as given, as before
  return { ...spec, parse: parseOptionalText, prompt: optionalTextPrompt(...prompt) };
}

/**
 * What is deployed, read once (one GetFunction and one DescribeAlarms, at once) when an interactive run
 * will ask or default something: the prompts then default to it, so that re-running init and pressing
 * Enter throughout changes nothing. Non-interactive runs read nothing here.
 */
async function deployedForPrompts(
  options: InitOptions,
  s: ReturnType<typeof specs>,
  io: IO,
  stack: StackContext,
): Promise<Deployed | undefined> {
  if (!io.interactive) return undefined;
  const alarmAnswers =
    options.alarm === false
      ? []
      : [options.instanceId, options.threshold, options.period, options.evaluationPeriods];
  const open = [options.channel, options.mention, ...alarmAnswers].some((v) => v === undefined);
  if (!open && !webhookPrompted(s.webhookUrl, io)) return undefined;
  return readDeployed(stack);
}

/** The answers: flags and environment, then prompts on a TTY (the instance picked from DescribeInstances), then defaults. */
async function gather(
  options: InitOptions,
  ctx: CommandContext,
  name: string,
  stack: StackContext,
): Promise<InitAnswers> {
  const { io } = ctx;
  const deployed = await deployedForPrompts(options, specs(options, ctx.env), io, stack);
  const s = specs(options, ctx.env, deployed?.alarm);
  const env = deployed?.fn?.environment;
  if (webhookPrompted(s.webhookUrl, io)) io.progress.info(WEBHOOK_HELP);
  const webhookUrl = await resolveValue(io, keepableWebhook(s.webhookUrl, deployed));
  const channel = await resolveValue(
    io,
    optionalText(s.channel, ['Channel label', '#alerts', "the webhook's own", env?.slackChannel]),
  );
  const mention = await resolveValue(
    io,
    optionalText(s.mention, ['Mention on ALARM messages', '<!here>', 'none', env?.slackMention]),
  );

  let alarm: AlarmAnswers | undefined;
  if (options.alarm !== false) {
    let instanceId = await resolveValue(io, s.instanceId);
    if (instanceId === undefined && io.interactive) {
      const { listRunningInstances } = await import('../aws/instances.js');
      const instances = await listRunningInstances(stack.clients, { signal: ctx.signal }).catch(
        (error: unknown) => {
          io.progress.warn(
            `Could not list EC2 instances (${error instanceof Error ? error.message : String(error)}); type an id instead.`,
          );
          return undefined;
        },
      );
      instanceId = await askInstance(io.ask, instances, deployed?.alarm?.instanceId);
    }
    if (instanceId !== undefined) {
      alarm = {
        instanceId,
        threshold: (await resolveValue(io, s.threshold)) as number,
        period: (await resolveValue(io, s.period)) as number,
        evaluationPeriods: (await resolveValue(io, s.evaluationPeriods)) as number,
      };
    }
  }
  const logRetentionDays = (await resolveValue(io, s.logRetentionDays)) as number;

  if (webhookUrl !== undefined) {
    const { warning } = validateWebhookUrl(webhookUrl);
    if (warning) io.progress.warn(warning);
  }
  return {
    name,
    webhookUrl,
    channel,
    mention,
    alarm,
    logRetentionDays,
    verifyWebhook: options.verifyWebhook !== false,
    rollback: options.rollback !== false,
    dryRun: options.dryRun === true,
  };
}

/**
 * `alarm-to-slack init`: validates every flag (exit 2, no AWS call), shows who and where (STS), asks
 * what is missing on a TTY, and hands the answers to the init action.
 */
export async function run(options: InitOptions, ctx: CommandContext): Promise<void> {
  const name = stackName(ctx);
  await validateGiven(options, ctx);
  const { stack, identity } = await openStack(ctx, name);
  ctx.io.progress.info(identityLine(identity, stack.region));
  ctx.io.progress.info(introLine(stack, identity));
  const answers = await gather(options, ctx, name, stack);
  const { runInit } = await import('../actions/init/run.js');
  await runInit({ io: ctx.io, stack, identity, answers, signal: ctx.signal });
}
