/**
 * The messages of the undelivered-alert queue, for `replay`: how many there are, receiving them (hidden
 * from the event source mapping while a replay holds them), deleting those delivered, and putting the
 * others back (visible at once). Batches of at most 10, SQS's limit.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { StackContext } from './context.js';

const SQS_BATCH = 10;

const sqs = (ctx: StackContext) => ctx.clients.get(SQSClient);

interface QueueCounts {
  /** ApproximateNumberOfMessages: waiting, visible. */
  waiting: number;
  /** ApproximateNumberOfMessagesNotVisible: received by someone (the mapping, a replay) and not deleted yet. */
  inFlight: number;
  /** ApproximateNumberOfMessagesDelayed. */
  delayed: number;
}

/** GetQueueAttributes of the three counts (SQS's approximations). */
export async function queueCounts(ctx: StackContext, url: string): Promise<QueueCounts> {
  const out = await sqs(ctx).send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  const n = (name: string) => Number(out.Attributes?.[name as keyof typeof out.Attributes] ?? 0) || 0;
  return {
    waiting: n('ApproximateNumberOfMessages'),
    inFlight: n('ApproximateNumberOfMessagesNotVisible'),
    delayed: n('ApproximateNumberOfMessagesDelayed'),
  };
}

/**
 * ReceiveMessage of up to `max` messages (1–10) with every system and message attribute (what the event
 * source mapping hands the function), hidden for `visibilitySeconds`. A long poll of `waitSeconds`
 * (1–20): a short one samples only some of SQS's servers and may answer nothing while messages wait.
 */
export async function receiveMessages(
  ctx: StackContext,
  url: string,
  opts: { max: number; visibilitySeconds: number; waitSeconds: number },
): Promise<Message[]> {
  const out = await sqs(ctx).send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: opts.max,
      VisibilityTimeout: opts.visibilitySeconds,
      WaitTimeSeconds: opts.waitSeconds,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  return out.Messages ?? [];
}

type Held = Pick<Message, 'MessageId' | 'ReceiptHandle'>;

function chunks<T>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += SQS_BATCH) out.push(list.slice(i, i + SQS_BATCH));
  return out;
}

/** Entries of a batch call: Id is the position (message ids may hold characters SQS refuses in an Id). */
const entries = (messages: readonly Held[]) =>
  messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' }));

/** The message ids a batch call reported Failed, with SQS's code and message. */
function failedOf(
  messages: readonly Held[],
  failed: Array<{ Id?: string | undefined; Code?: string | undefined; Message?: string | undefined }> = [],
): Array<{ messageId: string; error: string }> {
  return failed.map((f) => ({
    messageId: messages[Number(f.Id)]?.MessageId ?? '',
    error: [f.Code, f.Message].filter(Boolean).join(': ') || 'failed',
  }));
}

/** DeleteMessageBatch of what was delivered; the entries SQS did not delete, with why. */
export async function deleteMessages(
  ctx: StackContext,
  url: string,
  messages: readonly Held[],
): Promise<Array<{ messageId: string; error: string }>> {
  const notDeleted: Array<{ messageId: string; error: string }> = [];
  for (const part of chunks(messages)) {
    const out = await sqs(ctx).send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: entries(part) }));
    notDeleted.push(...failedOf(part, out.Failed));
  }
  return notDeleted;
}

/**
 * ChangeMessageVisibilityBatch to 0: the messages are visible again at once (to the mapping, or the next
 * replay). An entry SQS refuses (its visibility timeout ran out meanwhile: MessageNotInflight) is visible
 * already; the others are returned.
 */
export async function releaseMessages(
  ctx: StackContext,
  url: string,
  messages: readonly Held[],
): Promise<Array<{ messageId: string; error: string }>> {
  const notReleased: Array<{ messageId: string; error: string }> = [];
  for (const part of chunks(messages)) {
    const out = await sqs(ctx).send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: entries(part).map((e) => ({ ...e, VisibilityTimeout: 0 })),
      }),
    );
    notReleased.push(
      ...failedOf(
        part,
        (out.Failed ?? []).filter((f) => !/MessageNotInflight/.test(f.Code ?? '')),
      ),
    );
  }
  return notReleased;
}
