import type {
  CreateQueueRequest,
  GetQueueAttributesRequest,
  SetQueueAttributesRequest,
  TagQueueRequest,
  UntagQueueRequest,
} from '@aws-sdk/client-sqs';
import { type Env, type Handlers, on } from '../env.js';
import { awsError } from '../errors.js';
import type { QueueRecord } from '../types.js';

/**
 * SQS queues (the JSON protocol with query compatibility: the SDK names errors by class and keeps the
 * query code, e.g. QueueDoesNotExist with Code "AWS.SimpleQueueService.NonExistentQueue").
 * CreateQueue returns the existing queue when every attribute sent has the queue's value, and refuses
 * one that differs: QueueNameExists (code QueueAlreadyExists) "A queue already exists with the same
 * name and a different value for attribute X" (localstack/localstack#6117). Tags apply on creation only.
 * For 60 s after DeleteQueue, CreateQueue of that name answers QueueDeletedRecently ("You must wait 60
 * seconds after deleting a queue before you can create another with the same name.").
 */
const QUEUE_DEFAULTS: Record<string, string> = {
  VisibilityTimeout: '30',
  MessageRetentionPeriod: '345600',
  DelaySeconds: '0',
  MaximumMessageSize: '262144',
  ReceiveMessageWaitTimeSeconds: '0',
  SqsManagedSseEnabled: 'true',
};
const SETTABLE = [
  ...Object.keys(QUEUE_DEFAULTS),
  'Policy',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'FifoQueue',
  'ContentBasedDeduplication',
];
const COMPUTED = [
  'QueueArn',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
];

const noQueue = () =>
  awsError(
    'QueueDoesNotExist',
    400,
    'The specified queue does not exist.',
    'AWS.SimpleQueueService.NonExistentQueue',
  );

export function queueByUrl(env: Env, url: string | undefined): QueueRecord {
  const q = env.state.queues.get(url?.split('/').pop() ?? '');
  if (!q || q.url !== url) throw noQueue();
  return q;
}

function checkNames(names: string[], allowed: string[]): void {
  const bad = names.find((n) => !allowed.includes(n));
  if (bad) throw awsError('InvalidAttributeName', 400, `Unknown Attribute ${bad}.`, 'InvalidAttributeName');
}

/** Drops the messages older than the queue's retention period, as SQS does. */
export function expire(env: Env, q: QueueRecord): void {
  const retention =
    Number(q.attributes.MessageRetentionPeriod ?? QUEUE_DEFAULTS.MessageRetentionPeriod) * 1000;
  q.messages = q.messages.filter((m) => env.now() - m.sentAt < retention);
}

function attributes(env: Env, q: QueueRecord): Record<string, string> {
  expire(env, q);
  const now = env.now();
  const count = (f: (m: QueueRecord['messages'][number]) => boolean) => String(q.messages.filter(f).length);
  return {
    ...q.attributes,
    QueueArn: q.arn,
    ApproximateNumberOfMessages: count((m) => m.visibleAt <= now),
    ApproximateNumberOfMessagesNotVisible: count((m) => m.visibleAt > now && m.receiveCount > 0),
    ApproximateNumberOfMessagesDelayed: count((m) => m.visibleAt > now && m.receiveCount === 0),
    CreatedTimestamp: String(Math.floor(q.createdAt / 1000)),
    LastModifiedTimestamp: String(Math.floor(q.modifiedAt / 1000)),
  };
}

export function sqsHandlers(env: Env): Handlers {
  const { state } = env;
  return {
    'sqs.CreateQueue': on<CreateQueueRequest>(({ QueueName, Attributes, tags }) => {
      const name = QueueName ?? '';
      if (!/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(name))
        throw awsError(
          'InvalidParameterValue',
          400,
          'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length',
          'InvalidParameterValue',
        );
      checkNames(Object.keys(Attributes ?? {}), SETTABLE);
      const existing = state.queues.get(name);
      if (existing) {
        const differs = Object.entries(Attributes ?? {}).find(
          ([k, v]) => (existing.attributes[k] ?? QUEUE_DEFAULTS[k]) !== v,
        );
        if (differs)
          throw awsError(
            'QueueNameExists',
            400,
            `A queue already exists with the same name and a different value for attribute ${differs[0]}`,
            'QueueAlreadyExists',
          );
        return { QueueUrl: existing.url };
      }
      const deletedAt = state.deletedQueues.get(name);
      if (deletedAt !== undefined && env.now() - deletedAt < 60_000)
        throw awsError(
          'QueueDeletedRecently',
          400,
          'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
          'AWS.SimpleQueueService.QueueDeletedRecently',
        );
      state.deletedQueues.delete(name);
      const url = `https://sqs.${env.region}.amazonaws.com/${env.account}/${name}`;
      state.queues.set(name, {
        name,
        url,
        arn: env.arn('sqs', name),
        attributes: { ...QUEUE_DEFAULTS, ...Attributes },
        tags: { ...tags },
        createdAt: env.now(),
        modifiedAt: env.now(),
        messages: [],
      });
      return { QueueUrl: url };
    }),
    'sqs.GetQueueUrl': on<{ QueueName?: string }>(({ QueueName }) => {
      const q = state.queues.get(QueueName ?? '');
      if (!q) throw noQueue();
      return { QueueUrl: q.url };
    }),
    'sqs.ListQueues': on<{ QueueNamePrefix?: string }>(({ QueueNamePrefix }) => ({
      QueueUrls: [...state.queues.values()]
        .filter((q) => q.name.startsWith(QueueNamePrefix ?? ''))
        .map((q) => q.url),
    })),
    'sqs.GetQueueAttributes': on<GetQueueAttributesRequest>(({ QueueUrl, AttributeNames }) => {
      const q = queueByUrl(env, QueueUrl);
      const names = (AttributeNames ?? []) as string[];
      checkNames(names, ['All', ...SETTABLE, ...COMPUTED]);
      if (names.length === 0) return {};
      const all = attributes(env, q);
      return {
        Attributes: names.includes('All')
          ? all
          : Object.fromEntries(names.filter((n) => all[n] !== undefined).map((n) => [n, all[n]])),
      };
    }),
    'sqs.SetQueueAttributes': on<SetQueueAttributesRequest>(({ QueueUrl, Attributes }) => {
      const q = queueByUrl(env, QueueUrl);
      checkNames(Object.keys(Attributes ?? {}), SETTABLE);
      Object.assign(q.attributes, Attributes);
      q.modifiedAt = env.now();
      return {};
    }),
    'sqs.ListQueueTags': on<{ QueueUrl?: string }>(({ QueueUrl }) => ({
      Tags: { ...queueByUrl(env, QueueUrl).tags },
    })),
    'sqs.TagQueue': on<TagQueueRequest>(({ QueueUrl, Tags }) => {
      Object.assign(queueByUrl(env, QueueUrl).tags, Tags);
      return {};
    }),
    'sqs.UntagQueue': on<UntagQueueRequest>(({ QueueUrl, TagKeys }) => {
      const q = queueByUrl(env, QueueUrl);
      for (const k of TagKeys ?? []) delete q.tags[k];
      return {};
    }),
    'sqs.PurgeQueue': on<{ QueueUrl?: string }>(({ QueueUrl }) => {
      queueByUrl(env, QueueUrl).messages = [];
      return {};
    }),
    'sqs.DeleteQueue': on<{ QueueUrl?: string }>(({ QueueUrl }) => {
      const q = queueByUrl(env, QueueUrl);
      state.queues.delete(q.name);
      state.deletedQueues.set(q.name, env.now());
      return {};
    }),
  };
}
