import { SendMessageCommand, SQSServiceException } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { type FakeSlack, FIXTURE_NOW, OK, type Reply } from './fake-slack.js';
import {
  eventFor,
  FUNCTION_ARN,
  fixture,
  makeHandler,
  QUEUE_URL,
  snsEvent,
  snsRecord,
  sqsEvent,
  sqsRecord,
  texts,
  useNotifierMocks,
} from './harness.js';

const cpu = fixture('alarm-cpu-alarm');
const RATE_LIMITED: Reply = { status: 429, body: 'rate_limited', headers: { 'retry-after': '1' } };
const env = { undeliveredQueueUrl: QUEUE_URL };

const mocks = useNotifierMocks();
const { clients } = mocks;
let slack: FakeSlack;
const slackWith = async (script: Reply[]) => {
  slack = await mocks.slackWith(script);
};

const sent = () => clients.sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);

describe('Slack answers 429 on a direct invocation, with undeliveredQueueUrl set', () => {
  it('hands the event to the paced queue at once, as the invocation record Lambda would write, and returns', async () => {
    await slackWith([RATE_LIMITED]);
    const { handler, context, sleeps, logs } = makeHandler({ env, requestId: 'c0ffee-1' });
    const event = snsEvent(snsRecord('m-1', cpu));
    await expect(handler(event, context)).resolves.toEqual({ delivered: 0, queued: 1 });
    expect(slack.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(sent()).toEqual([{ QueueUrl: QUEUE_URL, MessageBody: expect.any(String) }]);
    expect(JSON.parse(sent()[0]?.MessageBody ?? '')).toEqual({
      version: '1.0',
      timestamp: new Date(FIXTURE_NOW).toISOString(),
      requestContext: {
        requestId: 'c0ffee-1',
        functionArn: FUNCTION_ARN,
        condition: 'RateLimited',
        approximateInvokeCount: 1,
      },
      requestPayload: event,
      responsePayload: { errorType: 'SlackError', errorMessage: 'Slack answered 429 rate_limited' },
    });
    expect(logs).toEqual([
      'Slack answered 429 rate_limited: 1 alert handed to the queue mission-undelivered, to be posted paced.',
    ]);
  });

  it('what it hands over is posted by the queue path', async () => {
    await slackWith([RATE_LIMITED, OK]);
    const { handler, context } = makeHandler({ env });
    await handler(snsEvent(snsRecord('m-1', cpu)), context);
    const body = sent()[0]?.MessageBody ?? '';
    await expect(handler(sqsEvent(sqsRecord('q-1', body)), context)).resolves.toEqual({
      batchItemFailures: [],
    });
    expect(texts(slack.requests)).toEqual([
      '🔴 ALARM: mission-cpu-alarm in Asia Pacific (Seoul)',
      '🔴 ALARM: mission-cpu-alarm in Asia Pacific (Seoul)',
    ]);
    expect(slack.requests[0]?.body).toBe(slack.requests[1]?.body);
  });

  it('an EventBridge event: the event itself is the request payload', async () => {
    await slackWith([RATE_LIMITED]);
    const { handler, context } = makeHandler({ env });
    const event = eventFor(cpu);
    await expect(handler(event, context)).resolves.toEqual({ delivered: 0, queued: 1 });
    expect(JSON.parse(sent()[0]?.MessageBody ?? '').requestPayload).toEqual(event);
  });

  it('a hand-made event with several records: only those not yet posted go', async () => {
    await slackWith([OK, RATE_LIMITED]);
    const { handler, context } = makeHandler({ env });
    const first = snsRecord('m-1', cpu);
    const second = snsRecord('m-2', fixture('alarm-cpu-ok'));
    await expect(handler(snsEvent(first, second), context)).resolves.toEqual({ delivered: 1, queued: 1 });
    expect(JSON.parse(sent()[0]?.MessageBody ?? '').requestPayload).toEqual(snsEvent(second));
  });

  it('if SendMessage fails, throws the Slack error, so that Lambda retries and its destination take over', async () => {
    await slackWith([RATE_LIMITED]);
    clients.sqs.on(SendMessageCommand).rejects(
      new SQSServiceException({
        name: 'AccessDenied',
        message: 'not allowed',
        $fault: 'client',
        $metadata: {},
      }),
    );
    const { handler, context, logs } = makeHandler({ env });
    await expect(handler(snsEvent(snsRecord('m-1', cpu)), context)).rejects.toThrow(
      /^Slack answered 429 rate_limited$/,
    );
    expect(logs).toEqual([
      'Could not hand 1 alert to the queue mission-undelivered (AccessDenied: not allowed): failing.',
    ]);
  });

  it('bounds SendMessage with an abort signal within the time left', async () => {
    await slackWith([RATE_LIMITED]);
    const { handler, context } = makeHandler({ env });
    await handler(snsEvent(snsRecord('m-1', cpu)), context);
    const args = clients.sqs.send.getCall(0).args as unknown[];
    expect((args[1] as { abortSignal?: AbortSignal } | undefined)?.abortSignal).toBeInstanceOf(AbortSignal);
  });

  it('a 5xx is not handed over: retried within the budget, then thrown, as before', async () => {
    await slackWith([{ status: 503, body: 'busy' }]);
    const { handler, context } = makeHandler({ env, budgetMs: 3000 });
    await expect(handler(snsEvent(snsRecord('m-1', cpu)), context)).rejects.toThrow(
      /^Slack answered 503 busy; gave up/,
    );
    expect(sent()).toEqual([]);
  });

  it('a 429 on the queue path is never handed over again (it waits, or the record stays in the queue)', async () => {
    await slackWith([{ status: 429, body: 'rate_limited', headers: { 'retry-after': '60' } }]);
    const { handler, context } = makeHandler({ env });
    const body = JSON.stringify({ requestContext: {}, requestPayload: snsEvent(snsRecord('m-1', cpu)) });
    await expect(handler(sqsEvent(sqsRecord('q-1', body)), context)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'q-1' }],
    });
    expect(sent()).toEqual([]);
  });
});

describe('without undeliveredQueueUrl', () => {
  it('waits Retry-After with jitter and retries, as far as the time allows', async () => {
    await slackWith([RATE_LIMITED, OK]);
    const { handler, context, sleeps } = makeHandler({ deps: { random: () => 0.5 } });
    await expect(handler(snsEvent(snsRecord('m-1', cpu)), context)).resolves.toEqual({ delivered: 1 });
    expect(sleeps).toEqual([1250]);
    expect(sent()).toEqual([]);
  });
});
