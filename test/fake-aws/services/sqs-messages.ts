import type {
  ChangeMessageVisibilityRequest,
  ReceiveMessageRequest,
  SendMessageRequest,
} from '@aws-sdk/client-sqs';
import { type Env, type Handlers, md5, on } from '../env.js';
import { awsError } from '../errors.js';
import type { QueueMessage, QueueRecord } from '../types.js';
import { expire, queueByUrl } from './sqs.js';

/**
 * SQS messages: SendMessage (DelaySeconds), ReceiveMessage (1–10 messages, the queue's or the call's
 * visibility timeout, ApproximateReceiveCount and the other system attributes when asked for; a long
 * poll's WaitTimeSeconds 0–20 answers at once: the fake has every message on one server),
 * DeleteMessage (only the latest receipt handle deletes; an older one succeeds and deletes nothing,
 * as the API reference says), ChangeMessageVisibility (MessageNotInflight when the message is not
 * in flight) and their Batch forms with Successful/Failed entries.
 */
const MAX_VISIBILITY = 43_200;
const invalidValue = (message: string) =>
  awsError('InvalidParameterValue', 400, message, 'InvalidParameterValue');

interface Entry {
  Id?: string;
  ReceiptHandle?: string;
  VisibilityTimeout?: number;
}

function systemAttributes(m: QueueMessage, names: string[]): Record<string, string> {
  const all: Record<string, string> = {
    SenderId: 'AIDAFAKEUSERALICE',
    SentTimestamp: String(m.sentAt),
    ApproximateReceiveCount: String(m.receiveCount),
    ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
  };
  if (names.includes('All')) return all;
  return Object.fromEntries(names.filter((n) => all[n] !== undefined).map((n) => [n, all[n] as string]));
}

