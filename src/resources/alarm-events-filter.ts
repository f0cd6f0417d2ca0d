/**
 * The every-alarm rule's filter as the notifier reads it from its environment (`alarmEventsFilter`):
 * it skips the SNS copy of a state change the rule also delivers, so that an alarm connected both ways
 * is posted once. The value must never claim more than the rule really delivers (that would lose
 * alerts): what the rule delivers is derived from what was found, and a change goes through the
 * intersection of the old and the new filter until the rule has changed.
 */
import type { StackContext } from './context.js';
import { eventsPermissionSpec, type PermissionFound, permissionVerdict } from './permission.js';
import type { RuleFound } from './rule.js';
import type { AlarmEventFilter } from './rule-pattern.js';

/** The environment value: `{"states":["ALARM","OK"],"prefix":"prod-"}` (no prefix when none), or ''. */
export function filterEnvValue(filter: AlarmEventFilter | undefined): string {
  if (!filter || filter.states.length === 0) return '';
  return JSON.stringify({ states: filter.states, ...(filter.prefix ? { prefix: filter.prefix } : {}) });
}

/** What the found rule really delivers to the function: enabled, targeting it unchanged, permitted. */
export function deliveredFilter(
  ctx: Pick<StackContext, 'arns' | 'names' | 'account'>,
  rule: RuleFound | undefined,
  permissions: readonly PermissionFound[],
): AlarmEventFilter | undefined {
  if (!rule?.filter || rule.state !== 'ENABLED') return undefined;
  const targeted = rule.targets.some(
    (t) => t.arn === ctx.arns.functionArn && !t.raw.Input && !t.raw.InputPath && !t.raw.InputTransformer,
  );
  if (!targeted) return undefined;
  const spec = eventsPermissionSpec(ctx, rule.arn);
  return permissionVerdict(permissions, spec, ctx.account) === 'missing' ? undefined : rule.filter;
}

/** Delivered by both: the states of both, and the longer prefix when one extends the other. */
export function intersectFilters(
  a: AlarmEventFilter | undefined,
  b: AlarmEventFilter | undefined,
): AlarmEventFilter | undefined {
  if (!a || !b) return undefined;
  const states = a.states.filter((s) => b.states.includes(s));
  if (states.length === 0) return undefined;
  const pa = a.prefix ?? '';
  const pb = b.prefix ?? '';
  if (!pa.startsWith(pb) && !pb.startsWith(pa)) return undefined;
  const prefix = pa.length >= pb.length ? pa : pb;
  return { states, ...(prefix ? { prefix } : {}) };
}
