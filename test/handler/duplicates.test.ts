import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { type FakeSlack, OK, type Reply } from './fake-slack.js';
import {
  eventFor,
  fixture,
  invocationRecord,
  makeHandler,
  QUEUE_URL,
  snsEvent,
  snsRecord,
  sqsEvent,
  sqsRecord,
  texts,
  useNotifierMocks,
} from './harness.js';

// Delivery is at least once on every path: these show which repeats one container recognises (the alert's own
// identity, sns:<MessageId> or events:<id>, whatever wraps it) and which remain possible.
const cpu = fixture('alarm-cpu-alarm');
const notification = snsEvent(snsRecord('m-1', cpu));
const event = eventFor(fixture('alarm-cpu-ok'), 'evt-7');
const TEXT = '🔴 ALARM: mission-cpu-alarm in Asia Pacific (Seoul)';
const RATE_LIMITED: Reply = { status: 429, body: 'rate_limited', headers: { 'retry-after': '1' } };

const mocks = useNotifierMocks();
const { clients } = mocks;
let slack: FakeSlack;
const slackWith = async (script: Reply[]) => {
  slack = await mocks.slackWith(script);
};

describe('on one container, an alert Slack accepted is not posted again', () => {
  it('whichever path brings it back: direct again, the destination record, a hand-off record, a replay', async () => {
    await slackWith([OK]);
    const { handler, context, logs } = makeHandler();
    await expect(handler(notification, context)).resolves.toEqual({ delivered: 1 });
    await expect(handler(event, context)).resolves.toEqual({ delivered: 1 });
    // SNS / EventBridge deliver the same again (at least once)
    await expect(handler(notification, context)).resolves.toEqual({ delivered: 0, skipped: 1 });
    await expect(handler(event, context)).resolves.toEqual({ delivered: 0, skipped: 1 });
    // the queue hands them back: destination records, a raw event, a RateLimited record, the CLI's replay
    const batch = sqsEvent(
      sqsRecord('q-1', invocationRecord(notification)),
      sqsRecord('q-2', invocationRecord(event)),
      sqsRecord('q-3', event),
      sqsRecord('q-4', invocationRecord(notification, 'RateLimited')),
    );
    await expect(handler(batch, context)).resolves.toEqual({ batchItemFailures: [] });
    await expect(handler(batch, context)).resolves.toEqual({ batchItemFailures: [] });
    expect(texts(slack.requests)).toEqual([TEXT, '✅ RESOLVED: mission-cpu-alarm in Asia Pacific (Seoul)']);
    expect(logs).toContain('Skipped sns:m-1 of record q-1 (posted by an earlier attempt).');
    expect(logs).toContain('Skipped events:evt-7 of record q-3 (posted by an earlier attempt).');
  });

  it('a batch retried after a partial failure: only the failed record is posted again', async () => {
    await slackWith([OK, { status: 500, body: 'internal_error' }, OK]);
    const { handler, context } = makeHandler({ deps: { maxAttempts: 1 } });
    const batch = sqsEvent(
      sqsRecord('q-1', invocationRecord(notification)),
      sqsRecord('q-2', invocationRecord(event)),
    );
    await expect(handler(batch, context)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'q-2' }],
    });
    // an invocation that timed out or crashed returns the whole batch, q-1 included
    await expect(handler(batch, context)).resolves.toEqual({ batchItemFailures: [] });
    expect(texts(slack.requests)).toEqual([
      TEXT,
      '✅ RESOLVED: mission-cpu-alarm in Asia Pacific (Seoul)',
      '✅ RESOLVED: mission-cpu-alarm in Asia Pacific (Seoul)',
    ]);
  });

  it('the same alert twice in one batch (handed off twice) is posted once', async () => {
    await slackWith([OK]);
    const { handler, context } = makeHandler();
    const batch = sqsEvent(
      sqsRecord('q-1', invocationRecord(notification, 'RateLimited')),
      sqsRecord('q-2', invocationRecord(notification, 'RetriesExhausted')),
    );
    await expect(handler(batch, context)).resolves.toEqual({ batchItemFailures: [] });
    expect(slack.requests).toHaveLength(1);
  });
});

describe('duplicates that remain possible (each container knows only what it posted itself)', () => {
  it('the same queue record drained by two containers (a batch returned after a crash, picked up elsewhere)', async () => {
    await slackWith([OK]);
    const a = makeHandler();
    const b = makeHandler();
    const batch = sqsEvent(sqsRecord('q-1', invocationRecord(notification)));
    await a.handler(batch, a.context);
    await b.handler(batch, b.context);
    expect(texts(slack.requests)).toEqual([TEXT, TEXT]);
  });

  it('posted directly on one container, then redelivered (SNS, EventBridge, Lambda retry) to another', async () => {
    await slackWith([OK]);
    const a = makeHandler();
    const b = makeHandler();
    await a.handler(notification, a.context);
    await b.handler(notification, b.context);
    await a.handler(event, a.context);
    await b.handler(sqsEvent(sqsRecord('q-1', invocationRecord(event))), b.context);
    expect(slack.requests).toHaveLength(4);
  });

  it('Slack took the message but its answer was lost: the retry posts it again, even on the same container', async () => {
    // the server records the request and never answers: the client cannot know it was accepted
    await slackWith(['hang', OK]);
    const { handler, context } = makeHandler({ deps: { attemptTimeoutMs: 100, minAttemptMs: 50 } });
    await expect(handler(notification, context)).resolves.toEqual({ delivered: 1 });
    expect(texts(slack.requests)).toEqual([TEXT, TEXT]);
  });

  it('a hand-off whose SendMessage succeeded but answered too late: Lambda retries, and the alert is queued twice', async () => {
    await slackWith([RATE_LIMITED]);
    clients.sqs
      .on(SendMessageCommand)
      .rejectsOnce(Object.assign(new Error('timed out'), { name: 'TimeoutError' }));
    const a = makeHandler({ env: { undeliveredQueueUrl: QUEUE_URL } });
    await expect(a.handler(notification, a.context)).rejects.toThrow('Slack answered 429 rate_limited');
    await expect(a.handler(notification, a.context)).resolves.toEqual({ delivered: 0, queued: 1 });
    // (the first SendMessage may have reached the queue all the same) two records, drained by two containers
    const [first, second] = clients.sqs
      .commandCalls(SendMessageCommand)
      .map((c) => c.args[0].input.MessageBody);
    slack.script([OK]);
    const b = makeHandler();
    const c = makeHandler();
    await b.handler(sqsEvent(sqsRecord('q-1', first ?? '')), b.context);
    await c.handler(sqsEvent(sqsRecord('q-2', second ?? '')), c.context);
    expect(texts(slack.requests.slice(-2))).toEqual([TEXT, TEXT]);
  });
});
