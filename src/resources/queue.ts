/**
 * SQS queue `<name>-undelivered`: the notifier's on-failure destination (the alerts Lambda gave up on
 * after its retries) and, through an event source mapping, its second chance. Standard queue,
 * SQS-managed encryption, 14 days' retention, and a visibility timeout six times the function's
 * timeout (AWS's recommendation for a queue that triggers a function; Lambda requires at least 1×).
 */
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  type QueueAttributeName,
  SetQueueAttributesCommand,
  SQSClient,
  TagQueueCommand,
  UntagQueueCommand,
} from '@aws-sdk/client-sqs';
import { awsErrorName, awsMessage, CliError, isNotFound } from '../errors.js';
import { STACK_TAG } from '../names.js';
import { applyAll, type Write } from './cleanup.js';
import { type Ensured, type PlanItem, type StackContext, stackTags, type Tags } from './context.js';
import { TIMEOUT_S } from './function-spec.js';
import { tagMissing, withTagPlan } from './stack-tag.js';

/** 14 days, SQS's maximum (its default is 4 days). */
const QUEUE_RETENTION_S = 1_209_600;
/** 6 × the function's timeout (15 s): 90 s. */
const QUEUE_VISIBILITY_TIMEOUT_S = 6 * TIMEOUT_S;

type Attributes = Partial<Record<QueueAttributeName, string>>;

/** The attributes CreateQueue is sent, and the ones an existing queue is brought in line with. */
const QUEUE_ATTRIBUTES = {
  MessageRetentionPeriod: String(QUEUE_RETENTION_S),
  VisibilityTimeout: String(QUEUE_VISIBILITY_TIMEOUT_S),
  SqsManagedSseEnabled: 'true',
} as const satisfies Attributes;

/** SQS refuses a deleted queue's name for 60 s (QueueDeletedRecently): wait for it this long at most. */
const DELETED_RECENTLY_BUDGET_MS = 75_000;
const DELETED_RECENTLY_POLL_MS = 5_000;

export interface QueueFound {
  url: string;
  arn: string;
  retentionSeconds: number | undefined;
  visibilityTimeoutSeconds: number | undefined;
  sqsManagedSse: boolean;
  /** Set when the queue is encrypted with a KMS key (SSE-KMS) instead. */
  kmsMasterKeyId: string | undefined;
  tags: Tags;
  /** ApproximateNumberOfMessages, …NotVisible and …Delayed: alerts waiting, being retried, delayed. */
  messages: { waiting: number; inFlight: number; delayed: number };
  /** Every attribute GetQueueAttributes (All) returned. */
  attributes: Record<string, string>;
}

const sqs = (ctx: StackContext) => ctx.clients.get(SQSClient);
const queueUrl = async (ctx: StackContext) =>
  (await sqs(ctx).send(new GetQueueUrlCommand({ QueueName: ctx.names.queue }))).QueueUrl;
const num = (value: string | undefined) => (value === undefined ? undefined : Number(value));

/**
 * GetQueueUrl (a missing queue: undefined), then GetQueueAttributes (All) and ListQueueTags in one
 * round trip; a queue deleted between the calls is as good as missing.
 */
export async function findQueue(ctx: StackContext): Promise<QueueFound | undefined> {
  let url: string | undefined;
  try {
    url = await queueUrl(ctx);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  if (!url) return undefined;
  const [attrs, tagged] = await Promise.allSettled([
    sqs(ctx).send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] })),
    sqs(ctx).send(new ListQueueTagsCommand({ QueueUrl: url })),
  ]);
  if (attrs.status === 'rejected') {
    if (isNotFound(attrs.reason)) return undefined;
    throw attrs.reason;
  }
  if (tagged.status === 'rejected') {
    if (isNotFound(tagged.reason)) return undefined; // deleted meanwhile
    throw tagged.reason;
  }
  const a: Record<string, string> = { ...attrs.value.Attributes };
  return {
    url,
    arn: a.QueueArn ?? ctx.arns.queueArn,
    retentionSeconds: num(a.MessageRetentionPeriod),
    visibilityTimeoutSeconds: num(a.VisibilityTimeout),
    sqsManagedSse: a.SqsManagedSseEnabled === 'true',
    kmsMasterKeyId: a.KmsMasterKeyId || undefined,
    tags: { ...tagged.value.Tags },
    messages: {
      waiting: num(a.ApproximateNumberOfMessages) ?? 0,
      inFlight: num(a.ApproximateNumberOfMessagesNotVisible) ?? 0,
      delayed: num(a.ApproximateNumberOfMessagesDelayed) ?? 0,
    },
    attributes: a,
  };
}

