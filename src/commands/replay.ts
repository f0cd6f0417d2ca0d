/** `alarm-to-slack replay [--dry-run]`: the undelivered alerts, listed and re-delivered now. */
import { cliCommand, initCommand } from '../actions/hints.js';
import { type ReplayReport, replayQueue } from '../actions/replay.js';
import { leftText, replayJson, replayText } from '../actions/replay-report.js';
import { CliError, InterruptedError } from '../errors.js';
import type { StackContext } from '../resources/context.js';
import type { CommandContext } from './context.js';
import { openStack, stackName } from './stack.js';

interface ReplayOptions {
  dryRun?: boolean;
}

export async function run(options: ReplayOptions, ctx: CommandContext): Promise<void> {
  const name = stackName(ctx);
  const { io } = ctx;
  const { stack } = await openStack(ctx, name);
  const report = await replayQueue(stack, io, { dryRun: Boolean(options.dryRun) });
  io.result(replayText(io.style, stack, report), replayJson(stack, report));
  if (report.interrupted)
    throw new InterruptedError(
      'Interrupted: what was not re-delivered is back in the queue; re-run replay to go on.',
    );
  if (report.dryRun || report.remaining === 0) return;
  const failing = report.records.filter((r) => r.outcome === 'failed' || r.outcome === 'not-deleted');
  const first = failing[0]?.error;
  throw new CliError(
    `${leftText(report)}${failing.length ? `: ${failing.length} could not be delivered${first ? ` (${first})` : ''}` : ''}.`,
    { hint: retryHint(stack, report.mapping) },
  );
}

/** What happens to what is left: the mapping retries it, unless it is disabled or missing. */
function retryHint(stack: StackContext, mapping: ReplayReport['mapping']): string {
  const again = `\`${cliCommand(stack, 'replay')}\` tries again now`;
  if (mapping === 'disabled' || mapping === 'missing')
    return (
      `They stay in the queue (up to 14 days), but ${mapping === 'disabled' ? 'the event source mapping is disabled' : 'no event source mapping drains it'}, ` +
      `so nothing retries them on its own: \`${initCommand(stack)}\` ${mapping === 'disabled' ? 'enables it again' : 'creates it'}; ${again}.`
    );
  return (
    'They stay in the queue, and the event source mapping keeps retrying them (each comes back after ' +
    `its visibility timeout, for up to 14 days); ${again}.`
  );
}
