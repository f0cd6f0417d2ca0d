/** SNS topic `<name>-sns`: the alarm's action and the function's event source. */
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  ListTagsForResourceCommand,
  SNSClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import { isNotFound } from '../errors.js';
import { STACK_TAG } from '../names.js';
import type { Ensured, PlanItem, StackContext, Tags } from './context.js';
import { tagMissing, withTagPlan } from './stack-tag.js';

export interface TopicFound {
  arn: string;
  tags: Tags;
  /** The topic's attributes as SNS returns them (DisplayName, SubscriptionsConfirmed, Policy, …). */
  attributes?: Record<string, string> | undefined;
}

/**
 * GetTopicAttributes on the derived ARN and ListTagsForResource, in parallel (one round trip);
 * undefined when SNS says NotFound. Any other error (AuthorizationError, throttling) surfaces.
 */
export async function findTopic(ctx: StackContext): Promise<TopicFound | undefined> {
  const arn = ctx.arns.topicArn;
  const [attrs, tags] = await Promise.allSettled([
    ctx.clients.get(SNSClient).send(new GetTopicAttributesCommand({ TopicArn: arn })),
    ctx.clients.get(SNSClient).send(new ListTagsForResourceCommand({ ResourceArn: arn })),
  ]);
  if (attrs.status === 'rejected') {
    if (isNotFound(attrs.reason)) return undefined;
    throw attrs.reason;
  }
  if (tags.status === 'rejected') {
    // Deleted between the two calls: as good as missing.
    if (isNotFound(tags.reason)) return undefined;
    throw tags.reason;
  }
  const tagMap: Tags = {};
  for (const t of tags.value.Tags ?? []) if (t.Key !== undefined) tagMap[t.Key] = t.Value ?? '';
  return { arn: attrs.value.Attributes?.TopicArn ?? arn, tags: tagMap, attributes: attrs.value.Attributes };
}

export function planTopic(ctx: StackContext, found: TopicFound | undefined): PlanItem {
  const item: PlanItem = {
    resource: 'SNS topic',
    name: ctx.names.topic,
    action: found ? 'unchanged' : 'create',
  };
  return withTagPlan(item, found?.tags, ctx.names.stack);
}

/**
 * CreateTopic with the stack tag when missing; undo deletes what was created. An existing topic is
 * reused as it is, with no write call at all, except that one without any stack tag gets ours
 * (TagResource; undo removes exactly that tag).
 */
export async function ensureTopic(
  ctx: StackContext,
  found: TopicFound | undefined,
): Promise<Ensured<{ arn: string }>> {
  if (found) {
    const value = { arn: found.arn };
    if (!tagMissing(found.tags, ctx.names.stack)) return { change: 'unchanged', value };
    const ResourceArn = found.arn;
    await ctx.clients
      .get(SNSClient)
      .send(new TagResourceCommand({ ResourceArn, Tags: [{ Key: STACK_TAG, Value: ctx.names.stack }] }));
    const undo = async () => {
      await ctx.clients.get(SNSClient).send(new UntagResourceCommand({ ResourceArn, TagKeys: [STACK_TAG] }));
    };
    return { change: 'updated', value, undo };
  }
  const out = await ctx.clients
    .get(SNSClient)
    .send(
      new CreateTopicCommand({ Name: ctx.names.topic, Tags: [{ Key: STACK_TAG, Value: ctx.names.stack }] }),
    );
  const arn = out.TopicArn ?? ctx.arns.topicArn;
  return { change: 'created', value: { arn }, undo: () => removeTopic(ctx, arn) };
}

/** DeleteTopic (its subscriptions go with it); no-op when already gone. */
export async function removeTopic(ctx: StackContext, arn: string): Promise<void> {
  try {
    await ctx.clients.get(SNSClient).send(new DeleteTopicCommand({ TopicArn: arn }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
