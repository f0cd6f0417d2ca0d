import type { Ensured, PlanItem, StackContext, Tags } from './context.js';

/** SNS topic `<name>-sns`. CONTRACT STUB: implemented by the resources work. */
export interface TopicFound {
  arn: string;
  tags: Tags;
}

/** GetTopicAttributes on the derived ARN (+ ListTagsForResource, in parallel); undefined when NotFound. */
export async function findTopic(_ctx: StackContext): Promise<TopicFound | undefined> {
  throw new Error('not implemented');
}

export function planTopic(_ctx: StackContext, _found: TopicFound | undefined): PlanItem {
  throw new Error('not implemented');
}

/** CreateTopic with the stack tag when missing; undo deletes what was created. */
export async function ensureTopic(
  _ctx: StackContext,
  _found: TopicFound | undefined,
): Promise<Ensured<{ arn: string }>> {
  throw new Error('not implemented');
}

export async function removeTopic(_ctx: StackContext, _arn: string): Promise<void> {
  throw new Error('not implemented');
}
