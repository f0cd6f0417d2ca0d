import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  QueueDeletedRecently,
  QueueDoesNotExist,
  QueueNameExists,
  SetQueueAttributesCommand,
  SQSClient,
  TagQueueCommand,
  UntagQueueCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { isNotFound } from '../../src/errors.js';
import { CleanupError, leftBehindBy } from '../../src/resources/cleanup.js';
import {
  ensureQueue,
  findQueue,
  planQueue,
  type QueueFound,
  removeQueue,
} from '../../src/resources/queue.js';
import { ACCOUNT, REGION, testStackContext } from '../helpers/aws.js';
import { awsError, inFlight } from './fakes.js';

const sqs = mockClient(SQSClient);
beforeEach(() => sqs.reset());
afterAll(() => sqs.restore());

const NAME = 'mission-undelivered';
const URL = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${NAME}`;
const ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:${NAME}`;
const TAGS = { 'alarm-to-slack:stack': 'mission' };
const meta = { $metadata: { httpStatusCode: 400 } };
/** The replies of SQS's JSON protocol, as the SDK deserialises them (see queue-wire.test.ts). */
const missing = () => new QueueDoesNotExist({ message: 'The specified queue does not exist.', ...meta });
const deletedRecently = () =>
  new QueueDeletedRecently({
    message:
      'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
    ...meta,
  });

/** Every command sent to SQS, in order: [name, input]. */
const calls = () =>
  sqs.calls().map((c) => {
    const command = c.args[0] as { constructor: { name: string }; input: unknown };
    return [command.constructor.name, command.input];
  });
const writes = () => calls().filter(([name]) => !/^(Get|List)/.test(String(name)));

/** A queue exactly as ensureQueue makes it. */
function found(overrides: Partial<QueueFound> = {}): QueueFound {
  return {
    url: URL,
    arn: ARN,
    retentionSeconds: 1_209_600,
    visibilityTimeoutSeconds: 90,
    sqsManagedSse: true,
    kmsMasterKeyId: undefined,
    tags: TAGS,
    messages: { waiting: 0, inFlight: 0, delayed: 0 },
    attributes: {
      QueueArn: ARN,
      MessageRetentionPeriod: '1209600',
      VisibilityTimeout: '90',
      SqsManagedSseEnabled: 'true',
    },
    ...overrides,
  };
}

/** The tutorial's defaults: 4 days, 30 s, unencrypted (a queue made by hand before SSE-SQS was the default). */
const byHand = found({
  retentionSeconds: 345_600,
  visibilityTimeoutSeconds: 30,
  sqsManagedSse: false,
  tags: {},
  attributes: {
    QueueArn: ARN,
    MessageRetentionPeriod: '345600',
    VisibilityTimeout: '30',
    SqsManagedSseEnabled: 'false',
  },
});

describe('isNotFound and SQS', () => {
  it("recognises SQS's missing queue (HTTP 400) in the JSON and the Query protocol's names", () => {
    expect(isNotFound(missing())).toBe(true);
    expect(isNotFound(awsError('AWS.SimpleQueueService.NonExistentQueue', 400))).toBe(true);
    expect(isNotFound(deletedRecently())).toBe(false);
    expect(isNotFound(awsError('AccessDenied', 403))).toBe(false);
  });
});

