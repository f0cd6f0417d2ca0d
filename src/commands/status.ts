import { stackStatus, statusJson, statusText } from '../actions/status.js';
import { CliError } from '../errors.js';
import type { CommandContext } from './context.js';
import { openStack, stackName } from './stack.js';

/** `alarm-to-slack status`: each resource, its health, and the function's last 24 hours. */
export async function run(_options: Record<string, unknown>, ctx: CommandContext): Promise<void> {
  const name = stackName(ctx);
  const { stack, identity } = await openStack(ctx, name);
  const report = await stackStatus(stack, ctx.io);
  ctx.io.result(
    statusText(ctx.io.style, stack, identity.account, report),
    statusJson(stack, identity.account, report),
  );
  if (!report.ok) {
    const first = report.problems[0];
    throw new CliError(
      `The stack ${name} has ${report.problems.length} problem(s)${first ? `, first: ${first.resource}: ${first.problem}` : ''}`,
      { ...(first ? { hint: `Fix: ${first.fix}` } : {}) },
    );
  }
}
