/**
 * EventBridge rule `<name>-alarm-events` on the default bus, targeting the function: every CloudWatch
 * alarm state change of the region (optionally only alarms named with a prefix) reaches Slack without
 * touching any alarm. The rule (PutRule) and its target (PutTargets) are two writes, ensured separately.
 * EventBridge takes a rule's tags only when PutRule creates it (an update ignores them), and refuses
 * DeleteRule while the rule has targets ("Rule can't be deleted since it has targets.").
 */
import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  type DescribeRuleResponse,
  EventBridgeClient,
  ListTagsForResourceCommand,
  PutRuleCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-eventbridge';
import { isNotFound } from '../errors.js';
import { STACK_TAG } from '../names.js';
import { applyInOrder, type Write } from './cleanup.js';
import type { Ensured, PlanItem, StackContext, Tags } from './context.js';
import {
  type AlarmEventFilter,
  alarmEventPattern,
  describeFilter,
  filterChanges,
  readAlarmEventPattern,
} from './rule-pattern.js';
import { listTargets, planTarget, type RuleTargetFound, removeTargets } from './rule-target.js';
import { tagMissing, withTagPlan } from './stack-tag.js';

export type { AlarmEventFilter } from './rule-pattern.js';
export { ensureRuleTarget, type RuleTargetFound } from './rule-target.js';

export interface RuleFound {
  arn: string;
  /** ENABLED, DISABLED (or ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS). */
  state: string | undefined;
  /** The EventPattern as EventBridge returned it. */
  eventPattern: string | undefined;
  /** What that pattern lets through; undefined when it is not an alarm state-change filter of ours. */
  filter: AlarmEventFilter | undefined;
  description: string | undefined;
  tags: Tags;
  /** Every target of the rule: ours (Id `<name>-lambda`) and any someone else added. */
  targets: RuleTargetFound[];
  /** DescribeRule's answer, so that an update is undone exactly (schedule and role included). */
  raw: Omit<DescribeRuleResponse, '$metadata'>;
}

const RULE_STATE = 'ENABLED';

const events = (ctx: StackContext) => ctx.clients.get(EventBridgeClient);

function ruleDescription(ctx: StackContext): string {
  return `alarm-to-slack stack ${ctx.names.stack}: CloudWatch alarm state changes to ${ctx.names.functionName}`;
}

/** A lookup's value; undefined when EventBridge said the rule does not exist; any other error thrown. */
function orMissing<T>(result: PromiseSettledResult<T>): T | undefined {
  if (result.status === 'fulfilled') return result.value;
  if (isNotFound(result.reason)) return undefined;
  throw result.reason;
}

/**
 * DescribeRule, ListTargetsByRule (every page) and ListTagsForResource at once; undefined when
 * EventBridge says ResourceNotFoundException ("Rule … does not exist on EventBus default."). Any other
 * error (AccessDenied, throttling) surfaces.
 */
export async function findRule(ctx: StackContext): Promise<RuleFound | undefined> {
  const [described, targets, tags] = await Promise.allSettled([
    events(ctx).send(new DescribeRuleCommand({ Name: ctx.names.rule })),
    listTargets(ctx),
    events(ctx).send(new ListTagsForResourceCommand({ ResourceARN: ctx.arns.ruleArn })),
  ]);
  // A rule deleted between the calls is as good as missing.
  const d = orMissing(described);
  if (!d) return undefined;
  const listed = orMissing(targets);
  const tagged = orMissing(tags);
  if (!listed || !tagged) return undefined;
  const { $metadata: _, ...raw } = d;
  const tagMap: Tags = {};
  for (const t of tagged.Tags ?? []) if (t.Key !== undefined) tagMap[t.Key] = t.Value ?? '';
  return {
    arn: raw.Arn ?? ctx.arns.ruleArn,
    state: raw.State,
    eventPattern: raw.EventPattern,
    filter: readAlarmEventPattern(raw.EventPattern),
    description: raw.Description,
    tags: tagMap,
    targets: listed,
    raw,
  };
}

/** The rule's changes from `found` to what is wanted: filter, state, description ([] when equal). */
function ruleChanges(ctx: StackContext, found: RuleFound, filter: AlarmEventFilter): string[] {
  const changes = filterChanges(found.filter, filter);
  if (found.state !== RULE_STATE)
    changes.push(
      found.state === 'DISABLED' ? 'disabled → enabled' : `state ${found.state ?? '(none)'} → enabled`,
    );
  if (found.description !== ruleDescription(ctx)) changes.push('description updated');
  return changes;
}

