import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueueTagsCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  TagQueueCommand,
  UntagQueueCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, REGION } from './constants.js';
import { useFakeAws } from './vitest.js';

const aws = useFakeAws();
const sqs = new SQSClient({ region: REGION });
const URL = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/q`;
const create = (Attributes?: Record<string, string>, tags?: Record<string, string>) =>
  sqs.send(
    new CreateQueueCommand({
      QueueName: 'q',
      ...(Attributes ? { Attributes } : {}),
      ...(tags ? { tags } : {}),
    }),
  );
const attributes = async (...names: string[]) =>
  (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: URL, AttributeNames: names as never })))
    .Attributes ?? {};
const receive = (
  input: { MaxNumberOfMessages?: number; VisibilityTimeout?: number; WaitTimeSeconds?: number } = {},
) => sqs.send(new ReceiveMessageCommand({ QueueUrl: URL, MessageSystemAttributeNames: ['All'], ...input }));

describe('SQS queues', () => {
  it('a missing queue is QueueDoesNotExist with the query code AWS.SimpleQueueService.NonExistentQueue', async () => {
    for (const command of [
      new GetQueueUrlCommand({ QueueName: 'q' }),
      new SendMessageCommand({ QueueUrl: URL, MessageBody: 'x' }),
    ])
      await expect(sqs.send(command as never)).rejects.toMatchObject({
        name: 'QueueDoesNotExist',
        Code: 'AWS.SimpleQueueService.NonExistentQueue',
        message: 'The specified queue does not exist.',
        $metadata: { httpStatusCode: 400 },
      });
  });

  it('CreateQueue returns the queue when the attributes sent match, refuses different ones; tags on creation only', async () => {
    expect((await create({ VisibilityTimeout: '90' }, { team: 'ops' })).QueueUrl).toBe(URL);
    await expect(create({ VisibilityTimeout: '90' }, { team: 'other' })).resolves.toMatchObject({
      QueueUrl: URL,
    });
    await expect(create()).resolves.toMatchObject({ QueueUrl: URL });
    await expect(create({ MessageRetentionPeriod: '345600' })).resolves.toMatchObject({ QueueUrl: URL });
    await expect(create({ VisibilityTimeout: '30' })).rejects.toMatchObject({
      name: 'QueueNameExists',
      Code: 'QueueAlreadyExists',
      message:
        'A queue already exists with the same name and a different value for attribute VisibilityTimeout',
    });
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl: URL }))).Tags).toEqual({ team: 'ops' });
    await expect(create({ Nope: '1' })).rejects.toMatchObject({
      name: 'InvalidAttributeName',
      message: 'Unknown Attribute Nope.',
    });
  });

  it('refuses the name for 60 s after DeleteQueue', async () => {
    await create();
    await sqs.send(new DeleteQueueCommand({ QueueUrl: URL }));
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: 'q' }))).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
    });
    aws.fake.advance(59_999);
    await expect(create()).rejects.toMatchObject({
      name: 'QueueDeletedRecently',
      Code: 'AWS.SimpleQueueService.QueueDeletedRecently',
      message:
        'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
    });
    aws.fake.advance(1);
    await expect(create()).resolves.toMatchObject({ QueueUrl: URL });
  });

  it('GetQueueAttributes answers what AWS computes and holds; SetQueueAttributes and tags change them', async () => {
    await create();
    expect(await attributes('All')).toMatchObject({
      QueueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:q`,
      VisibilityTimeout: '30',
      MessageRetentionPeriod: '345600',
      SqsManagedSseEnabled: 'true',
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
      CreatedTimestamp: String(Math.floor(aws.fake.now() / 1000)),
    });
    expect(await attributes('QueueArn')).toEqual({ QueueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:q` });
    expect((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: URL }))).Attributes).toBeUndefined();
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: URL, Attributes: { VisibilityTimeout: '120' } }),
    );
    expect(await attributes('VisibilityTimeout')).toEqual({ VisibilityTimeout: '120' });
    await sqs.send(new TagQueueCommand({ QueueUrl: URL, Tags: { a: '1', b: '2' } }));
    await sqs.send(new UntagQueueCommand({ QueueUrl: URL, TagKeys: ['a'] }));
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl: URL }))).Tags).toEqual({ b: '2' });
  });
});

describe('SQS messages', () => {
  it('ReceiveMessage hides what it returns for the visibility timeout and counts receives', async () => {
    await create({ VisibilityTimeout: '30' });
    for (const body of ['one', 'two', 'three'])
      await sqs.send(new SendMessageCommand({ QueueUrl: URL, MessageBody: body }));
    const first = await receive({ MaxNumberOfMessages: 2 });
    expect(first.Messages?.map((m) => m.Body)).toEqual(['one', 'two']);
    expect(first.Messages?.[0]?.Attributes).toMatchObject({
      ApproximateReceiveCount: '1',
      SentTimestamp: String(aws.fake.now()),
    });
    expect(await attributes('ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible')).toEqual({
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '2',
    });
    expect((await receive({ MaxNumberOfMessages: 10 })).Messages?.map((m) => m.Body)).toEqual(['three']);
    expect((await receive()).Messages).toBeUndefined();
    aws.fake.advance(30_000);
    const again = await receive({ MaxNumberOfMessages: 10 });
    expect(again.Messages?.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([
      ['one', '2'],
      ['two', '2'],
      ['three', '2'],
    ]);
    await expect(receive({ MaxNumberOfMessages: 11 })).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message:
        'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
    });
    await expect(receive({ WaitTimeSeconds: 21 })).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message:
        'Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.',
    });
    // A long poll of a queue with nothing visible answers no messages (at once: nothing else could come).
    expect((await receive({ WaitTimeSeconds: 20 })).Messages).toBeUndefined();
  });

  it("refuses a message over the queue's MaximumMessageSize, and delays one by DelaySeconds", async () => {
    await create({ MaximumMessageSize: '1024', DelaySeconds: '5' });
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: URL, MessageBody: 'x'.repeat(1025) })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.',
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: URL, MessageBody: 'x'.repeat(1024) }));
    expect(await attributes('ApproximateNumberOfMessagesDelayed')).toEqual({
      ApproximateNumberOfMessagesDelayed: '1',
    });
    expect((await receive()).Messages).toBeUndefined();
    aws.fake.advance(5_000);
    expect((await receive()).Messages).toHaveLength(1);
  });

  it('only the latest receipt handle deletes; an unknown handle is ReceiptHandleIsInvalid', async () => {
    await create();
    await sqs.send(new SendMessageCommand({ QueueUrl: URL, MessageBody: 'm' }));
    const old = (await receive({ VisibilityTimeout: 0 })).Messages?.[0]?.ReceiptHandle;
    const latest = (await receive()).Messages?.[0]?.ReceiptHandle;
    await sqs.send(new DeleteMessageCommand({ QueueUrl: URL, ReceiptHandle: old }));
    expect(aws.fake.find.queue('q').messages).toHaveLength(1);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: URL, ReceiptHandle: latest }));
    expect(aws.fake.find.queue('q').messages).toHaveLength(0);
    await expect(
      sqs.send(new DeleteMessageCommand({ QueueUrl: URL, ReceiptHandle: 'bogus' })),
    ).rejects.toMatchObject({
      name: 'ReceiptHandleIsInvalid',
    });
  });

  it('ChangeMessageVisibility needs a message in flight; the batch forms report each entry', async () => {
    await create();
    for (const body of ['a', 'b'])
      await sqs.send(new SendMessageCommand({ QueueUrl: URL, MessageBody: body }));
    const [a, b] = (await receive({ MaxNumberOfMessages: 2 })).Messages ?? [];
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: URL,
        ReceiptHandle: a?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    expect((await receive()).Messages?.map((m) => m.Body)).toEqual(['a']);
    const inFlightA = aws.fake.find.queue('q').messages[0]?.receiptHandle;
    aws.fake.advance(31_000);
    await expect(
      sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: URL,
          ReceiptHandle: inFlightA,
          VisibilityTimeout: 10,
        }),
      ),
    ).rejects.toMatchObject({
      name: 'MessageNotInflight',
      Code: 'AWS.SimpleQueueService.MessageNotInflight',
    });
    const batch = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: URL,
        Entries: [
          { Id: '1', ReceiptHandle: b?.ReceiptHandle, VisibilityTimeout: 5 },
          { Id: '2', ReceiptHandle: 'bogus', VisibilityTimeout: 5 },
        ],
      }),
    );
    expect(batch.Successful).toEqual([]);
    expect(batch.Failed?.map((f) => [f.Id, f.Code, f.SenderFault])).toEqual([
      ['1', 'AWS.SimpleQueueService.MessageNotInflight', true],
      ['2', 'ReceiptHandleIsInvalid', true],
    ]);
    const handles = ((await receive({ MaxNumberOfMessages: 10 })).Messages ?? []).map((m, i) => ({
      Id: String(i),
      ReceiptHandle: m.ReceiptHandle,
    }));
    const deleted = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: URL, Entries: handles }));
    expect(deleted.Successful).toHaveLength(2);
    expect(aws.fake.find.queue('q').messages).toEqual([]);
    await expect(
      sqs.send(new DeleteMessageBatchCommand({ QueueUrl: URL, Entries: [] })),
    ).rejects.toMatchObject({
      name: 'EmptyBatchRequest',
    });
  });
});
