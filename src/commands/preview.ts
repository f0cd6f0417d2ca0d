/**
 * `alarm-to-slack preview`: the Slack message the notifier builds for a sample alarm, printed (and with
 * --webhook-url posted), with no AWS account needed: from the SNS notification CloudWatch publishes
 * (`--source sns`, the default) or from the state-change event the every-alarm rule delivers
 * (`--source eventbridge`). It runs the handler's own modules from
 * handler-template/ (shipped at the package root, unbundled; found as package-files.ts says).
 */
import type { DeliverModule, FormatModule, SlackPayload } from '../../handler-template/types.js';
import { CliError, UsageError } from '../errors.js';
import { sampleEventBridgeEvent, sampleSnsEvent } from '../events/sample.js';
import { resolveValue } from '../io/resolve.js';
import { DEFAULT_STACK } from '../names.js';
import { handlerModuleUrl } from '../package-files.js';
import { TIMEOUT_S } from '../resources/function-spec.js';
import { slackHint } from '../slack.js';
import {
  maskWebhookUrl,
  validateRegion,
  validateStackName,
  validateState,
  validateWebhookUrl,
} from '../validate.js';
import type { CommandContext } from './context.js';

interface PreviewOptions {
  state?: string;
  source?: string;
  webhookUrl?: string;
  channel?: string;
  mention?: string;
}

async function handlerModules(): Promise<{ format: FormatModule; deliver: DeliverModule }> {
  const [format, deliver] = await Promise.all([
    import(handlerModuleUrl('format.mjs')) as Promise<FormatModule>,
    import(handlerModuleUrl('deliver.mjs')) as Promise<DeliverModule>,
  ]);
  return { format, deliver };
}

const SOURCES = ['sns', 'eventbridge'] as const;
type Source = (typeof SOURCES)[number];

/** `--source sns|eventbridge` (any case); exit 2 otherwise. */
function validateSource(raw: string): Source {
  const source = raw.trim().toLowerCase();
  if (!(SOURCES as readonly string[]).includes(source))
    throw new UsageError(`--source must be one of ${SOURCES.join(', ')}; got "${raw}".`);
  return source as Source;
}

/** The region shown in the sample: --region, else AWS_REGION / AWS_DEFAULT_REGION when valid, else us-east-1. */
function sampleRegion(ctx: CommandContext): string {
  if (ctx.globals.region) return validateRegion(ctx.globals.region);
  const fromEnv = [ctx.env.AWS_REGION, ctx.env.AWS_DEFAULT_REGION].find(
    (r) => r && /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(r),
  );
  return fromEnv ?? 'us-east-1';
}

export async function run(options: PreviewOptions, ctx: CommandContext): Promise<void> {
  const { io, clock } = ctx;
  // Everything is validated before anything is printed or posted (exit 2).
  const state = validateState(options.state ?? 'ALARM');
  const source = validateSource(options.source ?? 'sns');
  const stack = validateStackName(ctx.globals.name ?? DEFAULT_STACK);
  const region = sampleRegion(ctx);
  // Posts only when asked on the command line: an exported SLACK_WEBHOOK_URL (as init reads) is not a request.
  const webhook = await resolveValue(io, {
    flag: '--webhook-url',
    value: options.webhookUrl,
    parse: validateWebhookUrl,
  });

  const { format, deliver } = await handlerModules();
  const now = new Date(clock.now());
  const sample = { stack, state, region, now, newId: clock.newId };
  const formatOptions = { channel: options.channel, mention: options.mention };
  let payload: SlackPayload;
  if (source === 'eventbridge') {
    payload = format.formatEventBridge(sampleEventBridgeEvent(sample), formatOptions);
  } else {
    const record = sampleSnsEvent(sample).Records[0];
    if (!record) throw new CliError('The sample event has no record.');
    payload = format.formatRecord(record, formatOptions);
  }
  io.result(JSON.stringify(payload, null, 2), payload);

  if (!webhook) return;
  if (webhook.warning) io.progress.warn(webhook.warning);
  const where = maskWebhookUrl(webhook.url.href);
  // The function's own time budget, so the retries behave as they would in Lambda.
  const started = clock.now();
  const deadline = started + TIMEOUT_S * 1000;
  io.progress.start('post', `Post the ${state} sample to ${where}`);
  try {
    const { attempts } = await deliver.postToSlack(webhook.url.href, payload, {
      remainingMs: () => deadline - clock.now(),
      log: (line) => io.progress.info(line),
      sleep: (ms) => clock.sleep(ms, ctx.signal),
      random: clock.random,
    });
    const text = `Slack accepted it${attempts > 1 ? ` after ${attempts} attempts` : ''}`;
    io.progress.done('post', { ok: true, text, ms: clock.now() - started });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.progress.done('post', { ok: false, text: 'failed', ms: clock.now() - started });
    // Slack's status and answer, as the notifier's SlackError carries them.
    const { status, answer } = error as { status?: unknown; answer?: unknown };
    const hint =
      typeof status === 'number'
        ? slackHint({ ok: false, status, body: typeof answer === 'string' ? answer : '' })
        : undefined;
    throw new CliError(message, { ...(hint ? { hint } : {}), cause: error });
  }
}
