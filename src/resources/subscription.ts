/** The topic's `lambda` subscription(s) to the function (unqualified ARN). */
import {
  paginateListSubscriptionsByTopic,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { isNotFound } from '../errors.js';
import type { Ensured, PlanItem, StackContext } from './context.js';

export interface SubscriptionFound {
  arn: string;
  endpoint: string;
  protocol: string;
}

const PROTOCOL = 'lambda';

/**
 * ListSubscriptionsByTopic (all pages), keeping protocol lambda with the function as endpoint; [] when
 * no topic. The endpoint must be the unqualified ARN: `…:function:name:alias` is a different subscription.
 */
export async function findSubscriptions(
  ctx: StackContext,
  topicArn: string,
  functionArn: string,
): Promise<SubscriptionFound[]> {
  const found: SubscriptionFound[] = [];
  const pages = paginateListSubscriptionsByTopic(
    { client: ctx.clients.get(SNSClient) },
    { TopicArn: topicArn },
  );
  try {
    for await (const page of pages) {
      for (const s of page.Subscriptions ?? []) {
        if (s.Protocol === PROTOCOL && s.Endpoint === functionArn && s.SubscriptionArn) {
          found.push({ arn: s.SubscriptionArn, endpoint: s.Endpoint, protocol: s.Protocol });
        }
      }
    }
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  return found;
}

export function planSubscription(ctx: StackContext, found: SubscriptionFound[]): PlanItem {
  const item = { resource: 'SNS subscription', name: `${ctx.names.topic} → ${ctx.names.functionName}` };
  return { ...item, action: found.length > 0 ? 'unchanged' : 'create' };
}

/** Subscribe only when none exists (never a second one). Undo unsubscribes what this call made. */
export async function ensureSubscription(
  ctx: StackContext,
  found: SubscriptionFound[],
  topicArn: string,
  functionArn: string,
): Promise<Ensured<{ arn: string }>> {
  const existing = found[0];
  if (existing) return { change: 'unchanged', value: { arn: existing.arn } };
  const out = await ctx.clients.get(SNSClient).send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: PROTOCOL,
      Endpoint: functionArn,
      ReturnSubscriptionArn: true,
    }),
  );
  const arn = out.SubscriptionArn;
  if (!arn) throw new Error(`SNS returned no subscription ARN when subscribing ${functionArn}`);
  return { change: 'created', value: { arn }, undo: () => removeSubscription(ctx, arn) };
}

/** Unsubscribe; no-op when the subscription (or its topic) is gone, or for a pending one without an ARN. */
export async function removeSubscription(ctx: StackContext, arn: string): Promise<void> {
  if (!arn.startsWith('arn:')) return; // "PendingConfirmation"/"Deleted": nothing to unsubscribe
  try {
    await ctx.clients.get(SNSClient).send(new UnsubscribeCommand({ SubscriptionArn: arn }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