describe('findQueue', () => {
  it('gets the URL, then attributes (All) and tags in one round trip', async () => {
    const flight = inFlight();
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: URL });
    sqs.on(GetQueueAttributesCommand).callsFake(
      flight.slow({
        Attributes: {
          QueueArn: ARN,
          MessageRetentionPeriod: '345600',
          VisibilityTimeout: '30',
          SqsManagedSseEnabled: 'true',
          ApproximateNumberOfMessages: '3',
          ApproximateNumberOfMessagesNotVisible: '1',
          ApproximateNumberOfMessagesDelayed: '2',
        },
      }),
    );
    sqs.on(ListQueueTagsCommand).callsFake(flight.slow({ Tags: TAGS }));
    const { ctx } = testStackContext();
    expect(await findQueue(ctx)).toEqual({
      url: URL,
      arn: ARN,
      retentionSeconds: 345_600,
      visibilityTimeoutSeconds: 30,
      sqsManagedSse: true,
      kmsMasterKeyId: undefined,
      tags: TAGS,
      messages: { waiting: 3, inFlight: 1, delayed: 2 },
      attributes: expect.objectContaining({ QueueArn: ARN, ApproximateNumberOfMessages: '3' }),
    });
    expect(flight.max).toBe(2);
    expect(calls()).toEqual([
      ['GetQueueUrlCommand', { QueueName: NAME }],
      ['GetQueueAttributesCommand', { QueueUrl: URL, AttributeNames: ['All'] }],
      ['ListQueueTagsCommand', { QueueUrl: URL }],
    ]);
  });

  it('reads an SSE-KMS queue as not SQS-managed, with its key', async () => {
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: URL });
    sqs
      .on(GetQueueAttributesCommand)
      .resolves({ Attributes: { SqsManagedSseEnabled: 'false', KmsMasterKeyId: 'alias/aws/sqs' } });
    sqs.on(ListQueueTagsCommand).resolves({});
    const { ctx } = testStackContext();
    expect(await findQueue(ctx)).toMatchObject({
      arn: ARN,
      sqsManagedSse: false,
      kmsMasterKeyId: 'alias/aws/sqs',
      tags: {},
      retentionSeconds: undefined,
    });
  });

  it('is undefined when SQS says QueueDoesNotExist, and asks nothing more', async () => {
    sqs.on(GetQueueUrlCommand).rejects(missing());
    const { ctx } = testStackContext();
    expect(await findQueue(ctx)).toBeUndefined();
    expect(calls().map(([name]) => name)).toEqual(['GetQueueUrlCommand']);
  });

  it('is undefined when the queue is deleted between the calls', async () => {
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: URL });
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: ARN } });
    sqs.on(ListQueueTagsCommand).rejects(missing());
    const { ctx } = testStackContext();
    expect(await findQueue(ctx)).toBeUndefined();
  });

  it('surfaces AccessDenied instead of calling the queue missing', async () => {
    sqs.on(GetQueueUrlCommand).rejects(awsError('AccessDenied', 403));
    const { ctx } = testStackContext();
    await expect(findQueue(ctx)).rejects.toThrow(/AccessDenied/);
    sqs.reset();
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: URL });
    sqs.on(GetQueueAttributesCommand).rejects(awsError('AccessDenied', 403));
    sqs.on(ListQueueTagsCommand).resolves({ Tags: TAGS });
    await expect(findQueue(ctx)).rejects.toThrow(/AccessDenied/);
  });
});

describe('planQueue', () => {
  const { ctx } = testStackContext();
  const item = { resource: 'SQS queue', name: NAME };

  it('creates a missing queue, and leaves one as ours alone', () => {
    expect(planQueue(ctx, undefined)).toEqual({
      ...item,
      action: 'create',
      changes: ['retention 14 days, visibility timeout 90 s, SQS-managed encryption'],
    });
    expect(planQueue(ctx, found())).toEqual({ ...item, action: 'unchanged' });
  });

  it('names each attribute that differs, and the tag it adds', () => {
    expect(planQueue(ctx, byHand)).toEqual({
      ...item,
      action: 'update',
      changes: [
        'retention 4 days → 14 days',
        'visibility timeout 30 s → 90 s',
        'SQS-managed encryption off → on',
        'add tag alarm-to-slack:stack=mission',
      ],
    });
    expect(planQueue(ctx, found({ retentionSeconds: 7_200 })).changes).toEqual([
      'retention 2 hours → 14 days',
    ]);
  });

  it('says an SSE-KMS queue moves to SQS-managed encryption', () => {
    const kms = found({ sqsManagedSse: false, kmsMasterKeyId: 'alias/aws/sqs' });
    expect(planQueue(ctx, kms).changes).toEqual([
      'SQS-managed encryption off (SSE-KMS with alias/aws/sqs) → on',
    ]);
  });

  it("warns about another stack's queue without claiming it", () => {
    expect(planQueue(ctx, found({ tags: { 'alarm-to-slack:stack': 'other' } }))).toEqual({
      ...item,
      action: 'unchanged',
      changes: ['tagged for stack other: teardown of this stack will skip it'],
    });
  });
});

