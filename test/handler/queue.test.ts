import { DecryptCommand, KMSServiceException } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { type FakeSlack, fakeSlack, OK, type Reply } from './fake-slack.js';
import {
  fixture,
  invocationRecord,
  type Json,
  makeHandler,
  snsEvent,
  snsRecord,
  sqsEvent,
  sqsRecord,
  texts,
  useNotifierMocks,
} from './harness.js';

const cpu = fixture('alarm-cpu-alarm');
const metricEvent = fixture('eventbridge-metric-alarm');
const mathEvent = fixture('eventbridge-metric-math-ok');
const compositeEvent = fixture('eventbridge-composite');
const ec2Event = {
  version: '0',
  id: 'ec2-1',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2026-11-24T10:00:00Z',
  region: 'ap-northeast-2',
  resources: [],
  detail: { state: 'stopped' },
};

const TEXTS = {
  cpu: '🔴 ALARM: mission-cpu-alarm in Asia Pacific (Seoul)',
  metric: '🔴 ALARM: orders-db-free-storage in Asia Pacific (Seoul)',
  math: '✅ RESOLVED: api/5xx rate &gt; 5% in US East (N. Virginia)',
  composite: '🔴 ALARM: prod-service-degraded in Europe (Ireland)',
  ec2: '📣 EC2 Instance State-change Notification (aws.ec2)',
};

/** Five destination records: SNS, EventBridge alarms, an EventBridge event of another kind. */
const batch = () =>
  sqsEvent(
    sqsRecord('q-1', invocationRecord(snsEvent(snsRecord('m-1', cpu)))),
    sqsRecord('q-2', invocationRecord(metricEvent)),
    sqsRecord('q-3', invocationRecord(compositeEvent)),
    sqsRecord('q-4', invocationRecord(ec2Event)),
    sqsRecord('q-5', invocationRecord(mathEvent)),
  );

const mocks = useNotifierMocks();
const { clients } = mocks;
let slack: FakeSlack;
const slackWith = async (script: Reply[]) => {
  slack = await mocks.slackWith(script);
};

