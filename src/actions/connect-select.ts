/**
 * Which alarms `connect` and `disconnect` work on: named ones (all of which must exist), those whose
 * name starts with a prefix, every alarm of the region, or those picked from a checkbox list on a TTY.
 * The stack's own CPU alarm is init's to manage: never listed, and refused by name.
 */
import { UsageError } from '../errors.js';
import type { CheckboxChoice, IO } from '../io/types.js';
import type { DescribedAlarm } from '../resources/alarm-input.js';
import { alarmSummary } from '../resources/alarm-summary.js';
import { type ActionState, statesWith } from '../resources/alarm-topic.js';
import { alarmsNotifying, listAlarms } from '../resources/alarms.js';
import type { StackContext } from '../resources/context.js';
import { cliCommand } from './hints.js';
import { truncate } from './table.js';

/** connect adds the stack's topic to alarms' actions; disconnect removes it. */
export type Direction = 'connect' | 'disconnect';

export type Selection =
  | { by: 'names'; names: string[] }
  | { by: 'prefix'; prefix: string }
  | { by: 'all' }
  | { by: 'picker' };

/** In words, for messages: "the alarms named …", "every alarm of ap-northeast-2". */
export function selectionWords(stack: StackContext, selection: Selection, direction: Direction): string {
  if (selection.by === 'names') return selection.names.join(', ');
  if (selection.by === 'prefix') return `the alarms whose name starts with ${selection.prefix}`;
  if (selection.by === 'all')
    return direction === 'connect'
      ? `every alarm of ${stack.region}`
      : `every alarm that notifies ${stack.names.topic}`;
  return 'the alarms picked';
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The named alarms, each once; exit 2 naming those that do not exist (or the stack's own alarm). */
async function named(stack: StackContext, names: string[], direction: Direction): Promise<DescribedAlarm[]> {
  const wanted = [...new Set(names)];
  if (wanted.includes(stack.names.alarm)) {
    throw new UsageError(
      `${stack.names.alarm} is the stack's own CPU alarm: init sets its actions, so ${direction} leaves it alone.`,
      { hint: `\`${cliCommand(stack, 'teardown')}\` removes it with the stack.` },
    );
  }
  const found = await listAlarms(stack, { names: wanted });
  const missing = wanted.filter((n) => !found.some((a) => a.name === n)).sort(byName);
  if (missing.length > 0) {
    const list = missing.join(', ');
    throw new UsageError(
      `No alarm named ${list} in ${stack.region} (alarm names are case-sensitive). Nothing was changed.`,
      { hint: `\`${cliCommand(stack, direction)}\` on a terminal lists the alarms to pick from.` },
    );
  }
  return found;
}

/** What the checkbox list puts before each choice's line (cursor, box, space). */
const CHOICE_PREFIX = 3;

/**
 * A choice's line: the name, the state, a mark when it notifies the topic, and what it watches; on a
 * terminal, cut to its width (one line a choice: the list is redrawn as the cursor moves).
 */
function choiceLine(
  alarm: DescribedAlarm,
  width: number,
  notifying: ActionState[],
  columns?: number,
): string {
  const state = (alarm.alarm.StateValue ?? '?').padEnd(17);
  const mark = notifying.length > 0 ? `✓ connected (${notifying.join(', ')})  ` : '';
  const line = `${alarm.name.padEnd(width)}  ${state}  ${mark}${alarmSummary(alarm)}`;
  return truncate(line, columns === undefined ? undefined : columns - CHOICE_PREFIX);
}

/**
 * The checkbox list: every alarm (connect: those that notify the topic are ticked already) or those that
 * notify it (disconnect: none ticked). Unticking a connected alarm in connect's list does not disconnect it.
 */
async function pick(
  io: IO,
  stack: StackContext,
  alarms: DescribedAlarm[],
  direction: Direction,
): Promise<DescribedAlarm[]> {
  const topicArn = stack.arns.topicArn;
  const width = Math.min(Math.max(...alarms.map((a) => a.name.length)), 48);
  const choices: CheckboxChoice<string>[] = alarms.map((a) => {
    const notifying = statesWith(a.alarm, topicArn);
    return {
      name: choiceLine(a, width, notifying, io.style.width),
      value: a.name,
      short: a.name,
      description: a.alarm.AlarmDescription ? `${a.name}: ${a.alarm.AlarmDescription}` : a.name,
      ...(direction === 'connect' && notifying.length > 0 ? { checked: true } : {}),
    };
  });
  const message =
    direction === 'connect'
      ? `Alarms to send to Slack through ${stack.names.topic} (✓ connected already; unticking one does not disconnect it)`
      : `Alarms to disconnect from ${stack.names.topic}`;
  const picked = await io.ask.checkbox({ message, choices });
  return alarms.filter((a) => picked.includes(a.name));
}

/**
 * The alarms chosen, sorted by name. Names: every one must exist (exit 2, naming the others). connect
 * lists every alarm of the region (or of the prefix); disconnect only those that notify the topic.
 */
export async function selectAlarms(
  io: IO,
  stack: StackContext,
  selection: Selection,
  direction: Direction,
): Promise<DescribedAlarm[]> {
  if (selection.by === 'names') return named(stack, selection.names, direction);
  const prefix = selection.by === 'prefix' ? selection.prefix : undefined;
  const listed =
    direction === 'connect'
      ? await listAlarms(stack, prefix ? { prefix } : {})
      : (await alarmsNotifying(stack, stack.arns.topicArn)).filter((a) => a.name.startsWith(prefix ?? ''));
  const candidates = listed.filter((a) => a.name !== stack.names.alarm);
  if (selection.by !== 'picker' || candidates.length === 0) return candidates;
  return pick(io, stack, candidates, direction);
}
