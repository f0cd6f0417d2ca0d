import type { Ensured, PlanItem, StackContext } from './context.js';

/** The topic's `lambda` subscription(s) to the function (unqualified ARN). CONTRACT STUB. */
export interface SubscriptionFound {
  arn: string;
  endpoint: string;
  protocol: string;
}

/** ListSubscriptionsByTopic (all pages), keeping protocol lambda with the function as endpoint; [] when no topic. */
export async function findSubscriptions(
  _ctx: StackContext,
  _topicArn: string,
  _functionArn: string,
): Promise<SubscriptionFound[]> {
  throw new Error('not implemented');
}

export function planSubscription(_ctx: StackContext, _found: SubscriptionFound[]): PlanItem {
  throw new Error('not implemented');
}

/** Subscribe only when none exists (never a second one). */
export async function ensureSubscription(
  _ctx: StackContext,
  _found: SubscriptionFound[],
  _topicArn: string,
  _functionArn: string,
): Promise<Ensured<{ arn: string }>> {
  throw new Error('not implemented');
}

export async function removeSubscription(_ctx: StackContext, _arn: string): Promise<void> {
  throw new Error('not implemented');
}
