/**
 * The every-alarm EventBridge rule as steps and plan rows, shared by `init --every-alarm` and `connect
 * --every-alarm`: the rule `<name>-alarm-events`, its target (the function), the Lambda permission for
 * events.amazonaws.com, and last the function's `alarmEventsFilter` environment, set only once the rule
 * delivers (so the notifier never skips an SNS copy the rule does not deliver: see
 * resources/alarm-events-filter.ts). Both commands run them through the step runner, with their undo.
 */
import { deliveredFilter, filterEnvValue, intersectFilters } from '../resources/alarm-events-filter.js';
import type { Ensured, PlanItem, StackContext } from '../resources/context.js';
import { ensureFunctionEnvironment } from '../resources/function.js';
import type { FunctionEnvironment } from '../resources/function-spec.js';
import { ensurePermission, eventsPermissionSpec, planPermission } from '../resources/permission.js';
import { ensureRule, ensureRuleTarget, planRule } from '../resources/rule.js';
import { type AlarmEventFilter, describeFilter } from '../resources/rule-pattern.js';
import type { StepDone, StepPlan } from '../steps/runner.js';
import type { StackFound } from './discover-stack.js';

/** Step ids; also the keys of the JSON `steps` array. */
export const ALARM_EVENT_STEP = {
  rule: 'alarm-events-rule',
  target: 'alarm-events-target',
  permission: 'alarm-events-permission',
  filter: 'alarm-events-filter',
} as const;

/** The step that ensures the function (init) or stands for the one found (connect): its environment. */
const FUNCTION_STEP = 'function';

/** What the rule's steps and plan rows read of the stack as found. */
export type AlarmEventsFound = Pick<StackFound, 'rule' | 'permissions'>;

export function stepDone<T>(ensured: Ensured<T>): StepDone<T> {
  return {
    status: ensured.change,
    value: ensured.value,
    ...(ensured.undo ? { undo: ensured.undo } : {}),
  };
}

/**
 * The filters the function's environment holds: `interim` while the rule changes (what the rule delivers
 * both before and after the change), `final` once the rule, its target and its permission are in place.
 */
export function environmentFilters(
  stack: StackContext,
  d: AlarmEventsFound,
  desired: AlarmEventFilter | undefined,
): { interim: AlarmEventFilter | undefined; final: AlarmEventFilter | undefined } {
  const before = deliveredFilter(stack, d.rule, d.permissions);
  return { interim: intersectFilters(before, desired), final: desired };
}

/** The rule, its target and the events permission as plan rows (the function's filter is the caller's). */
export function alarmEventsPlan(
  stack: StackContext,
  d: AlarmEventsFound,
  filter: AlarmEventFilter,
): PlanItem[] {
  return [
    ...planRule(stack, d.rule, filter),
    planPermission(stack, d.permissions, eventsPermissionSpec(stack)),
  ];
}

/**
 * Adds the rule's four steps to a plan that has a `function` step whose value holds the function's
 * environment; nothing when `rule` is undefined. The filter step needs the function, the target and the
 * permission: only once the rule delivers does the notifier skip the SNS copies it delivers too.
 */
export function withAlarmEventSteps<R extends { [FUNCTION_STEP]: { environment: FunctionEnvironment } }>(
  plan: StepPlan<R>,
  stack: StackContext,
  d: AlarmEventsFound,
  rule: AlarmEventFilter | undefined,
) {
  const n = stack.names;
  return plan
    .addIf(rule, ALARM_EVENT_STEP.rule, (filter: AlarmEventFilter) => ({
      title: `EventBridge rule ${n.rule} (${describeFilter(filter)})`,
      run: async () => stepDone(await ensureRule(stack, d.rule, filter)),
    }))
    .addIf(rule, ALARM_EVENT_STEP.target, () => ({
      title: `Target of ${n.rule}: ${n.functionName}`,
      needs: [ALARM_EVENT_STEP.rule],
      run: async () => stepDone(await ensureRuleTarget(stack, d.rule?.targets)),
    }))
    .addIf(rule, ALARM_EVENT_STEP.permission, () => ({
      title: 'Lambda permission for EventBridge',
      needs: [FUNCTION_STEP],
      run: async () => stepDone(await ensurePermission(stack, d.permissions, eventsPermissionSpec(stack))),
    }))
    .addIf(rule, ALARM_EVENT_STEP.filter, (filter: AlarmEventFilter) => ({
      title: `Alarms the rule delivers, in ${n.functionName}'s environment`,
      needs: [FUNCTION_STEP, ALARM_EVENT_STEP.target, ALARM_EVENT_STEP.permission],
      run: async ({ function: fn }) =>
        stepDone(
          await ensureFunctionEnvironment(stack, fn.environment, {
            ...fn.environment,
            alarmEventsFilter: filterEnvValue(filter),
          }),
        ),
    }));
}
