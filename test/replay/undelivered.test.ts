import { describe, expect, it } from 'vitest';
import {
  batchFailures,
  notPostedReasons,
  readUndelivered,
  reasonText,
  sqsEventOf,
} from '../../src/events/undelivered.js';
import { fixture, invocationRecord, snsEvent, snsRecord, TEST_MARK } from '../handler/harness.js';

/** The body of the fixture's one record: what Lambda wrote to the on-failure destination. */
const batch = fixture('sqs-undelivered-batch') as { Records: Array<{ body: string; messageId: string }> };
const FIXTURE_BODY = batch.Records[0]?.body ?? '';

describe('readUndelivered', () => {
  it("reads Lambda's invocation record of an SNS alarm notification (the fixture)", () => {
    const u = readUndelivered(FIXTURE_BODY);
    expect(u).toEqual({
      alerts: [
        { alarm: 'mission-cpu-alarm', state: 'ALARM', changedAt: '2026-11-24T10:42:27.519Z', test: false },
      ],
      condition: 'RetriesExhausted',
      attempts: 3,
      error: 'Slack answered 503 service_unavailable; gave up after 4 attempts',
      failedAt: '2026-11-24T10:45:31.602Z',
      unreadable: undefined,
    });
    expect(reasonText(u)).toBe(
      'RetriesExhausted after 3 attempts: Slack answered 503 service_unavailable; gave up after 4 attempts',
    );
  });

  it('reads an EventBridge alarm event, and one of another kind by its detail-type', () => {
    const metric = readUndelivered(
      JSON.stringify(invocationRecord(fixture('eventbridge-metric-alarm'), 'EventAgeExceeded')),
    );
    expect(metric.alerts).toEqual([
      { alarm: 'orders-db-free-storage', state: 'ALARM', changedAt: expect.any(String), test: false },
    ]);
    expect(Date.parse(metric.alerts[0]?.changedAt ?? '')).not.toBeNaN();
    expect(metric.condition).toBe('EventAgeExceeded');
    const ec2 = readUndelivered(
      JSON.stringify(
        invocationRecord({
          id: 'e',
          'detail-type': 'EC2 Instance State-change Notification',
          source: 'aws.ec2',
          time: '2026-11-24T10:00:00Z',
          detail: {},
        }),
      ),
    );
    expect(ec2.alerts).toEqual([
      {
        alarm: 'EC2 Instance State-change Notification (aws.ec2)',
        state: undefined,
        changedAt: '2026-11-24T10:00:00.000Z',
        test: false,
      },
    ]);
  });

  it("reads the notifier's own hand-off on a 429 (condition RateLimited, the records not posted)", () => {
    const cpu = fixture('alarm-cpu-alarm');
    const ok = fixture('alarm-cpu-ok');
    // As handler-template/index.mjs handOff() writes it.
    const body = {
      version: '1.0',
      timestamp: '2026-11-24T10:43:00.000Z',
      requestContext: {
        requestId: 'req-1',
        functionArn: 'arn:aws:lambda:ap-northeast-2:123456789012:function:mission-lambda',
        condition: 'RateLimited',
        approximateInvokeCount: 1,
      },
      requestPayload: snsEvent(snsRecord('m-1', cpu), snsRecord('m-2', ok, TEST_MARK)),
      responsePayload: { errorType: 'SlackError', errorMessage: 'Slack answered 429 rate_limited' },
    };
    const u = readUndelivered(JSON.stringify(body));
    expect(u.alerts.map((a) => [a.alarm, a.state, a.test])).toEqual([
      ['mission-cpu-alarm', 'ALARM', false],
      ['mission-cpu-alarm', 'OK', true],
    ]);
    expect(reasonText(u)).toBe('RateLimited: Slack answered 429 rate_limited');
  });

  it('an SNS or EventBridge event sent as it is has alerts but no reason; an SNS text message its subject', () => {
    const bare = readUndelivered(JSON.stringify(snsEvent(snsRecord('m-1', 'plain text'))));
    expect(bare.alerts).toEqual([
      { alarm: 'A message', state: undefined, changedAt: '2026-11-24T10:42:27.601Z', test: false },
    ]);
    expect(reasonText(bare)).toBe('no reason recorded');
  });

  it('says why a body cannot be read', () => {
    expect(readUndelivered('not json{').unreadable).toBe('its body is not JSON');
    expect(readUndelivered('{"hello":1}').unreadable).toBe(
      'its body is not an invocation record, SNS or EventBridge event',
    );
    const odd = readUndelivered(JSON.stringify(invocationRecord({ nothing: true })));
    expect(odd).toMatchObject({
      alerts: [],
      condition: 'RetriesExhausted',
      unreadable: 'its requestPayload is neither an SNS nor an EventBridge event',
    });
    expect(reasonText(odd)).toBe(
      'unreadable record: its requestPayload is neither an SNS nor an EventBridge event',
    );
  });
});

