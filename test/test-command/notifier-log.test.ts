import { describe, expect, it } from 'vitest';
import { messageOf, readNotifierLog } from '../../src/aws/notifier-log.js';

/** The notifier's own lines, in each shape a log group holds them, read for one alarm's state change. */
const REQ = '6f1c2e3d-4b5a-4c6d-8e7f-9a0b1c2d3e4f';
const text = (message: string, level = 'INFO') => `2026-11-25T12:00:05.300Z\t${REQ}\t${level}\t${message}`;
const json = (message: string) => JSON.stringify({ timestamp: 't', level: 'INFO', requestId: REQ, message });
const CHANGE = { name: 'db <primary> & replica', state: 'ALARM' } as const;

describe('messageOf', () => {
  it("takes the message out of Lambda's text and JSON formats, and a bare line as it is", () => {
    expect(messageOf(text('Posted to Slack: x'))).toBe('Posted to Slack: x');
    expect(messageOf(json('Posted to Slack: x'))).toBe('Posted to Slack: x');
    expect(messageOf('  Posted to Slack: x ')).toBe('Posted to Slack: x');
    expect(messageOf('{not json')).toBe('{not json');
  });
});

describe('readNotifierLog', () => {
  it("finds the post of the change by its headline, the name escaped as Slack's mrkdwn", () => {
    const posted = 'Posted to Slack: 🔴 ALARM: db &lt;primary&gt; &amp; replica in Asia Pacific (Seoul)';
    expect(readNotifierLog([text(posted)], CHANGE).posted).toBe(posted);
    // OK after ALARM is RESOLVED; from INSUFFICIENT_DATA it is OK.
    const ok = { name: 'cpu', state: 'OK' } as const;
    expect(readNotifierLog(['Posted to Slack: ✅ RESOLVED: cpu in X'], ok).posted).toBeDefined();
    expect(readNotifierLog(['Posted to Slack: 🟢 OK: cpu'], ok).posted).toBeDefined();
    expect(readNotifierLog(['Posted to Slack: 🔴 ALARM: cpu in X'], ok).posted).toBeUndefined();
    // A name cut at Slack's limit ends in "…".
    expect(
      readNotifierLog(['Posted to Slack: 🔴 ALARM: cpu…'], { name: 'cpu', state: 'ALARM' }).posted,
    ).toBeDefined();
    expect(
      readNotifierLog(['Posted to Slack: 🔴 ALARM: cpu2 in X'], { name: 'cpu', state: 'ALARM' }).posted,
    ).toBeUndefined();
  });

  it('reads the hand-off, a record left in the queue, the retries, the skip for the rule and the errors', () => {
    const report = readNotifierLog(
      [
        text('Slack answered 503 unavailable; retrying in 800 ms (attempt 2)'),
        text(
          'Slack answered 429 rate_limited: 2 alerts handed to the queue mission-undelivered, to be posted paced.',
        ),
        text('Record m-1 not posted, left in the queue: Slack answered 429 rate_limited'),
        text(
          'Skipped sns:abc (db <primary> & replica ALARM: delivered through the EventBridge rule instead).',
        ),
        text(
          'Invoke Error \t{"errorType":"SlackError","errorMessage":"Slack rejected the message (404 no_service)"}',
          'ERROR',
        ),
      ],
      CHANGE,
    );
    expect(report).toMatchObject({
      handedOff: 'Slack answered 429 rate_limited',
      leftInQueue: 'Slack answered 429 rate_limited',
      retries: ['Slack answered 503 unavailable; retrying in 800 ms (attempt 2)'],
      skippedForRule: true,
      error: 'SlackError: Slack rejected the message (404 no_service)',
    });
    expect(
      readNotifierLog(['1 more record left in the queue: Slack is rate-limiting.'], CHANGE).leftInQueue,
    ).toBe('Slack is rate-limiting');
    expect(readNotifierLog(['Task timed out after 15.02 seconds'], CHANGE).error).toBe(
      'Task timed out after 15.02 seconds',
    );
    expect(readNotifierLog([], CHANGE)).toEqual({
      retries: [],
      skippedForRule: false,
      invocations: [],
      error: undefined,
    });
  });
});
