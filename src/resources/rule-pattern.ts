/**
 * The event pattern of the every-alarm rule: CloudWatch's "CloudWatch Alarm State Change" events on the
 * default bus, in the states asked for, optionally only for alarms whose name starts with a prefix.
 * Built in one canonical form, read back from whatever text EventBridge returns, and compared by
 * meaning (key order, state order and spacing do not matter), so a re-run never rewrites an equal rule.
 */
import type { AlarmState } from '../validate.js';

/** What the rule lets through. `prefix` absent (or empty) means every alarm of the region. */
export interface AlarmEventFilter {
  states: AlarmState[];
  prefix?: string | undefined;
}

const SOURCE = 'aws.cloudwatch';
const DETAIL_TYPE = 'CloudWatch Alarm State Change';
/** The one order states are written and shown in. */
const STATE_ORDER: readonly AlarmState[] = ['ALARM', 'OK', 'INSUFFICIENT_DATA'];

/** The states without duplicates, in STATE_ORDER. */
function ordered(states: readonly AlarmState[]): AlarmState[] {
  return STATE_ORDER.filter((s) => states.includes(s));
}

/** The filter in its canonical form: ordered states, no empty prefix. */
function canonical(filter: AlarmEventFilter): { states: AlarmState[]; prefix: string | undefined } {
  return { states: ordered(filter.states), prefix: filter.prefix ? filter.prefix : undefined };
}

/**
 * The EventPattern sent with PutRule, e.g.
 * `{"source":["aws.cloudwatch"],"detail-type":["CloudWatch Alarm State Change"],"detail":{"state":{"value":["ALARM","OK"]},"alarmName":[{"prefix":"prod-"}]}}`.
 */
export function alarmEventPattern(filter: AlarmEventFilter): string {
  const { states, prefix } = canonical(filter);
  // An empty list matches nothing (EventBridge refuses it): a caller's mistake, not the user's.
  if (states.length === 0) throw new Error('The every-alarm rule needs at least one alarm state.');
  const detail = { state: { value: states }, ...(prefix ? { alarmName: [{ prefix }] } : {}) };
  return JSON.stringify({ source: [SOURCE], 'detail-type': [DETAIL_TYPE], detail });
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Has exactly these keys (the required ones, and any of the optional ones). */
function hasKeys(value: { [key: string]: Json }, required: string[], optional: string[] = []): boolean {
  const keys = Object.keys(value);
  return (
    required.every((k) => keys.includes(k)) && keys.every((k) => required.includes(k) || optional.includes(k))
  );
}

const isOnly = (value: Json | undefined, text: string) =>
  Array.isArray(value) && value.length === 1 && value[0] === text;

function isState(value: Json): value is AlarmState {
  return typeof value === 'string' && (STATE_ORDER as readonly string[]).includes(value);
}

/** The prefix of `[{"prefix": "…"}]`; undefined for any other alarmName filter. */
function prefixOf(value: Json | undefined): string | undefined {
  if (!Array.isArray(value) || value.length !== 1) return undefined;
  const only = value[0];
  if (!isObject(only) || !hasKeys(only, ['prefix'])) return undefined;
  return typeof only.prefix === 'string' ? only.prefix : undefined;
}

/**
 * The filter a rule's EventPattern expresses, or undefined when it is not of our shape (another source,
 * more conditions, an exact alarm name, text that is not JSON): such a pattern is replaced, not merged.
 */
export function readAlarmEventPattern(pattern: string | undefined): AlarmEventFilter | undefined {
  if (!pattern) return undefined;
  let doc: Json;
  try {
    doc = JSON.parse(pattern) as Json;
  } catch {
    return undefined;
  }
  if (!isObject(doc) || !hasKeys(doc, ['source', 'detail-type', 'detail'])) return undefined;
  if (!isOnly(doc.source, SOURCE) || !isOnly(doc['detail-type'], DETAIL_TYPE)) return undefined;
  const detail = doc.detail;
  if (!isObject(detail) || !hasKeys(detail, ['state'], ['alarmName'])) return undefined;
  const state = detail.state;
  if (!isObject(state) || !hasKeys(state, ['value'])) return undefined;
  const values = state.value;
  if (!Array.isArray(values) || values.length === 0 || !values.every(isState)) return undefined;
  const filter: AlarmEventFilter = { states: ordered(values.filter(isState)) };
  if (detail.alarmName === undefined) return filter;
  const prefix = prefixOf(detail.alarmName);
  return prefix === undefined ? undefined : { ...filter, ...(prefix ? { prefix } : {}) };
}

const statesText = (states: readonly AlarmState[]) => ordered(states).join(', ');
const prefixText = (prefix: string | undefined) => prefix || '(none)';

/** The filter in words, for a plan line: "states ALARM, OK, prefix prod-". */
export function describeFilter(filter: AlarmEventFilter): string {
  const { states, prefix } = canonical(filter);
  return `states ${statesText(states)}${prefix ? `, prefix ${prefix}` : ''}`;
}

/**
 * What changes from the found filter to the desired one, one line each ("states ALARM, OK → ALARM",
 * "prefix (none) → prod-"); [] when they mean the same. `found` undefined: a pattern of another shape.
 */
export function filterChanges(found: AlarmEventFilter | undefined, desired: AlarmEventFilter): string[] {
  const want = canonical(desired);
  if (!found) return [`event pattern (not an alarm state-change filter) → ${describeFilter(desired)}`];
  const have = canonical(found);
  const changes: string[] = [];
  if (statesText(have.states) !== statesText(want.states))
    changes.push(`states ${statesText(have.states)} → ${statesText(want.states)}`);
  if (have.prefix !== want.prefix)
    changes.push(`prefix ${prefixText(have.prefix)} → ${prefixText(want.prefix)}`);
  return changes;
}