describe('sqsEventOf', () => {
  it("builds the event source mapping's SQS event (the fixture's shape) from ReceiveMessage's messages", () => {
    const r = batch.Records[0] as unknown as Record<string, unknown>;
    const attributes = r.attributes as Record<string, string>;
    const event = sqsEventOf(
      [
        {
          MessageId: r.messageId as string,
          ReceiptHandle: r.receiptHandle as string,
          Body: r.body as string,
          MD5OfBody: r.md5OfBody as string,
          Attributes: attributes,
        },
      ],
      { arn: r.eventSourceARN as string, region: r.awsRegion as string },
    );
    expect(event).toEqual(batch);
  });

  it('turns message attributes into the camelCase form Lambda gives, binary values in base64', () => {
    const event = sqsEventOf(
      [
        {
          MessageId: 'm',
          ReceiptHandle: 'h',
          Body: 'b',
          MD5OfBody: 'x',
          MessageAttributes: {
            kind: { DataType: 'String', StringValue: 'test' },
            blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
          },
        },
      ],
      { arn: 'arn:aws:sqs:eu-west-1:123456789012:q', region: 'eu-west-1' },
    );
    expect(event.Records[0]?.messageAttributes).toEqual({
      kind: { stringValue: 'test', stringListValues: [], binaryListValues: [], dataType: 'String' },
      blob: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
    });
  });
});

describe('batchFailures', () => {
  const ids = ['a', 'b', 'c'];
  it.each([
    ['', []],
    ['null', []],
    ['{}', []],
    ['{"batchItemFailures":[]}', []],
    ['{"batchItemFailures":null}', []],
    ['{"batchItemFailures":[{"itemIdentifier":"b"}]}', ['b']],
    ['not json', ids],
    ['{"batchItemFailures":[{"itemIdentifier":""}]}', ids],
    ['{"batchItemFailures":[{"itemIdentifier":null}]}', ids],
    ['{"batchItemFailures":[{"id":"b"}]}', ids],
    ['{"batchItemFailures":[{"itemIdentifier":"zzz"}]}', ids],
  ])('answer %s leaves %j in the queue (the mapping’s rules)', (answer, expected) => {
    expect([...batchFailures(answer, ids)].sort()).toEqual(expected);
  });
});

describe('notPostedReasons', () => {
  it("reads the notifier's log lines, with Lambda's prefix", () => {
    const tail = [
      'START RequestId: r Version: $LATEST',
      '2026-11-24T10:45:31.602Z\tr\tINFO\tPosted to Slack: 🔴 ALARM: a',
      '2026-11-24T10:45:32.000Z\tr\tINFO\tRecord m-2 not posted, left in the queue: Slack answered 500; gave up after 6 attempts',
      'Record m-3 not posted, left in the queue: not tried: only 400 ms of the invocation left',
    ].join('\n');
    expect(notPostedReasons(tail)).toEqual(
      new Map([
        ['m-2', 'Slack answered 500; gave up after 6 attempts'],
        ['m-3', 'not tried: only 400 ms of the invocation left'],
      ]),
    );
  });
});
