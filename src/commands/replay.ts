/** `alarm-to-slack replay [--dry-run]`: the undelivered alerts, listed and re-delivered now. */
import { cliCommand } from '../actions/hints.js';
import { replayQueue } from '../actions/replay.js';
import { leftText, replayJson, replayText } from '../actions/replay-report.js';
import { CliError, InterruptedError } from '../errors.js';
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
    {
      hint:
        `They stay in the queue, and the event source mapping keeps retrying them (each comes back after ` +
        `its visibility timeout, for up to 14 days); \`${cliCommand(stack, 'replay')}\` tries again now.`,
    },
  );
}
