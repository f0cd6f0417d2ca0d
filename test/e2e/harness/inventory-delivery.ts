import {
  DescribeRuleCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  ListTagsForResourceCommand as RuleTags,
} from '@aws-sdk/client-eventbridge';
import {
  type EventSourceMappingConfiguration,
  GetFunctionEventInvokeConfigCommand,
  ListEventSourceMappingsCommand,
} from '@aws-sdk/client-lambda';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
} from '@aws-sdk/client-sqs';
import { unlessMissing } from './aws.js';
import { all, type Ctx, taggedAmong, tagMap } from './inventory-read.js';

/**
 * The inventory's entries for the delivery path (see inventory-kinds.ts): the undelivered-alert queue,
 * the function's event invoke config (its failure destination), the mapping that drains the queue, and
 * the every-alarm rule with its targets.
 */

/** Attributes that move with traffic, not with a write (the waiting alerts): left out of the snapshot. */
const VOLATILE_QUEUE = /^Approximate/;

async function queueUrl(ctx: Ctx, QueueName: string): Promise<string | undefined> {
  const got = await unlessMissing(ctx.aws.sqs.send(new GetQueueUrlCommand({ QueueName })));
  return got?.QueueUrl;
}

async function readQueue(ctx: Ctx, QueueUrl: string) {
  const [attrs, tags] = await Promise.all([
    ctx.aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] })),
    ctx.aws.sqs.send(new ListQueueTagsCommand({ QueueUrl })),
  ]);
  const attributes = Object.fromEntries(
    Object.entries(attrs.Attributes ?? {}).filter(([k]) => !VOLATILE_QUEUE.test(k)),
  );
  return { attributes, tags: { ...tags.Tags } };
}

/** Every mapping of the function or from the queue (mappings outlive their function). */
async function mappings(ctx: Ctx): Promise<EventSourceMappingConfiguration[]> {
  const { lambda } = ctx.aws;
  const list = (input: { FunctionName?: string; EventSourceArn?: string }) =>
    all((Marker) =>
      lambda
        .send(new ListEventSourceMappingsCommand({ ...input, Marker }))
        .then((o) => [o.EventSourceMappings, o.NextMarker]),
    );
  const [byFunction, byQueue] = await Promise.all([
    unlessMissing(list({ FunctionName: ctx.names.functionName })),
    list({ EventSourceArn: ctx.arns.queue }),
  ]);
  const seen = new Map<string, EventSourceMappingConfiguration>();
  for (const m of [...(byFunction ?? []), ...byQueue]) seen.set(m.UUID ?? '', m);
  return [...seen.values()];
}

export const DELIVERY_KINDS = {
  queue: {
    async read(ctx: Ctx) {
      const url = await queueUrl(ctx, ctx.names.queue);
      const named = url ? await readQueue(ctx, url) : undefined;
      const urls = await all((NextToken) =>
        ctx.aws.sqs.send(new ListQueuesCommand({ NextToken })).then((o) => [o.QueueUrls, o.NextToken]),
      );
      const tagged = await taggedAmong(ctx, urls, (QueueUrl) =>
        ctx.aws.sqs.send(new ListQueueTagsCommand({ QueueUrl })).then((o) => ({ ...o.Tags })),
      );
      return { named, tagged };
    },
  },
  'invoke-config': {
    async read(ctx: Ctx) {
      const got = await unlessMissing(
        ctx.aws.lambda.send(
          new GetFunctionEventInvokeConfigCommand({ FunctionName: ctx.names.functionName }),
        ),
      );
      const { $metadata: _m, ...config } = got ?? { $metadata: {} };
      // Goes with its function: nothing to find elsewhere.
      return { named: got ? config : undefined, tagged: [] };
    },
  },
  mapping: {
    async read(ctx: Ctx) {
      const found = await mappings(ctx);
      const ours = found.find(
        (m) => m.EventSourceArn === ctx.arns.queue && m.FunctionArn?.split(':')[6] === ctx.names.functionName,
      );
      // LastProcessingResult changes with every batch, not with a write.
      const { LastProcessingResult: _r, ...named } = ours ?? {};
      return {
        named: ours ? named : undefined,
        tagged: found.map((m) => ({ id: m.UUID ?? '', gone: m.State === 'Deleting' })),
      };
    },
  },
  rule: {
    async read(ctx: Ctx) {
      const { events } = ctx.aws;
      const got = await unlessMissing(events.send(new DescribeRuleCommand({ Name: ctx.names.rule })));
      const named =
        got &&
        (await Promise.all([
          events.send(new ListTargetsByRuleCommand({ Rule: ctx.names.rule })),
          events.send(new RuleTags({ ResourceARN: got.Arn ?? ctx.arns.rule })),
        ]).then(([targets, tags]) => {
          const { $metadata: _m, ...rule } = got;
          return { ...rule, targets: targets.Targets ?? [], tags: tagMap(tags.Tags) };
        }));
      const rules = await all((NextToken) =>
        events.send(new ListRulesCommand({ NextToken })).then((o) => [o.Rules, o.NextToken]),
      );
      const tagged = await taggedAmong(
        ctx,
        rules.map((r) => r.Arn ?? ''),
        (ResourceARN) => events.send(new RuleTags({ ResourceARN })).then((o) => tagMap(o.Tags)),
      );
      return { named, tagged };
    },
  },
};