describe('a batch of the undelivered queue', () => {
  it('unwraps each invocation record, posts what it holds, one a second, and reports no failure', async () => {
    await slackWith([OK]);
    const { handler, context, sleeps, logs } = makeHandler();
    await expect(handler(batch(), context)).resolves.toEqual({ batchItemFailures: [] });
    expect(texts(slack.requests)).toEqual([TEXTS.cpu, TEXTS.metric, TEXTS.composite, TEXTS.ec2, TEXTS.math]);
    expect(sleeps).toEqual([1000, 1000, 1000, 1000]);
    expect(logs.filter((l) => l.startsWith('Posted to Slack: '))).toHaveLength(5);
  });

  it('the sample batch (Lambda’s own destination record of an SNS event)', async () => {
    await slackWith([OK]);
    const { handler, context } = makeHandler();
    await expect(handler(fixture('sqs-undelivered-batch'), context)).resolves.toEqual({
      batchItemFailures: [],
    });
    expect(texts(slack.requests)).toEqual([TEXTS.cpu]);
  });

  it('a record Slack keeps answering 500 to is reported, the others are posted', async () => {
    await slackWith([
      OK,
      OK,
      { status: 500, body: 'internal_error' },
      { status: 500, body: 'internal_error' },
      OK,
    ]);
    const { handler, context, sleeps, logs } = makeHandler({ deps: { maxAttempts: 2 } });
    await expect(handler(batch(), context)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'q-3' }],
    });
    expect(texts(slack.requests)).toEqual([
      TEXTS.cpu,
      TEXTS.metric,
      TEXTS.composite,
      TEXTS.composite,
      TEXTS.ec2,
      TEXTS.math,
    ]);
    // paced from the start of each post: the 500 ms backoff counts towards the next second
    expect(sleeps).toEqual([1000, 1000, 500, 500, 1000]);
    expect(logs).toContain(
      'Record q-3 not posted, left in the queue: Slack answered 500 internal_error; gave up after 2 attempts',
    );
  });

  it('a record Slack does not answer in time is reported, the others are posted', async () => {
    await slackWith([OK, 'hang', 'hang', OK]);
    const { handler, context } = makeHandler({
      deps: { maxAttempts: 2, attemptTimeoutMs: 100, minAttemptMs: 50 },
    });
    const three = sqsEvent(...batch().Records.slice(0, 3));
    await expect(handler(three, context)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'q-2' }],
    });
    expect(texts(slack.requests)).toEqual([TEXTS.cpu, TEXTS.metric, TEXTS.metric, TEXTS.composite]);
  });

  it('a 429 within the time left is waited out (Retry-After), then the batch goes on', async () => {
    await slackWith([OK, { status: 429, body: 'rate_limited', headers: { 'retry-after': '2' } }, OK]);
    const { handler, context, sleeps } = makeHandler();
    const three = sqsEvent(...batch().Records.slice(0, 3));
    await expect(handler(three, context)).resolves.toEqual({ batchItemFailures: [] });
    expect(sleeps).toEqual([1000, 2000]);
    expect(slack.requests).toHaveLength(4);
  });

  it('a 429 beyond the time left stops the batch: that record and the rest are left in the queue, untried', async () => {
    await slackWith([OK, { status: 429, body: 'rate_limited', headers: { 'retry-after': '30' } }, OK]);
    const { handler, context, logs } = makeHandler();
    await expect(handler(batch(), context)).resolves.toEqual({
      batchItemFailures: [
        { itemIdentifier: 'q-2' },
        { itemIdentifier: 'q-3' },
        { itemIdentifier: 'q-4' },
        { itemIdentifier: 'q-5' },
      ],
    });
    expect(slack.requests).toHaveLength(2);
    expect(logs.slice(-2)).toEqual([
      'Record q-2 not posted, left in the queue: Slack answered 429 rate_limited; gave up after 1 attempt, as waiting 30000 ms more would overrun the invocation',
      '3 more records left in the queue: Slack is rate-limiting.',
    ]);
  });

  it('a 429 that keeps coming after its waits stops the batch too', async () => {
    await slackWith([{ status: 429, body: 'rate_limited', headers: { 'retry-after': '1' } }]);
    const { handler, context } = makeHandler({ deps: { maxAttempts: 3 } });
    const result = await handler(batch(), context);
    expect(result).toEqual({
      batchItemFailures: ['q-1', 'q-2', 'q-3', 'q-4', 'q-5'].map((itemIdentifier) => ({ itemIdentifier })),
    });
    expect(slack.requests).toHaveLength(3);
  });

  it('records not attempted because the invocation is running out of time are reported', async () => {
    await slackWith([OK]);
    // 4 s: posts at 4 s, 3 s and 2 s left; the fourth would start with 1 s left, the safety margin
    const { handler, context, logs } = makeHandler({ budgetMs: 4000 });
    await expect(handler(batch(), context)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'q-4' }, { itemIdentifier: 'q-5' }],
    });
    expect(slack.requests).toHaveLength(3);
    expect(logs.slice(-2)).toEqual([
      'Record q-4 not posted, left in the queue: not tried: only 2000 ms of the invocation left',
      '1 more record left in the queue: the invocation is running out of time.',
    ]);
  });

  it('a message Slack refuses (4xx) fails alone: the next one is still tried', async () => {
    await slackWith([{ status: 400, body: 'invalid_blocks' }, OK]);
    const { handler, context } = makeHandler();
    const two = sqsEvent(...batch().Records.slice(0, 2));
    await expect(handler(two, context)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'q-1' }] });
    expect(slack.requests).toHaveLength(2);
  });

  it('an invocation record of a hand-made SNS event with two records: fails as one, posted ones are not redone', async () => {
    await slackWith([OK, { status: 404, body: 'channel_not_found' }]);
    const { handler, context } = makeHandler();
    const event = sqsEvent(
      sqsRecord(
        'q-1',
        invocationRecord(snsEvent(snsRecord('m-1', cpu), snsRecord('m-2', fixture('alarm-cpu-ok')))),
      ),
    );
    await expect(handler(event, context)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'q-1' }],
    });
    slack.script([OK]);
    await expect(handler(event, context)).resolves.toEqual({ batchItemFailures: [] });
    expect(texts(slack.requests)).toEqual([
      TEXTS.cpu,
      '✅ RESOLVED: mission-cpu-alarm in Asia Pacific (Seoul)',
      '✅ RESOLVED: mission-cpu-alarm in Asia Pacific (Seoul)',
    ]);
  });
});

