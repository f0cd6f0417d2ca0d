/**
 * init's side of the every-alarm rule: which filter the rule should have after this run (asked for with
 * --every-alarm, or the stack's existing rule kept as it is), and what the function's environment says
 * of it before and after the rule changes, so that the notifier never skips an SNS copy the rule does not
 * deliver (see resources/alarm-events-filter.ts).
 */
import { deliveredFilter, intersectFilters } from '../../resources/alarm-events-filter.js';
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

/**
 * The filters the function's environment holds: `interim` while the function step runs (what the rule
 * delivers both before and after the change), `final` once the rule, its target and its permission are
 * in place.
 */
export function environmentFilters(
  stack: StackContext,
  d: Discovered,
  desired: AlarmEventFilter | undefined,
): { interim: AlarmEventFilter | undefined; final: AlarmEventFilter | undefined } {
  const before = deliveredFilter(stack, d.rule, d.permissions);
  return { interim: intersectFilters(before, desired), final: desired };
}
