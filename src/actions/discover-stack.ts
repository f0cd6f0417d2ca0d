/**
 * Every resource of a stack as it exists now, read at once: one round trip (two for the key: the alias,
 * then its tags; the queue: its URL, then its attributes; the mapping: the list, then its tags), because
 * every name, and so every ARN the lookups need, is derived rather than looked up. Used by init (before
 * the plan), teardown and status alike.
 */
import { type AlarmFound, findAlarm } from '../resources/alarm.js';
import type { DescribedAlarm } from '../resources/alarm-input.js';
import type { ActionState } from '../resources/alarm-topic.js';
import { alarmsNotifying } from '../resources/alarms.js';
import type { StackContext } from '../resources/context.js';
import { findMapping, type MappingFound } from '../resources/event-source.js';
import { findFunction } from '../resources/function.js';
import type { FunctionFound } from '../resources/function-spec.js';
import { findInvokeConfig, type InvokeConfigFound } from '../resources/invoke-config.js';
import { findKey, type KeyFound } from '../resources/key.js';
import { findLogGroup, type LogGroupFound } from '../resources/log-group.js';
import { findPermissions, type PermissionFound } from '../resources/permission.js';
import { findQueue, type QueueFound } from '../resources/queue.js';
import { findRole, type RoleFound } from '../resources/role.js';
import { findRule, type RuleFound } from '../resources/rule.js';
import { findSubscriptions, type SubscriptionFound } from '../resources/subscription.js';
import { findTopic, type TopicFound } from '../resources/topic.js';

/** An alarm someone else made whose actions name the stack's topic (connect), and in which states. */
type ConnectedAlarm = DescribedAlarm & { states: ActionState[] };

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
  /** The undelivered-alert queue, the function's on-failure destination, and the mapping draining it. */
  queue: QueueFound | undefined;
  invokeConfig: InvokeConfigFound | undefined;
  mapping: MappingFound | undefined;
  /** The every-alarm EventBridge rule, when there is one. */
  rule: RuleFound | undefined;
  /** Alarms other than the stack's own whose actions name the topic ([] when not read). */
  connected: ConnectedAlarm[];
}

/**
 * `permissions: false` skips GetPolicy (teardown removes the statements with the function);
 * `connected: true` also reads every alarm of the region for those that notify the topic (status,
 * teardown), which init does not need.
 */
export async function discoverStack(
  stack: StackContext,
  opts: { permissions?: boolean; connected?: boolean } = {},
): Promise<StackFound> {
  const { topicArn, functionArn } = stack.arns;
  const [
    [topic, key, role, logGroup, fn, permissions, subscriptions, alarm],
    [queue, invokeConfig, mapping, rule, connected],
  ] = await Promise.all([
    Promise.all([
      findTopic(stack),
      findKey(stack),
      findRole(stack),
      findLogGroup(stack),
      findFunction(stack),
      opts.permissions === false ? ([] as PermissionFound[]) : findPermissions(stack),
      findSubscriptions(stack, topicArn, functionArn),
      findAlarm(stack),
    ]),
    Promise.all([
      findQueue(stack),
      findInvokeConfig(stack),
      findMapping(stack),
      findRule(stack),
      opts.connected ? connectedAlarms(stack) : ([] as ConnectedAlarm[]),
    ]),
  ]);
  return {
    topic,
    key,
    role,
    logGroup,
    fn,
    permissions,
    subscriptions,
    alarm,
    queue,
    invokeConfig,
    mapping,
    rule,
    connected,
  };
}

/** Every alarm notifying the topic, but the stack's own CPU alarm. */
async function connectedAlarms(stack: StackContext): Promise<ConnectedAlarm[]> {
  const all = await alarmsNotifying(stack, stack.arns.topicArn);
  return all.filter((a) => a.name !== stack.names.alarm);
}
