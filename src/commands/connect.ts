/**
 * `alarm-to-slack connect [ALARM...] [--prefix <p>] [--all] [--states <list>] [--dry-run]`: adds the
 * stack's topic to the actions of alarms that exist already; `connect --every-alarm [--prefix]
 * [--states]`: the EventBridge rule that sends every alarm of the region instead, changing none.
 */
import type { Selection } from '../actions/connect.js';
import { UsageError } from '../errors.js';
import type { ActionState } from '../resources/alarm-topic.js';
import { validatePrefix, validateStates } from '../validate.js';
import { alarmNames, failIfNotOk, type SelectOptions } from './connection.js';
import type { CommandContext } from './context.js';
import { openStack, stackName } from './stack.js';

interface ConnectOptions extends SelectOptions {
  prefix?: string;
  states?: string;
  everyAlarm?: boolean;
}

const DEFAULT_STATES: ActionState[] = ['ALARM', 'OK'];

/** Every flag checked before any AWS call (exit 2). */
function validate(options: ConnectOptions, ctx: CommandContext) {
  const names = alarmNames(options.alarms);
  const states = options.states === undefined ? DEFAULT_STATES : validateStates(options.states);
  const prefix = options.prefix === undefined ? undefined : validatePrefix(options.prefix);
  if (options.everyAlarm) {
    if (names.length > 0 || options.all)
      throw new UsageError(
        '--every-alarm covers every alarm of the region (or of --prefix): pass no alarm names and no --all with it.',
      );
    return { kind: 'every', filter: { states, ...(prefix ? { prefix } : {}) } } as const;
  }
  const ways = [names.length > 0, prefix !== undefined, Boolean(options.all)].filter(Boolean).length;
  if (ways > 1) throw new UsageError('Choose the alarms one way: by name, with --prefix, or with --all.');
  let selection: Selection;
  if (names.length > 0) selection = { by: 'names', names };
  else if (prefix !== undefined) selection = { by: 'prefix', prefix };
  else if (options.all) selection = { by: 'all' };
  else if (ctx.io.interactive) selection = { by: 'picker' };
  else
    throw new UsageError(
      'Name the alarms to connect, or pass --prefix <prefix> or --all (or --every-alarm); on a terminal, connect lists them to pick from.',
    );
  return { kind: 'alarms', selection, states } as const;
}

export async function run(options: ConnectOptions, ctx: CommandContext): Promise<void> {
  const name = stackName(ctx);
  const given = validate(options, ctx);
  const dryRun = options.dryRun === true;
  const { stack } = await openStack(ctx, name);
  const { io } = ctx;
  if (given.kind === 'every') {
    const { connectEveryAlarm } = await import('../actions/every-alarm.js');
    const { everyAlarmJson, everyAlarmText } = await import('../actions/connect-report.js');
    const report = await connectEveryAlarm(io, stack, given.filter, { dryRun, yes: ctx.globals.yes });
    io.result(everyAlarmText(io.style, stack, report), everyAlarmJson(stack, report));
    failIfNotOk(stack, report);
    return;
  }
  const { connectAlarms } = await import('../actions/connect.js');
  const { resultJson, resultText } = await import('../actions/connect-report.js');
  const report = await connectAlarms(io, stack, {
    direction: 'connect',
    selection: given.selection,
    states: given.states,
    dryRun,
    yes: ctx.globals.yes,
  });
  io.result(resultText(io.style, stack, report), resultJson(report));
  failIfNotOk(stack, report);
}
