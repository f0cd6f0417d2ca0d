import { buildHandlerZip } from '../../handler-zip.js';
import { type AlarmFound, findAlarm } from '../../resources/alarm.js';
import type { StackContext } from '../../resources/context.js';
import { type FunctionFound, findFunction } from '../../resources/function.js';
import { findKey, type KeyFound } from '../../resources/key.js';
import { findLogGroup, type LogGroupFound } from '../../resources/log-group.js';
import { findPermissions, type PermissionFound } from '../../resources/permission.js';
import { findRole, type RoleFound } from '../../resources/role.js';
import { findSubscriptions, type SubscriptionFound } from '../../resources/subscription.js';
import { findTopic, type TopicFound } from '../../resources/topic.js';

/** What exists before the run, and the deployment package (built once). */
export interface Discovered {
  topic: TopicFound | undefined;
  key: KeyFound | undefined;
  logGroup: LogGroupFound | undefined;
  role: RoleFound | undefined;
  fn: FunctionFound | undefined;
  permissions: PermissionFound[];
  subscriptions: SubscriptionFound[];
  alarm: AlarmFound | undefined;
  zip: { zip: Buffer; codeSha256: string };
}

/**
 * Reads every resource at once (one round trip on the critical path): the names, and so the topic and
 * function ARNs the subscription lookup needs, are derived, not looked up. The zip is built meanwhile.
 */
export async function discover(stack: StackContext): Promise<Discovered> {
  const { topicArn, functionArn } = stack.arns;
  const [topic, key, logGroup, role, fn, permissions, subscriptions, alarm, zip] = await Promise.all([
    findTopic(stack),
    findKey(stack),
    findLogGroup(stack),
    findRole(stack),
    findFunction(stack),
    findPermissions(stack),
    findSubscriptions(stack, topicArn, functionArn),
    findAlarm(stack),
    buildHandlerZip(),
  ]);
  return { topic, key, logGroup, role, fn, permissions, subscriptions, alarm, zip };
}