export function sqsMessageHandlers(env: Env): Handlers {
  const handleOf = (q: QueueRecord, handle: string | undefined) => {
    const [name, id] = Buffer.from(handle ?? '', 'base64')
      .toString()
      .split('\n');
    if (name !== q.name || !id)
      throw awsError(
        'ReceiptHandleIsInvalid',
        404,
        `The input receipt handle "${handle ?? ''}" is not a valid receipt handle.`,
        'ReceiptHandleIsInvalid',
      );
    return q.messages.find((m) => m.receiptHandle === handle);
  };
  const changeVisibility = (q: QueueRecord, handle: string | undefined, timeout: number | undefined) => {
    if (timeout === undefined || timeout < 0 || timeout > MAX_VISIBILITY)
      throw invalidValue(
        `Value ${timeout} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.`,
      );
    const m = handleOf(q, handle);
    if (!m || m.visibleAt <= env.now())
      throw awsError(
        'MessageNotInflight',
        400,
        'Message does not exist or is not available for visibility timeout change.',
        'AWS.SimpleQueueService.MessageNotInflight',
      );
    m.visibleAt = env.now() + timeout * 1000;
  };
  const batch = (entries: Entry[] | undefined, each: (e: Entry) => void) => {
    const list = entries ?? [];
    if (list.length === 0)
      throw awsError(
        'EmptyBatchRequest',
        400,
        'There should be at least one entry in the request.',
        'AWS.SimpleQueueService.EmptyBatchRequest',
      );
    if (list.length > 10)
      throw awsError(
        'TooManyEntriesInBatchRequest',
        400,
        `Maximum number of entries per request are 10. You have sent ${list.length}.`,
        'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      );
    if (new Set(list.map((e) => e.Id)).size !== list.length)
      throw awsError(
        'BatchEntryIdsNotDistinct',
        400,
        'Two or more batch entries in the request have the same Id.',
        'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
      );
    const Successful: Array<{ Id: string | undefined }> = [];
    const Failed: Array<{ Id: string | undefined; SenderFault: boolean; Code: string; Message: string }> = [];
    for (const e of list) {
      try {
        each(e);
        Successful.push({ Id: e.Id });
      } catch (error) {
        const x = error as { Code?: string; name: string; message: string };
        Failed.push({ Id: e.Id, SenderFault: true, Code: x.Code ?? x.name, Message: x.message });
      }
    }
    return { Successful, Failed };
  };

  return {
    'sqs.SendMessage': on<SendMessageRequest>(
      ({ QueueUrl, MessageBody, DelaySeconds, MessageAttributes }) => {
        const q = queueByUrl(env, QueueUrl);
        if (!MessageBody)
          throw awsError(
            'MissingParameter',
            400,
            'The request must contain the parameter MessageBody.',
            'MissingParameter',
          );
        const max = Number(q.attributes.MaximumMessageSize ?? 262_144);
        if (Buffer.byteLength(MessageBody) > max)
          throw invalidValue(
            `One or more parameters are invalid. Reason: Message must be shorter than ${max} bytes.`,
          );
        const delay = DelaySeconds ?? Number(q.attributes.DelaySeconds ?? 0);
        if (delay < 0 || delay > 900)
          throw invalidValue(
            `Value ${delay} for parameter DelaySeconds is invalid. Reason: must be between 0 and 900.`,
          );
        const m: QueueMessage = {
          id: env.uuid(),
          body: MessageBody,
          md5: md5(MessageBody),
          sentAt: env.now(),
          visibleAt: env.now() + delay * 1000,
          receiveCount: 0,
          ...(MessageAttributes ? { messageAttributes: MessageAttributes } : {}),
        };
        q.messages.push(m);
        return { MessageId: m.id, MD5OfMessageBody: m.md5 };
      },
    ),
    'sqs.ReceiveMessage': on<ReceiveMessageRequest>((input) => {
      const q = queueByUrl(env, input.QueueUrl);
      const max = input.MaxNumberOfMessages ?? 1;
      if (max < 1 || max > 10)
        throw invalidValue(
          `Value ${max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
        );
      const timeout = input.VisibilityTimeout ?? Number(q.attributes.VisibilityTimeout ?? 30);
      if (timeout < 0 || timeout > MAX_VISIBILITY)
        throw invalidValue(
          `Value ${timeout} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.`,
        );
      const wait = input.WaitTimeSeconds ?? 0;
      if (wait < 0 || wait > 20)
        throw invalidValue(
          `Value ${wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`,
        );
      expire(env, q);
      const now = env.now();
      const names = [
        ...(input.MessageSystemAttributeNames ?? []),
        ...((input.AttributeNames ?? []) as string[]),
      ];
      const taken = q.messages.filter((m) => m.visibleAt <= now).slice(0, max);
      const Messages = taken.map((m) => {
        m.receiveCount += 1;
        m.firstReceivedAt ??= now;
        m.visibleAt = now + timeout * 1000;
        m.receiptHandle = Buffer.from(`${q.name}\n${m.id}\n${env.serial()}`).toString('base64');
        const attributes = systemAttributes(m, names);
        return {
          MessageId: m.id,
          ReceiptHandle: m.receiptHandle,
          MD5OfBody: m.md5,
          Body: m.body,
          ...(Object.keys(attributes).length ? { Attributes: attributes } : {}),
          ...(m.messageAttributes && input.MessageAttributeNames?.length
            ? { MessageAttributes: m.messageAttributes }
            : {}),
        };
      });
      return Messages.length ? { Messages } : {};
    }),
    'sqs.DeleteMessage': on<{ QueueUrl?: string; ReceiptHandle?: string }>(({ QueueUrl, ReceiptHandle }) => {
      const q = queueByUrl(env, QueueUrl);
      const m = handleOf(q, ReceiptHandle);
      if (m) q.messages = q.messages.filter((x) => x !== m);
      return {};
    }),
    'sqs.DeleteMessageBatch': on<{ QueueUrl?: string; Entries?: Entry[] }>(({ QueueUrl, Entries }) => {
      const q = queueByUrl(env, QueueUrl);
      return batch(Entries, (e) => {
        const m = handleOf(q, e.ReceiptHandle);
        if (m) q.messages = q.messages.filter((x) => x !== m);
      });
    }),
    'sqs.ChangeMessageVisibility': on<ChangeMessageVisibilityRequest>(
      ({ QueueUrl, ReceiptHandle, VisibilityTimeout }) => {
        changeVisibility(queueByUrl(env, QueueUrl), ReceiptHandle, VisibilityTimeout);
        return {};
      },
    ),
    'sqs.ChangeMessageVisibilityBatch': on<{ QueueUrl?: string; Entries?: Entry[] }>(
      ({ QueueUrl, Entries }) => {
        const q = queueByUrl(env, QueueUrl);
        return batch(Entries, (e) => changeVisibility(q, e.ReceiptHandle, e.VisibilityTimeout));
      },
    ),
  };
}
