/**
 * `alarm-to-slack disconnect [ALARM...] [--all] [--dry-run]`: removes the stack's topic, and only it,
 * from those alarms' actions; `disconnect --every-alarm`: removes the every-alarm rule (and its target
 * and permission) after setting the function's filter back to none.
 */
import type { Selection } from '../actions/connect.js';
import { UsageError } from '../errors.js';
import { alarmNames, failIfNotOk, type SelectOptions } from './connection.js';
import type { CommandContext } from './context.js';
import { openStack, stackName } from './stack.js';

interface DisconnectOptions extends SelectOptions {
  everyAlarm?: boolean;
}

/** Every flag checked before any AWS call (exit 2); undefined: --every-alarm. */
function validate(options: DisconnectOptions, ctx: CommandContext): Selection | undefined {
  const names = alarmNames(options.alarms);
  if (options.everyAlarm) {
    if (names.length > 0 || options.all)
      throw new UsageError(
        '--every-alarm removes the every-alarm rule: pass no alarm names and no --all with it.',
      );
    return undefined;
  }
  if (names.length > 0 && options.all)
    throw new UsageError('Choose the alarms one way: by name, or with --all.');
  if (names.length > 0) return { by: 'names', names };
  if (options.all) return { by: 'all' };
  if (ctx.io.interactive) return { by: 'picker' };
  throw new UsageError(
    'Name the alarms to disconnect, or pass --all (or --every-alarm); on a terminal, disconnect lists the connected ones to pick from.',
  );
}

export async function run(options: DisconnectOptions, ctx: CommandContext): Promise<void> {
  const name = stackName(ctx);
  const selection = validate(options, ctx);
  const dryRun = options.dryRun === true;
  const { stack } = await openStack(ctx, name);
  const { io } = ctx;
  if (!selection) {
    const { disconnectEveryAlarm } = await import('../actions/every-alarm.js');
    const { everyAlarmJson, everyAlarmText } = await import('../actions/connect-report.js');
    const report = await disconnectEveryAlarm(io, stack, { dryRun, yes: ctx.globals.yes });
    io.result(everyAlarmText(io.style, stack, report), everyAlarmJson(stack, report));
    failIfNotOk(stack, report);
    return;
  }
  const { connectAlarms } = await import('../actions/connect.js');
  const { resultJson, resultText } = await import('../actions/connect-report.js');
  const report = await connectAlarms(io, stack, {
    direction: 'disconnect',
    selection,
    states: [],
    dryRun,
    yes: ctx.globals.yes,
  });
  io.result(resultText(io.style, stack, report), resultJson(report));
  failIfNotOk(stack, report);
}
