/**
 * What teardown finds and what it will do with each resource: remove it, or skip it and why (not ours,
 * or already on its way out). No AWS writes here; the removal functions run later, as steps.
 */
import { removeAlarm } from '../resources/alarm.js';
import { ownership, type StackContext, type Tags } from '../resources/context.js';
import { removeFunction } from '../resources/function.js';
import { removeAlias, scheduleKeyDeletion } from '../resources/key.js';
import { removeLogGroup } from '../resources/log-group.js';
import { removeRole } from '../resources/role.js';
import { removeSubscription } from '../resources/subscription.js';
import { removeTopic } from '../resources/topic.js';
import { discoverStack, type StackFound } from './discover-stack.js';
import { day } from './hints.js';
import { deliveryRemovals } from './teardown-delivery.js';
import {
  type Kind,
  ownerDecision,
  RESOURCE_LABEL,
  type Removal,
  type RemovalDone,
} from './teardown-kinds.js';

type Discovered = StackFound;

/**
 * Every lookup at once (the shared discovery; GetPolicy skipped: the permissions go with the function),
 * with the other alarms that notify the topic (they are disconnected before the topic goes).
 */
export function discover(stack: StackContext): Promise<Discovered> {
  return discoverStack(stack, { permissions: false, connected: true });
}

/** Will the topic be removed? Only then are other alarms disconnected from it. */
function topicRemoval(
  found: Discovered,
  decide: (tags: Tags | undefined) => Pick<Removal, 'action'>,
): boolean {
  return found.topic !== undefined && decide(found.topic.tags).action === 'remove';
}

/** The decisions, in removal order. */
export function planRemovals(
  stack: StackContext,
  found: Discovered,
  opts: { force: boolean; pendingWindowDays: number },
): Removal[] {
  const { names } = stack;
  const out: Removal[] = [];
  const decide = (tags: Tags | undefined) =>
    ownerDecision(ownership(tags, names.stack), tags, names.stack, opts.force);
  const add = (
    kind: Kind,
    name: string,
    decision: Pick<Removal, 'action' | 'reason'>,
    run: () => Promise<RemovalDone>,
    id: string = kind,
  ) =>
    out.push({
      id,
      kind,
      resource: RESOURCE_LABEL[kind],
      name,
      ...decision,
      ...(decision.action === 'remove' ? { remove: run } : {}),
    });
  const just =
    (remove: () => Promise<void>, text = 'removed') =>
    async (): Promise<RemovalDone> => {
      await remove();
      return { text };
    };

  if (found.alarm)
    add(
      'alarm',
      names.alarm,
      decide(found.alarm.tags),
      just(() => removeAlarm(stack)),
    );

  // A subscription links the topic to the function: it is ours when either end is.
  const ends = [found.fn?.tags, found.topic?.tags].filter((t): t is Tags => t !== undefined);
  const subDecision = ends.some((t) => ownership(t, names.stack) === 'ours')
    ? ({ action: 'remove' } as const)
    : decide(found.fn?.tags ?? found.topic?.tags);
  found.subscriptions.forEach((sub, i) => {
    const id = found.subscriptions.length === 1 ? 'subscription' : `subscription-${i + 1}`;
    const name = `${names.topic} → ${names.functionName} (${sub.arn.split(':').pop()})`;
    add(
      'subscription',
      name,
      subDecision,
      just(() => removeSubscription(stack, sub.arn)),
      id,
    );
  });

  if (found.fn) {
    add(
      'function',
      names.functionName,
      decide(found.fn.tags),
      just(() => removeFunction(stack), 'removed, with its permissions and failure destination'),
    );
  }
  if (found.logGroup)
    add(
      'log-group',
      names.logGroup,
      decide(found.logGroup.tags),
      just(() => removeLogGroup(stack)),
    );
  if (found.role) {
    add(
      'role',
      names.role,
      decide(found.role.tags),
      just(() => removeRole(stack), 'policies detached and deleted, role removed'),
    );
  }

  if (found.key) {
    const key = found.key;
    const keyDecision = decide(key.tags);
    if (key.state === 'PendingDeletion') {
      out.push({
        id: 'key',
        kind: 'key',
        resource: RESOURCE_LABEL.key,
        name: key.keyId,
        action: 'skip',
        keyDeletionDate: key.deletionDate,
        reason: `already pending deletion${key.deletionDate ? ` (deleted on ${day(key.deletionDate)})` : ''}`,
      });
    } else {
      add('key', key.keyId, keyDecision, async () => {
        const { deletionDate } = await scheduleKeyDeletion(stack, key.keyId, opts.pendingWindowDays);
        return {
          text: deletionDate ? `deletion scheduled for ${day(deletionDate)}` : 'already deleted',
          keyDeletionDate: deletionDate,
        };
      });
    }
    // The alias follows its key's ownership.
    add(
      'alias',
      names.keyAlias,
      keyDecision,
      just(() => removeAlias(stack)),
    );
  }

  out.push(...deliveryRemovals(stack, found, { decide, just, topicRemoved: topicRemoval(found, decide) }));

  const topic = found.topic;
  if (topic)
    add(
      'topic',
      names.topic,
      decide(topic.tags),
      just(() => removeTopic(stack, topic.arn)),
    );
  return out;
}
