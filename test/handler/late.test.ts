import { beforeEach, describe, expect, it } from 'vitest';
import { formatEventBridge, formatRecord } from '../../handler-template/format.mjs';
import { lateText } from '../../handler-template/text.mjs';
import type { SlackPayload } from '../../handler-template/types.js';
import { type FakeSlack, OK } from './fake-slack.js';
import {
  fixture,
  invocationRecord,
  type Json,
  makeHandler,
  snsEvent,
  snsRecord,
  sqsEvent,
  sqsRecord,
  useNotifierMocks,
} from './harness.js';

const at = (iso: string) => Date.parse(iso);
const CHANGED = at('2026-11-24T14:03:27.519Z');
const MIN = 60_000;

describe('the late line in words', () => {
  it.each([
    [0, ''],
    [2 * MIN, ''],
    [2 * MIN + 1, '⏱ Delivered late: changed state at 14:03 UTC, 2 min ago'],
    [9 * MIN + 30_000, '⏱ Delivered late: changed state at 14:03 UTC, 9 min ago'],
    [59 * MIN, '⏱ Delivered late: changed state at 14:03 UTC, 59 min ago'],
    [60 * MIN, '⏱ Delivered late: changed state at 14:03 UTC, 1 h ago'],
    [135 * MIN, '⏱ Delivered late: changed state at 14:03 UTC, 2 h 15 min ago'],
    [9 * 60 * MIN, '⏱ Delivered late: changed state at 14:03 UTC, 9 h ago'],
  ])('%i ms after the change, the same day: %j', (age, words) => {
    expect(lateText(CHANGED, CHANGED + age)).toBe(words);
  });

  it.each([
    ['2026-11-25T09:00:00Z', '⏱ Delivered late: changed state on 24 Nov at 14:03 UTC, 18 h 56 min ago'],
    ['2026-11-25T15:00:00Z', '⏱ Delivered late: changed state on 24 Nov at 14:03 UTC, 1 day ago'],
    ['2026-11-27T17:30:00Z', '⏱ Delivered late: changed state on 24 Nov at 14:03 UTC, 3 days 3 h ago'],
    ['2026-12-08T14:03:30Z', '⏱ Delivered late: changed state on 24 Nov at 14:03 UTC, 14 days ago'],
  ])('on another day it gives the date: now %s', (now, words) => {
    expect(lateText(CHANGED, at(now))).toBe(words);
  });

  it('with the year when the change was in another one, and the day without a leading zero', () => {
    expect(lateText(at('2026-12-31T23:50:00Z'), at('2027-01-05T01:00:00Z'))).toBe(
      '⏱ Delivered late: changed state on 31 Dec 2026 at 23:50 UTC, 4 days 1 h ago',
    );
    expect(lateText(at('2026-11-03T08:05:00Z'), at('2026-11-04T08:05:00Z'))).toBe(
      '⏱ Delivered late: changed state on 3 Nov at 08:05 UTC, 1 day ago',
    );
  });

  it('nothing for a change in the future (clock skew) or an unreadable time', () => {
    expect(lateText(CHANGED + 10 * MIN, CHANGED)).toBe('');
    expect(lateText(Number.NaN, CHANGED)).toBe('');
  });
});

const alarm = fixture('alarm-cpu-alarm'); // changed state 2026-11-24T10:42:27.519Z
const lateLine = (p: SlackPayload) => p.blocks.find((b) => b.text?.text.startsWith('⏱'))?.text?.text;

describe('in the message', () => {
  const record = snsRecord('m-1', alarm);

  it('an SNS alarm posted 9 minutes late says so under its header, before the mention; the text stays short', () => {
    const p = formatRecord(record, { mention: '<!here>', now: at('2026-11-24T10:51:40Z') });
    expect(p.blocks.map((b) => b.text?.text)).toEqual([
      '🔴 ALARM: mission-cpu-alarm',
      '⏱ Delivered late: changed state at 10:42 UTC, 9 min ago',
      '<!here>',
    ]);
    expect(p.text).toBe('<!here> 🔴 ALARM: mission-cpu-alarm in Asia Pacific (Seoul)');
  });

  it('not when on time, nor without a clock (preview)', () => {
    expect(lateLine(formatRecord(record, { now: at('2026-11-24T10:44:00Z') }))).toBeUndefined();
    expect(lateLine(formatRecord(record))).toBeUndefined();
  });

  it('an EventBridge event: from detail.state.timestamp, else from its time', () => {
    const event = fixture('eventbridge-metric-math-ok') as Json & { detail: { state: Json } };
    const now = at('2026-11-24T13:20:00Z');
    expect(lateLine(formatEventBridge(event, { now }))).toBe(
      '⏱ Delivered late: changed state at 11:05 UTC, 2 h 14 min ago',
    );
    const { timestamp: _, ...state } = event.detail.state;
    const noStamp = { ...event, time: '2026-11-24T12:00:00Z', detail: { ...event.detail, state } };
    expect(lateLine(formatEventBridge(noStamp, { now }))).toBe(
      '⏱ Delivered late: changed state at 12:00 UTC, 1 h 20 min ago',
    );
  });
});

describe("the handler's clock", () => {
  const mocks = useNotifierMocks();
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await mocks.slackWith([OK]);
  });

  it('direct: a notification on time has no late line', async () => {
    const { handler, context } = makeHandler({ start: at('2026-11-24T10:43:00Z') });
    await handler(snsEvent(snsRecord('m-1', alarm)), context);
    expect(lateLine(JSON.parse(slack.requests[0]?.body ?? '{}'))).toBeUndefined();
  });

  it('queue: each record is dated when it is posted, after the pacing waits', async () => {
    // 1 min 59.5 s after the change: the first is on time, the second (posted 1 s later, paced) is not
    const { handler, context } = makeHandler({ start: at('2026-11-24T10:44:27.019Z') });
    const batch = sqsEvent(
      sqsRecord('q-1', invocationRecord(snsEvent(snsRecord('m-1', alarm)))),
      sqsRecord('q-2', invocationRecord(snsEvent(snsRecord('m-2', alarm)))),
    );
    await expect(handler(batch, context)).resolves.toEqual({ batchItemFailures: [] });
    const [first, second] = slack.requests.map((r) => lateLine(JSON.parse(r.body)));
    expect(first).toBeUndefined();
    expect(second).toBe('⏱ Delivered late: changed state at 10:42 UTC, 2 min ago');
  });

  it('queue: an alert 3 days old, replayed', async () => {
    const { handler, context } = makeHandler({ start: at('2026-11-27T12:00:00Z') });
    await handler(sqsEvent(sqsRecord('q-1', invocationRecord(fixture('eventbridge-composite')))), context);
    expect(lateLine(JSON.parse(slack.requests[0]?.body ?? '{}'))).toBe(
      '⏱ Delivered late: changed state on 24 Nov at 10:40 UTC, 3 days 1 h ago',
    );
  });
});