/**
 * The rule's plan item (with its tag plan) and its target's: readable changes such as
 * "states ALARM, OK → ALARM", "prefix (none) → prod-", "disabled → enabled", "target added". Targets
 * someone else added are named, and left alone.
 */
export function planRule(
  ctx: StackContext,
  found: RuleFound | undefined,
  filter: AlarmEventFilter,
): PlanItem[] {
  const rule = { resource: 'EventBridge rule', name: ctx.names.rule };
  if (!found)
    return [{ ...rule, action: 'create', changes: [describeFilter(filter)] }, planTarget(ctx, undefined)];
  const changes = ruleChanges(ctx, found, filter);
  const ruleItem = withTagPlan(
    changes.length > 0 ? { ...rule, action: 'update', changes } : { ...rule, action: 'unchanged' },
    found.tags,
    ctx.names.stack,
  );
  return [ruleItem, planTarget(ctx, found.targets)];
}

/** PutRule of what we want; Tags only at creation (EventBridge ignores them on an update). */
function putRule(ctx: StackContext, filter: AlarmEventFilter, create: boolean) {
  return events(ctx).send(
    new PutRuleCommand({
      Name: ctx.names.rule,
      EventPattern: alarmEventPattern(filter),
      State: RULE_STATE,
      Description: ruleDescription(ctx),
      ...(create ? { Tags: [{ Key: STACK_TAG, Value: ctx.names.stack }] } : {}),
    }),
  );
}

/** PutRule back to what it was: PutRule replaces the whole rule, so every field it had is sent again. */
function restoreRule(ctx: StackContext, raw: RuleFound['raw']) {
  return events(ctx).send(
    new PutRuleCommand({
      Name: ctx.names.rule,
      ...(raw.EventPattern !== undefined ? { EventPattern: raw.EventPattern } : {}),
      ...(raw.ScheduleExpression !== undefined ? { ScheduleExpression: raw.ScheduleExpression } : {}),
      ...(raw.State !== undefined ? { State: raw.State } : {}),
      ...(raw.Description !== undefined ? { Description: raw.Description } : {}),
      ...(raw.RoleArn !== undefined ? { RoleArn: raw.RoleArn } : {}),
    }),
  );
}

/**
 * PutRule (pattern, ENABLED, description, stack tag) when missing; undo removes its targets, then the
 * rule. An existing rule gets PutRule only when its pattern (compared by meaning), state or description
 * differ, and TagResource when it has no stack tag at all, one after the other (EventBridge answers
 * ConcurrentModificationException to concurrent writes on a rule); undo puts the previous pattern,
 * state and description back and removes the tag added.
 */
export async function ensureRule(
  ctx: StackContext,
  found: RuleFound | undefined,
  filter: AlarmEventFilter,
): Promise<Ensured<{ arn: string }>> {
  if (!found) {
    const out = await putRule(ctx, filter, true);
    return {
      change: 'created',
      value: { arn: out.RuleArn ?? ctx.arns.ruleArn },
      undo: () => removeRule(ctx),
    };
  }
  const value = { arn: found.arn };
  const writes: Write[] = [];
  if (ruleChanges(ctx, found, filter).length > 0)
    writes.push({ run: () => putRule(ctx, filter, false), undo: () => restoreRule(ctx, found.raw) });
  if (tagMissing(found.tags, ctx.names.stack)) {
    const ResourceARN = found.arn;
    writes.push({
      run: () =>
        events(ctx).send(
          new TagResourceCommand({ ResourceARN, Tags: [{ Key: STACK_TAG, Value: ctx.names.stack }] }),
        ),
      undo: () => events(ctx).send(new UntagResourceCommand({ ResourceARN, TagKeys: [STACK_TAG] })),
    });
  }
  if (writes.length === 0) return { change: 'unchanged', value };
  const undo = await applyInOrder(ctx, writes, `EventBridge rule ${ctx.names.rule} (partly updated)`);
  return { change: 'updated', value, undo };
}

/**
 * RemoveTargets of every target (ours and any other: DeleteRule is refused while one remains), then
 * DeleteRule; no-op when the rule is gone (DeleteRule of a missing rule succeeds anyway).
 */
export async function removeRule(ctx: StackContext): Promise<void> {
  let targets: RuleTargetFound[];
  try {
    targets = await listTargets(ctx);
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  await removeTargets(
    ctx,
    targets.flatMap((t) => (t.id ? [t.id] : [])),
  );
  try {
    await events(ctx).send(new DeleteRuleCommand({ Name: ctx.names.rule }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
