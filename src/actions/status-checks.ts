/**
 * `status`: one check per resource, in the order of the table. Adding a resource to the stack is adding
 * its check here. Pure: everything AWS said is in `StatusFound`.
 */
import type { StackContext } from '../resources/context.js';
import { checkKey, checkLogGroup, checkRole, checkTopic } from './status-core.js';
import { checkConnected, checkInvokeConfig, checkMapping, checkQueue, checkRule } from './status-delivery.js';
import {
  checkAlarm,
  checkErrors,
  checkFunction,
  checkPermission,
  checkSubscription,
} from './status-links.js';
import type { CheckResult, StatusCheck, StatusFound } from './status-types.js';

const STATUS_CHECKS: readonly StatusCheck[] = [
  checkTopic,
  checkKey,
  checkRole,
  checkLogGroup,
  checkFunction,
  checkPermission,
  checkSubscription,
  checkAlarm,
  checkQueue,
  checkInvokeConfig,
  checkMapping,
  checkRule,
  checkConnected,
  checkErrors,
];

export function evaluate(stack: StackContext, found: StatusFound): CheckResult {
  const results = STATUS_CHECKS.map((check) => check(stack, found));
  return { rows: results.flatMap((r) => r.rows), problems: results.flatMap((r) => r.problems) };
}
