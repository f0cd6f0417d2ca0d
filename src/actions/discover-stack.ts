import { type AlarmFound, findAlarm } from '../resources/alarm.js';
import type { StackContext } from '../resources/context.js';
import { findFunction } from '../resources/function.js';
import type { FunctionFound } from '../resources/function-spec.js';
import { findKey, type KeyFound } from '../resources/key.js';
import { findLogGroup, type LogGroupFound } from '../resources/log-group.js';
import { findPermissions, type PermissionFound } from '../resources/permission.js';
import { findRole, type RoleFound } from '../resources/role.js';
import { findSubscriptions, type SubscriptionFound } from '../resources/subscription.js';
import { findTopic, type TopicFound } from '../resources/topic.js';

/** Every resource of a stack as it exists now (undefined / [] when missing). */
export interface StackFound {
  topic: TopicFound | undefined;
  key: KeyFound | undefined;
  role: RoleFound | undefined;
  logGroup: LogGroupFound | undefined;
  fn: FunctionFound | undefined;
  /** The function's resource-policy statements ([] when not read: see discoverStack's option). */
  permissions: PermissionFound[];
  subscriptions: SubscriptionFound[];
  alarm: AlarmFound | undefined;
}

/**
 * Reads every resource of the stack at once: one round trip (two for the key: the alias, then its
 * tags), because every name, and so the topic and function ARNs the subscription lookup needs, is
 * derived rather than looked up. Used by init (before the plan), teardown and status alike.
 * `permissions: false` skips GetPolicy (teardown removes the permission with the function).
 */
export async function discoverStack(
  stack: StackContext,
  opts: { permissions?: boolean } = {},
): Promise<StackFound> {
  const { topicArn, functionArn } = stack.arns;
  const [topic, key, role, logGroup, fn, permissions, subscriptions, alarm] = await Promise.all([
    findTopic(stack),
    findKey(stack),
    findRole(stack),
    findLogGroup(stack),
    findFunction(stack),
    opts.permissions === false ? ([] as PermissionFound[]) : findPermissions(stack),
    findSubscriptions(stack, topicArn, functionArn),
    findAlarm(stack),
  ]);
  return { topic, key, role, logGroup, fn, permissions, subscriptions, alarm };
}
