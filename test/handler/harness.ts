import { readFileSync } from 'node:fs';
import { DecryptCommand } from '@aws-sdk/client-kms';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { createHandler } from '../../handler-template/index.mjs';
import type { HandlerDeps } from '../../handler-template/types.js';
import { mockAws } from '../helpers/aws.js';
import { type FakeSlack, FIXTURE_NOW, fakeSlack, type Reply, virtualTime } from './fake-slack.js';

/** What the handler tests share: fixtures, the events AWS sends, KMS and SQS mocks, a handler on virtual time. */
export type Json = Record<string, unknown>;

export const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as Json;

const ACCOUNT = '123456789012';
const REGION = 'ap-northeast-2';
export const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mission-lambda`;
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:mission-sns`;
const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:mission-undelivered`;
export const QUEUE_URL = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/mission-undelivered`;
const CIPHERTEXT = Buffer.from('fake-ciphertext-blob').toString('base64');

/** An SNS record as SNS hands it to Lambda; `attributes` are its MessageAttributes. */
export function snsRecord(id: string, message: Json | string, attributes: Json = {}) {
  return {
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: `${TOPIC_ARN}:0b1c2d3e`,
    Sns: {
      Type: 'Notification',
      MessageId: id,
      TopicArn: TOPIC_ARN,
      Subject:
        typeof message === 'string'
          ? 'A message'
          : `${String(message.NewStateValue)}: "${String(message.AlarmName)}"`,
      Message: typeof message === 'string' ? message : JSON.stringify(message),
      Timestamp: '2026-11-24T10:42:27.601Z',
      MessageAttributes: attributes,
    },
  };
}

export const snsEvent = (...records: Array<ReturnType<typeof snsRecord>>) => ({ Records: records });

/** The marker the CLI puts on its test notifications. */
export const TEST_MARK = { 'alarm-to-slack-test': { Type: 'String', Value: 'true' } };

/** What Lambda writes to the on-failure destination for `payload`. */
export function invocationRecord(payload: unknown, condition = 'RetriesExhausted') {
  return {
    version: '1.0',
    timestamp: '2026-11-24T10:45:31.602Z',
    requestContext: {
      requestId: '8f7e6d5c-4b3a-4921-8a0b-1c2d3e4f5a6b',
      functionArn: `${FUNCTION_ARN}:$LATEST`,
      condition,
      approximateInvokeCount: 3,
    },
    requestPayload: payload,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: {
      errorType: 'SlackError',
      errorMessage: 'Slack answered 503; gave up after 4 attempts',
    },
  };
}

/** An SQS record as the event source mapping (or the CLI's replay) builds it; a non-string body is JSON'd. */
export function sqsRecord(messageId: string, body: unknown) {
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1795776331602' },
    messageAttributes: {},
    eventSource: 'aws:sqs',
    eventSourceARN: QUEUE_ARN,
    awsRegion: REGION,
  };
}

export const sqsEvent = (...records: Array<ReturnType<typeof sqsRecord>>) => ({ Records: records });

/** An EventBridge alarm event for an SNS alarm message's alarm and state change (what the rule delivers). */
export function eventFor(alarm: Json, id = 'evt-1') {
  const base = fixture('eventbridge-metric-alarm') as Json & { detail: Json };
  const detail = base.detail as { state: Json; previousState: Json };
  return {
    ...base,
    id,
    resources: [alarm.AlarmArn],
    detail: {
      ...detail,
      alarmName: alarm.AlarmName,
      state: { ...detail.state, value: alarm.NewStateValue, timestamp: alarm.StateChangeTime },
      previousState: { ...detail.previousState, value: alarm.OldStateValue },
    },
  };
}

/** KMS (via the shared helper) and SQS mocked for the whole file. */
function mockClients() {
  const aws = mockAws();
  const sqs = mockClient(SQSClient);
  return {
    aws,
    sqs,
    reset() {
      aws.reset();
      sqs.reset();
      sqs.on(SendMessageCommand).resolves({ MessageId: 'queued-1' });
    },
    restore() {
      aws.restore();
      sqs.restore();
    },
    decryptsTo(url: string) {
      aws.kms.on(DecryptCommand).resolves({ Plaintext: new TextEncoder().encode(url) });
    },
  };
}

/**
 * For a whole file: the mocked clients (reset before each test, restored after the file) and `slackWith`,
 * which starts a Slack stand-in answering the script (closed after each test) that the key decrypts to.
 */
export function useNotifierMocks() {
  const clients = mockClients();
  const open: FakeSlack[] = [];
  beforeEach(() => clients.reset());
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  afterAll(() => clients.restore());
  async function slackWith(script: Reply[]) {
    const slack = await fakeSlack(script);
    open.push(slack);
    clients.decryptsTo(slack.url);
    return slack;
  }
  return { clients, slackWith };
}

/** A handler (a container) with virtual time: sleeps spend the budget and move the clock, nothing waits. */
export function makeHandler(
  opts: {
    env?: Json;
    budgetMs?: number;
    start?: number;
    deps?: Partial<HandlerDeps>;
    requestId?: string;
  } = {},
) {
  const time = virtualTime(opts.budgetMs ?? 15_000, opts.start ?? FIXTURE_NOW);
  const logs: string[] = [];
  const handler = createHandler({
    env: {
      AWS_REGION: REGION,
      AWS_LAMBDA_FUNCTION_NAME: 'mission-lambda',
      kmsEncryptedHookUrl: CIPHERTEXT,
      ...opts.env,
    } as Record<string, string>,
    log: (l) => logs.push(l),
    sleep: time.sleep,
    now: time.now,
    random: () => 0,
    ...opts.deps,
  });
  const context = {
    ...time.context,
    awsRequestId: opts.requestId ?? 'req-1',
    invokedFunctionArn: FUNCTION_ARN,
  };
  return { handler, context, logs, sleeps: time.sleeps, now: time.now };
}

export const texts = (requests: Array<{ body: string }>) =>
  requests.map((r) => (JSON.parse(r.body) as { text: string }).text);