describe('bodies that are not invocation records', () => {
  it('an SNS or EventBridge event sent to the queue as it is', async () => {
    await slackWith([OK]);
    const { handler, context } = makeHandler();
    const event = sqsEvent(sqsRecord('q-1', snsEvent(snsRecord('m-1', cpu))), sqsRecord('q-2', metricEvent));
    await expect(handler(event, context)).resolves.toEqual({ batchItemFailures: [] });
    expect(texts(slack.requests)).toEqual([TEXTS.cpu, TEXTS.metric]);
  });

  it.each([
    [
      'text that is no JSON',
      'not json at all',
      '📣 The notifier received a string',
      '```"not json at all"```',
    ],
    [
      'JSON of another kind',
      { hello: 'world' },
      '📣 The notifier received an object with hello',
      '```{"hello":"world"}```',
    ],
    ['an empty body', '', '📣 The notifier received a string', '```""```'],
    [
      'an invocation record of {}',
      invocationRecord({}),
      '📣 The notifier received an empty object',
      '```{}```',
    ],
  ])('%s: a short message naming the queue, never a crash', async (_what, body, title, code) => {
    await slackWith([OK]);
    const { handler, context } = makeHandler();
    await expect(handler(sqsEvent(sqsRecord('q-1', body)), context)).resolves.toEqual({
      batchItemFailures: [],
    });
    const posted = JSON.parse(slack.requests[0]?.body ?? '{}') as { text: string; blocks: Json[] };
    expect(posted.text).toBe(title);
    expect(JSON.stringify(posted.blocks)).toContain(JSON.stringify(code).slice(1, -1));
    if (typeof body === 'string')
      expect(JSON.stringify(posted.blocks)).toContain('SQS queue mission-undelivered');
  });

  it('a record with no body at all, or that is not even an object', async () => {
    await slackWith([OK]);
    const { handler, context } = makeHandler();
    const { body: _, ...bare } = sqsRecord('q-1', '');
    const event = { Records: [bare, sqsRecord('q-2', metricEvent), null] };
    await expect(handler(event, context)).resolves.toEqual({ batchItemFailures: [] });
    expect(slack.requests).toHaveLength(3);
  });
});

describe('replay (the CLI invokes the function with the messages it received itself)', () => {
  it('same code path: the records to delete are the ones not listed', async () => {
    await slackWith([OK, { status: 429, body: 'rate_limited', headers: { 'retry-after': '60' } }]);
    const { handler, context } = makeHandler();
    const replay = {
      Records: batch()
        .Records.slice(0, 3)
        .map(({ messageId, receiptHandle, body, attributes, eventSource, eventSourceARN, awsRegion }) => ({
          messageId,
          receiptHandle,
          body,
          attributes,
          eventSource,
          eventSourceARN,
          awsRegion,
        })),
    };
    await expect(handler(replay, context)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'q-2' }, { itemIdentifier: 'q-3' }],
    });
  });

  it('fails the invocation when the webhook URL cannot be decrypted: nothing was posted, nothing is deleted', async () => {
    slack = await fakeSlack([OK]);
    clients.aws.kms.on(DecryptCommand).rejects(
      new KMSServiceException({
        name: 'AccessDeniedException',
        message: 'no',
        $fault: 'client',
        $metadata: {},
      }),
    );
    const { handler, context } = makeHandler();
    await expect(handler(batch(), context)).rejects.toThrow(/^Could not decrypt kmsEncryptedHookUrl/);
    expect(slack.requests).toHaveLength(0);
  });
});
