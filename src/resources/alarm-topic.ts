/**
 * Adding our SNS topic to an alarm's action lists, and removing it again, changing nothing else. Works on
 * any Put…Input (metric or composite: both have the same three lists). Pure: no AWS call.
 */
import { CliError } from '../errors.js';

/** The three states an alarm can notify on, and the action list of each. */
export type ActionState = 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
const ACTION_LIST = {
  ALARM: 'AlarmActions',
  OK: 'OKActions',
  INSUFFICIENT_DATA: 'InsufficientDataActions',
} as const satisfies Record<ActionState, string>;
const STATES = Object.keys(ACTION_LIST) as ActionState[];

/**
 * Actions per state list. The API model caps each list (AlarmActions, OKActions, InsufficientDataActions:
 * the ResourceList shape) at 5 items, and the quotas page says "Alarm actions: 5/alarm. This quota cannot
 * be changed." AWS would reject the whole Put… call with a sixth, so we refuse before making it.
 */
export const MAX_ACTIONS_PER_STATE = 5;

/** The part of any alarm (described, or a Put…Input) that holds its actions. */
interface ActionLists {
  AlarmName?: string | undefined;
  AlarmActions?: string[] | undefined;
  OKActions?: string[] | undefined;
  InsufficientDataActions?: string[] | undefined;
}

type TopicAdded<T> =
  | {
      ok: true;
      input: T;
      /** The states whose list gained the topic ([] when every chosen list had it already). */
      changed: ActionState[];
    }
  | {
      ok: false;
      alarmName: string;
      /** The chosen states whose list is full. */
      states: ActionState[];
      limit: number;
      /** Ready to throw or report: names the alarm, the states and the limit. */
      error: CliError;
    };

/** The states whose action list contains the ARN (exactly, not as a prefix). */
export function statesWith(alarm: ActionLists, arn: string): ActionState[] {
  return STATES.filter((s) => (alarm[ACTION_LIST[s]] ?? []).includes(arn));
}

/**
 * The input with the topic added (at the end) to the list of each chosen state that lacks it. Idempotent:
 * a list that has it already is left as it is. When a list that needs it already has the maximum, an error
 * value naming the alarm, the states and the limit (nothing is changed), never an input.
 */
export function withTopic<T extends ActionLists>(
  input: T,
  topicArn: string,
  states: readonly ActionState[],
): TopicAdded<T> {
  const wanted = STATES.filter((s) => states.includes(s));
  const changed = wanted.filter((s) => !(input[ACTION_LIST[s]] ?? []).includes(topicArn));
  const full = changed.filter((s) => (input[ACTION_LIST[s]] ?? []).length >= MAX_ACTIONS_PER_STATE);
  const alarmName = input.AlarmName ?? '(unnamed)';
  if (full.length > 0) {
    const lists = full.map((s) => `${s} (${ACTION_LIST[s]})`).join(' and ');
    const error = new CliError(
      `Alarm "${alarmName}" already has ${MAX_ACTIONS_PER_STATE} actions for ${lists}, the most CloudWatch ` +
        `allows per state: ${topicArn} cannot be added. The alarm was not changed.`,
      { hint: `Remove one of its ${lists} actions, or choose other states for this alarm.` },
    );
    return { ok: false, alarmName, states: full, limit: MAX_ACTIONS_PER_STATE, error };
  }
  const next: T = { ...input };
  for (const s of changed) next[ACTION_LIST[s]] = [...(input[ACTION_LIST[s]] ?? []), topicArn];
  return { ok: true, input: next, changed };
}

/**
 * The input with every occurrence of the topic removed from all three lists, the other actions and their
 * order untouched (a list left empty stays [], which PutMetricAlarm reads as "no actions").
 */
export function withoutTopic<T extends ActionLists>(
  input: T,
  topicArn: string,
): { input: T; changed: ActionState[] } {
  const changed = statesWith(input, topicArn);
  const next: T = { ...input };
  for (const s of changed) next[ACTION_LIST[s]] = (input[ACTION_LIST[s]] ?? []).filter((a) => a !== topicArn);
  return { input: next, changed };
}