describe('ensureQueue: a new queue', () => {
  it('creates it with our attributes and the stack tag; undo deletes it', async () => {
    sqs.on(CreateQueueCommand).resolves({ QueueUrl: URL });
    const { ctx, sleeps, notes } = testStackContext();
    const result = await ensureQueue(ctx, undefined);
    expect(result.change).toBe('created');
    expect(result.value).toEqual({ url: URL, arn: ARN });
    expect(calls()).toEqual([
      [
        'CreateQueueCommand',
        {
          QueueName: NAME,
          Attributes: {
            MessageRetentionPeriod: '1209600',
            VisibilityTimeout: '90',
            SqsManagedSseEnabled: 'true',
          },
          tags: TAGS,
        },
      ],
    ]);
    expect(sleeps).toEqual([]);
    expect(notes).toEqual([]);
    sqs.resetHistory();
    await result.undo?.();
    expect(calls()).toEqual([['DeleteQueueCommand', { QueueUrl: URL }]]);
  });

  it('waits, saying so once, while SQS refuses the name of a queue deleted less than 60 s ago', async () => {
    sqs
      .on(CreateQueueCommand)
      .rejectsOnce(deletedRecently())
      .rejectsOnce(deletedRecently())
      .resolves({ QueueUrl: URL });
    const { ctx, sleeps, notes } = testStackContext();
    expect((await ensureQueue(ctx, undefined)).change).toBe('created');
    expect(sqs.commandCalls(CreateQueueCommand)).toHaveLength(3);
    expect(sleeps).toEqual([5000, 5000]);
    expect(notes).toEqual([
      'Waiting for SQS: queue mission-undelivered was deleted less than 60 seconds ago, and SQS refuses its name until then…',
    ]);
  });

  it('gives up after about 75 s, with AWS’s words and what to do', async () => {
    sqs.on(CreateQueueCommand).rejects(deletedRecently());
    const { ctx, sleeps, notes } = testStackContext();
    const error = await ensureQueue(ctx, undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      'SQS still refused to create queue mission-undelivered after about 75 s; AWS said: QueueDeletedRecently: You must wait 60 seconds after deleting a queue before you can create another with the same name.',
    );
    expect((error as { hint?: string }).hint).toMatch(/init` again in a minute/);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(75_000);
    expect(sqs.commandCalls(CreateQueueCommand)).toHaveLength(16);
    expect(notes).toHaveLength(1);
  });

  it('stops waiting at Ctrl-C', async () => {
    sqs.on(CreateQueueCommand).rejects(deletedRecently());
    const controller = new AbortController();
    controller.abort(new Error('Interrupted.'));
    const { ctx } = testStackContext('mission', { signal: controller.signal });
    await expect(ensureQueue(ctx, undefined)).rejects.toThrow('Interrupted.');
    expect(sqs.commandCalls(CreateQueueCommand)).toHaveLength(1);
  });

  it('surfaces any other CreateQueue error at once', async () => {
    sqs.on(CreateQueueCommand).rejects(awsError('AccessDenied', 403));
    const { ctx, sleeps } = testStackContext();
    await expect(ensureQueue(ctx, undefined)).rejects.toThrow(/AccessDenied/);
    expect(sleeps).toEqual([]);
  });

  it('adopts a same-named queue created meanwhile (QueueNameExists): its undo never deletes it', async () => {
    sqs.on(CreateQueueCommand).rejects(
      new QueueNameExists({
        message:
          'A queue already exists with the same name and a different value for attribute VisibilityTimeout',
        ...meta,
      }),
    );
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: URL });
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: byHand.attributes });
    sqs.on(ListQueueTagsCommand).resolves({ Tags: TAGS });
    const { ctx } = testStackContext();
    const result = await ensureQueue(ctx, undefined);
    expect(result.change).toBe('updated');
    sqs.resetHistory();
    await result.undo?.();
    expect(calls().map(([name]) => name)).toEqual(['SetQueueAttributesCommand']);
  });
});

describe('ensureQueue: an existing queue', () => {
  it('makes no call at all when it is as wanted', async () => {
    const { ctx } = testStackContext();
    expect(await ensureQueue(ctx, found())).toEqual({ change: 'unchanged', value: { url: URL, arn: ARN } });
    expect(calls()).toEqual([]);
  });

  it('sets only what differs and tags it; undo puts the previous values back and removes the tag', async () => {
    const { ctx } = testStackContext();
    const result = await ensureQueue(ctx, byHand);
    expect(result.change).toBe('updated');
    expect(writes()).toEqual([
      [
        'SetQueueAttributesCommand',
        {
          QueueUrl: URL,
          Attributes: {
            MessageRetentionPeriod: '1209600',
            VisibilityTimeout: '90',
            SqsManagedSseEnabled: 'true',
          },
        },
      ],
      ['TagQueueCommand', { QueueUrl: URL, Tags: TAGS }],
    ]);
    sqs.resetHistory();
    await result.undo?.();
    expect(writes()).toEqual([
      [
        'SetQueueAttributesCommand',
        {
          QueueUrl: URL,
          Attributes: {
            MessageRetentionPeriod: '345600',
            VisibilityTimeout: '30',
            SqsManagedSseEnabled: 'false',
          },
        },
      ],
      ['UntagQueueCommand', { QueueUrl: URL, TagKeys: ['alarm-to-slack:stack'] }],
    ]);
  });

  it('sends one attribute when one differs', async () => {
    const { ctx } = testStackContext();
    const q = found({
      visibilityTimeoutSeconds: 30,
      attributes: { ...found().attributes, VisibilityTimeout: '30' },
    });
    const result = await ensureQueue(ctx, q);
    expect(writes()).toEqual([
      ['SetQueueAttributesCommand', { QueueUrl: URL, Attributes: { VisibilityTimeout: '90' } }],
    ]);
    sqs.resetHistory();
    await result.undo?.();
    expect(writes()).toEqual([
      ['SetQueueAttributesCommand', { QueueUrl: URL, Attributes: { VisibilityTimeout: '30' } }],
    ]);
  });

  it('drops SSE-KMS for SQS-managed encryption; undo restores the key and its reuse period', async () => {
    const { ctx } = testStackContext();
    const kms = found({
      sqsManagedSse: false,
      kmsMasterKeyId: 'alias/aws/sqs',
      attributes: {
        ...found().attributes,
        SqsManagedSseEnabled: 'false',
        KmsMasterKeyId: 'alias/aws/sqs',
        KmsDataKeyReusePeriodSeconds: '300',
      },
    });
    const result = await ensureQueue(ctx, kms);
    expect(writes()).toEqual([
      [
        'SetQueueAttributesCommand',
        { QueueUrl: URL, Attributes: { SqsManagedSseEnabled: 'true', KmsMasterKeyId: '' } },
      ],
    ]);
    sqs.resetHistory();
    await result.undo?.();
    expect(writes()).toEqual([
      [
        'SetQueueAttributesCommand',
        {
          QueueUrl: URL,
          Attributes: {
            SqsManagedSseEnabled: 'false',
            KmsMasterKeyId: 'alias/aws/sqs',
            KmsDataKeyReusePeriodSeconds: '300',
          },
        },
      ],
    ]);
  });

  it('reverts the attributes it set when tagging fails, and throws the tagging error', async () => {
    sqs.on(TagQueueCommand).rejects(awsError('AccessDenied', 403, 'no sqs:TagQueue'));
    const { ctx } = testStackContext();
    await expect(ensureQueue(ctx, byHand)).rejects.toThrow('no sqs:TagQueue');
    expect(writes().map(([name]) => name)).toEqual([
      'SetQueueAttributesCommand',
      'TagQueueCommand',
      'SetQueueAttributesCommand',
    ]);
    expect(sqs.commandCalls(SetQueueAttributesCommand)[1]?.args[0].input.Attributes).toEqual({
      MessageRetentionPeriod: '345600',
      VisibilityTimeout: '30',
      SqsManagedSseEnabled: 'false',
    });
  });

  it('says what is left half-changed when that revert fails too', async () => {
    sqs.on(TagQueueCommand).rejects(awsError('AccessDenied', 403, 'no sqs:TagQueue'));
    sqs
      .on(SetQueueAttributesCommand)
      .resolvesOnce({})
      .rejects(awsError('AccessDenied', 403, 'no more sqs:SetQueueAttributes'));
    const { ctx } = testStackContext();
    const error = await ensureQueue(ctx, byHand).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CleanupError);
    expect((error as Error).message).toMatch(/no sqs:TagQueue; reverting the rest failed too/);
    expect(leftBehindBy(error)).toEqual(['SQS queue mission-undelivered (partly updated)']);
    expect(sqs.commandCalls(UntagQueueCommand)).toHaveLength(0);
  });
});

describe('removeQueue', () => {
  it('deletes the queue by URL', async () => {
    const { ctx } = testStackContext();
    await removeQueue(ctx, URL);
    expect(calls()).toEqual([['DeleteQueueCommand', { QueueUrl: URL }]]);
  });

  it('is a no-op when it is already gone', async () => {
    sqs.on(DeleteQueueCommand).rejects(missing());
    const { ctx } = testStackContext();
    await expect(removeQueue(ctx, URL)).resolves.toBeUndefined();
  });

  it('surfaces other errors', async () => {
    sqs.on(DeleteQueueCommand).rejects(awsError('AccessDenied', 403));
    const { ctx } = testStackContext();
    await expect(removeQueue(ctx, URL)).rejects.toThrow(/AccessDenied/);
  });
});
