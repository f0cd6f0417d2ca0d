/**
 * The vocabulary of teardown: the kinds of resource, what each must wait for before it goes, and a
 * removal (remove, skip and why, or disconnect) with the function that performs it.
 */
import { STACK_TAG } from '../names.js';
import type { Ownership, Tags } from '../resources/context.js';

/** The kinds of resource, in the order they are removed (reverse dependency order). */
export type Kind =
  | 'connected'
  | 'alarm'
  | 'subscription'
  | 'rule'
  | 'mapping'
  | 'function'
  | 'log-group'
  | 'role'
  | 'key'
  | 'alias'
  | 'topic'
  | 'queue';

/** What each kind must wait for: nothing may still use a resource when it goes. */
export const REMOVAL_NEEDS: Record<Kind, Kind[]> = {
  // Other people's alarms stop naming the topic before it goes (they are disconnected, never deleted).
  connected: [],
  alarm: [],
  subscription: [],
  // The rule's targets go with it: nothing is delivered to the function from EventBridge any more.
  rule: [],
  // Deleting a function does not delete its event source mappings: the mapping goes first, on its own.
  mapping: [],
  // Nothing invokes the function any more once the alarm, its subscription, the rule and the mapping are gone.
  function: ['alarm', 'subscription', 'rule', 'mapping'],
  'log-group': ['function'],
  role: ['function', 'mapping'],
  // The function's environment is encrypted with the key.
  key: ['function'],
  // The alias is how the key is found again: it goes only once the key's deletion is scheduled.
  alias: ['key'],
  topic: ['alarm', 'subscription', 'connected'],
  // The function's failure destination and the mapping's source: it goes once neither can use it.
  queue: ['mapping', 'function'],
};

export const RESOURCE_LABEL: Record<Kind, string> = {
  connected: 'Connected alarm',
  alarm: 'CloudWatch alarm',
  subscription: 'SNS subscription',
  function: 'Lambda function',
  'log-group': 'Log group',
  role: 'IAM role',
  key: 'KMS key',
  alias: 'KMS alias',
  topic: 'SNS topic',
  rule: 'EventBridge rule',
  mapping: 'Event source mapping',
  queue: 'SQS queue',
};

export interface Removal {
  /** The step id: the kind, numbered for subscriptions. */
  id: string;
  kind: Kind;
  resource: string;
  name: string;
  /** disconnect: an alarm that is not ours loses only the topic from its actions. */
  action: 'remove' | 'skip' | 'disconnect';
  /** Why it is skipped, or a note on the removal (e.g. forced). */
  reason?: string;
  /** The undelivered alerts removing it discards (the queue's messages). */
  discards?: number;
  /** A key already pending deletion: when KMS deletes it. */
  keyDeletionDate?: Date | undefined;
  /** Removes it; returns the words for the summary, e.g. "deletion scheduled for 2026-12-01". */
  remove?: () => Promise<RemovalDone>;
}

export interface RemovalDone {
  text: string;
  keyDeletionDate?: Date | undefined;
}

export function ownerDecision(
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
