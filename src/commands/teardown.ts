/** `alarm-to-slack teardown [--pending-window <days>] [--force]` */
import { cliCommand } from '../actions/hints.js';
import { planLines, reportJson, runTeardown, summaryText } from '../actions/teardown.js';
import { discover, planRemovals } from '../actions/teardown-plan.js';
import { CancelledError, CliError, InterruptedError, UsageError } from '../errors.js';
import { validatePendingWindow } from '../validate.js';
import type { CommandContext } from './context.js';
import { openStack, stackName } from './stack.js';

interface TeardownOptions {
  pendingWindow?: string;
  force?: boolean;
}

export async function run(options: TeardownOptions, ctx: CommandContext): Promise<void> {
  // Flags first: exit 2 before any AWS call.
  const pendingWindowDays = validatePendingWindow(options.pendingWindow ?? '7');
  const force = Boolean(options.force);
  const name = stackName(ctx);
  const { io } = ctx;
  const { stack, identity } = await openStack(ctx, name);

  io.progress.info(`Looking for the stack ${name} in ${stack.region} (account ${identity.account})…`);
  const plan = planRemovals(stack, await discover(stack), { force, pendingWindowDays });
  const toRemove = plan.filter((r) => r.action !== 'skip');
  if (plan.length > 0) io.progress.info(planLines(io.style, plan));

  if (toRemove.length > 0 && !ctx.globals.yes) {
    if (!io.interactive) {
      throw new UsageError(
        `teardown would remove ${toRemove.length} resource(s) of ${name}; pass --yes to confirm when not running interactively. Nothing was removed.`,
      );
    }
    const confirmed = await io.ask.confirm({
      message: `Remove these ${toRemove.length} resource(s) of ${name} from ${stack.region}? This cannot be undone (the key can be kept for ${pendingWindowDays} days).`,
      default: false,
    });
    if (!confirmed) throw new CancelledError('Cancelled; nothing was removed.');
  }

  const report = await runTeardown(io, plan, { signal: ctx.signal, clock: ctx.clock });
  const nothing =
    plan.length === 0
      ? `Nothing to remove: no resource of the stack ${name} exists in ${stack.region}.`
      : `Nothing to remove for the stack ${name} in ${stack.region}; left in place:`;
  io.result(
    toRemove.length === 0 && plan.length === 0
      ? nothing
      : summaryText(io.style, stack, report, toRemove.length === 0 ? nothing : undefined),
    reportJson(stack, report),
  );
  if (report.interrupted)
    throw new InterruptedError('Interrupted: some resources were not removed; re-run teardown.');
  if (report.failed.length > 0) {
    throw new CliError(
      `${report.failed.length} of ${toRemove.length} removal(s) failed: ${report.failed.map((f) => `${f.resource} ${f.name}`).join(', ')}.`,
      {
        hint: `Fix the cause (see above) and re-run \`${cliCommand(stack, 'teardown')}\`; what is already gone is skipped.`,
      },
    );
  }
}
