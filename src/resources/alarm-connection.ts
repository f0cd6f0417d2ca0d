/**
 * Connecting one existing alarm to the stack's topic, and disconnecting it: read the alarm right before
 * the write (DescribeAlarms), re-send every field PutMetricAlarm / PutCompositeAlarm accepts unchanged
 * (alarm-input.ts), with only the topic's ARN added to (or removed from) the chosen states' action
 * lists (alarm-topic.ts). The alarm's state, tags and every other field stay as they were.
 */
import { awsMessage, CliError } from '../errors.js';
import { type AlarmKind, alarmInput, type InputOf } from './alarm-input.js';
import { type ActionState, withoutTopic, withTopic } from './alarm-topic.js';
import { describeAlarm, putAlarm } from './alarms.js';
import type { StackContext } from './context.js';

export type ConnectionOutcome =
  /** The topic was added to (or removed from) these states' actions. */
  | { kind: 'changed'; alarm: string; states: ActionState[]; actionsEnabled: boolean }
  /** Nothing to do: the topic was already there (connect) or not there (disconnect). */
  | { kind: 'unchanged'; alarm: string; actionsEnabled: boolean }
  | { kind: 'failed'; alarm: string; error: string };

/** Adds the topic to the chosen states' actions; with `dryRun`, says what it would do and writes nothing. */
export async function connectAlarm(
  ctx: StackContext,
  name: string,
  states: readonly ActionState[],
  opts: { dryRun?: boolean } = {},
): Promise<ConnectionOutcome> {
  return change(ctx, name, opts, (input) => {
    const added = withTopic(input, ctx.arns.topicArn, states);
    return added.ok ? { input: added.input, changed: added.changed } : { error: added.error };
  });
}

export async function disconnectAlarm(
  ctx: StackContext,
  name: string,
  opts: { dryRun?: boolean } = {},
): Promise<ConnectionOutcome> {
  return change(ctx, name, opts, (input) => withoutTopic(input, ctx.arns.topicArn));
}

type Edit = <T extends object>(input: T) => { input: T; changed: ActionState[] } | { error: CliError };

/** The edited input, written (unless a dry run) with the Put… call of its kind. */
async function write<K extends AlarmKind>(
  ctx: StackContext,
  kind: K,
  input: InputOf[K],
  edit: Edit,
  dryRun: boolean | undefined,
): Promise<ActionState[] | CliError> {
  const edited = edit(input);
  if ('error' in edited) return edited.error;
  if (edited.changed.length > 0 && !dryRun) await putAlarm(ctx, kind, edited.input);
  return edited.changed;
}

async function change(
  ctx: StackContext,
  name: string,
  opts: { dryRun?: boolean },
  edit: Edit,
): Promise<ConnectionOutcome> {
  try {
    const found = await describeAlarm(ctx, name);
    if (!found) return { kind: 'failed', alarm: name, error: `The alarm ${name} no longer exists.` };
    const actionsEnabled = found.alarm.ActionsEnabled !== false;
    const built = alarmInput(found);
    const changed =
      built.kind === 'metric'
        ? await write(ctx, 'metric', built.input, edit, opts.dryRun)
        : await write(ctx, 'composite', built.input, edit, opts.dryRun);
    if (changed instanceof CliError) return { kind: 'failed', alarm: name, error: changed.message };
    if (changed.length === 0) return { kind: 'unchanged', alarm: name, actionsEnabled };
    return { kind: 'changed', alarm: name, states: changed, actionsEnabled };
  } catch (error) {
    return { kind: 'failed', alarm: name, error: awsMessage(error) };
  }
}
