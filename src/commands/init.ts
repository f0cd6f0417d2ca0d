import {
  type AlarmAnswers,
  askInstance,
  type Deployed,
  type InitAnswers,
  readDeployed,
  WEBHOOK_HELP,
} from '../actions/init/answers.js';
import { identityLine, introLine } from '../actions/init/summary.js';
import { UsageError } from '../errors.js';
import { resolveValue, type ValueSpec } from '../io/resolve.js';
import type { IO } from '../io/types.js';
import type { StackContext } from '../resources/context.js';
import { validatePrefix, validateStates, validateWebhookUrl } from '../validate.js';
import type { CommandContext } from './context.js';
import {
  everyAlarmFilter,
  type InitOptions,
  keepableWebhook,
  notifyChoice,
  optionalText,
  specs,
  webhookPrompted,
} from './init-answers.js';
import { openStack, stackName } from './stack.js';

export type { InitOptions } from './init-answers.js';

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
  if (options.states !== undefined) validateStates(options.states);
  if (options.prefix !== undefined) validatePrefix(options.prefix);
  if (!options.everyAlarm && (options.states !== undefined || options.prefix !== undefined)) {
    throw new UsageError(
      '--states and --prefix choose what --every-alarm sends: pass --every-alarm with them.',
    );
  }
  const decided = options.alarm === false || options.instanceId !== undefined || options.everyAlarm;
  if (!ctx.io.interactive && !decided) {
    throw new UsageError(
      'Missing --instance-id (or --every-alarm for every alarm of the region, or --no-alarm for no alarm); ' +
        'one is required when not running interactively.',
    );
  }
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

  const notify = await notifyChoice(options, io, deployed);
  const everyAlarm = notify.includes('every') ? await everyAlarmFilter(options, io, deployed) : undefined;
  let alarm: AlarmAnswers | undefined;
  if (options.alarm !== false && notify.includes('cpu')) {
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
    everyAlarm,
    pickAlarms: notify.includes('pick'),
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