function duration(seconds: number | undefined): string {
  if (seconds === undefined) return '(default)';
  for (const [unit, size] of [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ] as const) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} s`;
}

function encryption(found: QueueFound): string {
  if (found.sqsManagedSse) return 'on';
  return found.kmsMasterKeyId ? `off (SSE-KMS with ${found.kmsMasterKeyId})` : 'off';
}

/** One change per attribute that differs from ours (the value sent for it, the line the plan shows). */
function attributeChanges(found: QueueFound): Array<{ set: Attributes; undo: Attributes; line: string }> {
  const a = found.attributes;
  const changes: Array<{ set: Attributes; undo: Attributes; line: string }> = [];
  if (found.retentionSeconds !== QUEUE_RETENTION_S)
    changes.push({
      set: { MessageRetentionPeriod: QUEUE_ATTRIBUTES.MessageRetentionPeriod },
      undo:
        a.MessageRetentionPeriod === undefined ? {} : { MessageRetentionPeriod: a.MessageRetentionPeriod },
      line: `retention ${duration(found.retentionSeconds)} → ${duration(QUEUE_RETENTION_S)}`,
    });
  if (found.visibilityTimeoutSeconds !== QUEUE_VISIBILITY_TIMEOUT_S)
    changes.push({
      set: { VisibilityTimeout: QUEUE_ATTRIBUTES.VisibilityTimeout },
      undo: a.VisibilityTimeout === undefined ? {} : { VisibilityTimeout: a.VisibilityTimeout },
      line: `visibility timeout ${found.visibilityTimeoutSeconds ?? '(default)'} s → ${QUEUE_VISIBILITY_TIMEOUT_S} s`,
    });
  if (!found.sqsManagedSse) {
    // The two encryptions exclude each other: an empty KmsMasterKeyId drops SSE-KMS; undo puts it back.
    const kms = found.kmsMasterKeyId;
    changes.push({
      set: { SqsManagedSseEnabled: 'true', ...(kms ? { KmsMasterKeyId: '' } : {}) },
      undo: {
        SqsManagedSseEnabled: 'false',
        ...(kms ? { KmsMasterKeyId: kms } : {}),
        ...(kms && a.KmsDataKeyReusePeriodSeconds
          ? { KmsDataKeyReusePeriodSeconds: a.KmsDataKeyReusePeriodSeconds }
          : {}),
      },
      line: `SQS-managed encryption ${encryption(found)} → on`,
    });
  }
  return changes;
}

function merge(parts: Attributes[]): Attributes {
  const all: Attributes = {};
  for (const part of parts) Object.assign(all, part);
  return all;
}

export function planQueue(ctx: StackContext, found: QueueFound | undefined): PlanItem {
  const item = { resource: 'SQS queue', name: ctx.names.queue };
  if (!found)
    return {
      ...item,
      action: 'create',
      changes: [
        `retention ${duration(QUEUE_RETENTION_S)}, visibility timeout ${QUEUE_VISIBILITY_TIMEOUT_S} s, SQS-managed encryption`,
      ],
    };
  const lines = attributeChanges(found).map((c) => c.line);
  const planned: PlanItem =
    lines.length === 0 ? { ...item, action: 'unchanged' } : { ...item, action: 'update', changes: lines };
  return withTagPlan(planned, found.tags, ctx.names.stack);
}

/**
 * CreateQueue with our attributes and the stack tag, waiting (saying so once) while SQS still refuses
 * the name of a queue deleted less than 60 s ago; undo deletes it. An existing queue gets one
 * SetQueueAttributes with only what differs (undo: the previous values) and, without any stack tag,
 * TagQueue (undo: UntagQueue); nothing otherwise.
 */
export async function ensureQueue(
  ctx: StackContext,
  found: QueueFound | undefined,
): Promise<Ensured<{ url: string; arn: string }>> {
  if (!found) {
    const url = await createQueue(ctx);
    if (url === undefined) {
      // Created meanwhile with other attributes (QueueNameExists): not ours to delete on undo.
      const existing = await findQueue(ctx);
      if (existing) return ensureQueue(ctx, existing);
      throw new CliError(`SQS said queue ${ctx.names.queue} exists, but it cannot be found.`);
    }
    return {
      change: 'created',
      value: { url, arn: ctx.arns.queueArn },
      undo: () => removeQueue(ctx, url),
    };
  }
  const QueueUrl = found.url;
  const value = { url: found.url, arn: found.arn };
  const writes: Write[] = [];
  const changes = attributeChanges(found);
  if (changes.length > 0) {
    const set = merge(changes.map((c) => c.set));
    const undo = merge(changes.map((c) => c.undo));
    writes.push({
      run: () => sqs(ctx).send(new SetQueueAttributesCommand({ QueueUrl, Attributes: set })),
      undo: () => sqs(ctx).send(new SetQueueAttributesCommand({ QueueUrl, Attributes: undo })),
    });
  }
  if (tagMissing(found.tags, ctx.names.stack)) {
    writes.push({
      run: () => sqs(ctx).send(new TagQueueCommand({ QueueUrl, Tags: stackTags(ctx.names.stack) })),
      undo: () => sqs(ctx).send(new UntagQueueCommand({ QueueUrl, TagKeys: [STACK_TAG] })),
    });
  }
  if (writes.length === 0) return { change: 'unchanged', value };
  const undo = await applyAll(ctx, writes, `SQS queue ${ctx.names.queue} (partly updated)`);
  return { change: 'updated', value, undo };
}

/** The new queue's URL, or undefined when a same-named queue with other attributes exists. */
async function createQueue(ctx: StackContext): Promise<string | undefined> {
  const input = {
    QueueName: ctx.names.queue,
    Attributes: { ...QUEUE_ATTRIBUTES },
    tags: stackTags(ctx.names.stack),
  };
  const started = ctx.clock.now();
  let slept = 0;
  for (;;) {
    try {
      const out = await sqs(ctx).send(new CreateQueueCommand(input));
      const url = out.QueueUrl ?? (await queueUrl(ctx));
      if (url) return url;
      throw new CliError(`SQS created queue ${ctx.names.queue} but returned no URL for it.`);
    } catch (error) {
      const name = awsErrorName(error);
      // The JSON protocol's name, and the Query protocol's code for it.
      if (name === 'QueueNameExists' || name === 'QueueAlreadyExists') return undefined;
      if (name !== 'QueueDeletedRecently') throw error;
      const elapsed = Math.max(ctx.clock.now() - started, slept);
      if (elapsed + DELETED_RECENTLY_POLL_MS > DELETED_RECENTLY_BUDGET_MS) {
        throw new CliError(
          `SQS still refused to create queue ${ctx.names.queue} after about ${Math.round(elapsed / 1000)} s; AWS said: ${awsMessage(error)}`,
          { cause: error, hint: 'Run `alarm-to-slack init` again in a minute.' },
        );
      }
      if (slept === 0)
        ctx.note(
          `Waiting for SQS: queue ${ctx.names.queue} was deleted less than 60 seconds ago, and SQS refuses its name until then…`,
        );
      await ctx.clock.sleep(DELETED_RECENTLY_POLL_MS, ctx.signal);
      slept += DELETED_RECENTLY_POLL_MS;
    }
  }
}

/** DeleteQueue (its messages go with it); no-op when already gone. */
export async function removeQueue(ctx: StackContext, url: string): Promise<void> {
  try {
    await sqs(ctx).send(new DeleteQueueCommand({ QueueUrl: url }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
