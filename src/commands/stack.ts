import { type Identity, whoAmI } from '../aws/identity.js';
import { DEFAULT_STACK, stackNames } from '../names.js';
import { createStackContext, type StackContext } from '../resources/context.js';
import { validateStackName } from '../validate.js';
import type { CommandContext } from './context.js';

/** The stack name: --name, else ALARM_TO_SLACK_NAME, else the default; validated (exit 2). */
export function stackName(ctx: CommandContext): string {
  return validateStackName(ctx.globals.name ?? ctx.env.ALARM_TO_SLACK_NAME ?? DEFAULT_STACK);
}

/**
 * Connects to AWS for a stack: validates the name and region (exit 2 before any call), resolves the
 * caller (exit 1 without credentials), and builds the StackContext resource modules work with.
 */
export async function openStack(
  ctx: CommandContext,
  name = stackName(ctx),
): Promise<{ stack: StackContext; identity: Identity }> {
  const { region, clients } = await ctx.connect();
  const identity = await whoAmI(clients);
  const stack = createStackContext({
    clients,
    names: stackNames(name),
    region,
    account: identity.account,
    partition: identity.partition,
    note: (message) => ctx.io.progress.info(message),
    signal: ctx.signal,
    clock: ctx.clock,
    connection: { profile: ctx.globals.profile, endpointUrl: ctx.globals.endpointUrl },
  });
  return { stack, identity };
}
