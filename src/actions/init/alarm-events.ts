/**
 * init's side of the every-alarm rule: which filter the rule should have after this run (asked for with
 * --every-alarm, or the stack's existing rule kept as it is). Its steps are in ../alarm-events-steps.ts.
 */
import { ownership, type StackContext } from '../../resources/context.js';
import type { AlarmEventFilter } from '../../resources/rule-pattern.js';
import type { InitAnswers } from './answers.js';
import type { Discovered } from './discover.js';

/** The rule's filter after the run: asked for, or the stack's own rule as found; undefined: no rule. */
export function desiredRule(
  stack: StackContext,
  d: Discovered,
  answers: InitAnswers,
): AlarmEventFilter | undefined {
  if (answers.everyAlarm) return answers.everyAlarm;
  const rule = d.rule;
  if (!rule?.filter || ownership(rule.tags, stack.names.stack) !== 'ours') return undefined;
  return rule.filter;
}
