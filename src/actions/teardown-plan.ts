/**
 * What teardown finds and what it will do with each resource: remove it, or skip it and why (not ours,
 * or already on its way out). No AWS writes here; the removal functions run later, as steps.
 */
import { STACK_TAG } from '../names.js';
import { removeAlarm } from '../resources/alarm.js';
import { type Ownership, ownership, type StackContext, type Tags } from '../resources/context.js';
import { removeFunction } from '../resources/function.js';
import { removeAlias, scheduleKeyDeletion } from '../resources/key.js';
import { removeLogGroup } from '../resources/log-group.js';
import { removeRole } from '../resources/role.js';
import { removeSubscription } from '../resources/subscription.js';
import { removeTopic } from '../resources/topic.js';
import { discoverStack, type StackFound } from './discover-stack.js';
import { day } from './hints.js';

type Discovered = StackFound;

/** Every lookup at once (the shared discovery; GetPolicy skipped: the permission goes with the function). */
export function discover(stack: StackContext): Promise<Discovered> {
  return discoverStack(stack, { permissions: false });
}

/** The kinds of resource, in the order they are removed (reverse dependency order). */
export type Kind = 'alarm' | 'subscription' | 'function' | 'log-group' | 'role' | 'key' | 'alias' | 'topic';

/** What each kind must wait for: nothing may still use a resource when it goes. */
export const REMOVAL_NEEDS: Record<Kind, Kind[]> = {
  alarm: [],
  subscription: [],
  // Nothing invokes the function any more once the alarm and its subscription are gone.
  function: ['alarm', 'subscription'],
  'log-group': ['function'],
  role: ['function'],
  // The function's environment is encrypted with the key.
  key: ['function'],
  // The alias is how the key is found again: it goes only once the key's deletion is scheduled.
  alias: ['key'],
  topic: ['alarm', 'subscription'],
};

const RESOURCE_LABEL: Record<Kind, string> = {
  alarm: 'CloudWatch alarm',
  subscription: 'SNS subscription',
  function: 'Lambda function',
  'log-group': 'Log group',
  role: 'IAM role',
  key: 'KMS key',
  alias: 'KMS alias',
  topic: 'SNS topic',
};

export interface Removal {
  /** The step id: the kind, numbered for subscriptions. */
  id: string;
  kind: Kind;
  resource: string;
  name: string;
  action: 'remove' | 'skip';
  /** Why it is skipped, or a note on the removal (e.g. forced). */
  reason?: string;
  /** A key already pending deletion: when KMS deletes it. */
  keyDeletionDate?: Date | undefined;
  /** Removes it; returns the words for the summary, e.g. "deletion scheduled for 2026-12-01". */
  remove?: () => Promise<RemovalDone>;
}

export interface RemovalDone {
  text: string;
  keyDeletionDate?: Date | undefined;
}

function ownerDecision(
  own: Ownership,
  tags: Tags | undefined,
  stack: string,
  force: boolean,
): Pick<Removal, 'action' | 'reason'> {
  if (own === 'ours') return { action: 'remove' };
  const why =
    own === 'other-stack'
      ? `tagged ${STACK_TAG}=${tags?.[STACK_TAG]}, another stack`
      : `not tagged ${STACK_TAG}=${stack}: not created by alarm-to-slack for this stack`;
  return force
    ? { action: 'remove', reason: `${why}; removed because of --force` }
    : { action: 'skip', reason: `${why}; --force removes it` };
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
      just(() => removeFunction(stack), 'removed, with its SNS permission'),
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
