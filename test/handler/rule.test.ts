import { beforeEach, describe, expect, it } from 'vitest';
import { parseFilter } from '../../handler-template/route.mjs';
import { type FakeSlack, OK } from './fake-slack.js';
import {
  eventFor,
  fixture,
  invocationRecord,
  type Json,
  makeHandler,
  snsEvent,
  snsRecord,
  sqsEvent,
  sqsRecord,
  TEST_MARK,
  texts,
  useNotifierMocks,
} from './harness.js';

// One state change, connected both ways: the alarm's actions name the topic, and the rule matches it.
const alarm = fixture('alarm-cpu-alarm'); // mission-cpu-alarm, ap-northeast-2, 123456789012, OK → ALARM
const FILTER = JSON.stringify({ states: ['ALARM', 'OK'], prefix: 'mission-' });
const TEXT = '🔴 ALARM: mission-cpu-alarm in Asia Pacific (Seoul)';

const mocks = useNotifierMocks();
let slack: FakeSlack;
beforeEach(async () => {
  slack = await mocks.slackWith([OK]);
});

describe('an alarm connected both ways, with alarmEventsFilter set', () => {
  it('posts the state change once: the EventBridge event, not the SNS notification', async () => {
    const { handler, context, logs } = makeHandler({ env: { alarmEventsFilter: FILTER } });
    await expect(handler(snsEvent(snsRecord('m-1', alarm)), context)).resolves.toEqual({
      delivered: 0,
      skipped: 1,
    });
    await expect(handler(eventFor(alarm), context)).resolves.toEqual({ delivered: 1 });
    expect(texts(slack.requests)).toEqual([TEXT]);
    expect(logs).toEqual([
      'Skipped sns:m-1 (mission-cpu-alarm ALARM: delivered through the EventBridge rule instead).',
      `Posted to Slack: ${TEXT}`,
    ]);
  });

  it('holds without shared state: two containers, invoked at the same time, one by SNS, one by the rule', async () => {
    const a = makeHandler({ env: { alarmEventsFilter: FILTER } });
    const b = makeHandler({ env: { alarmEventsFilter: FILTER } });
    await Promise.all([
      a.handler(snsEvent(snsRecord('m-1', alarm)), a.context),
      b.handler(eventFor(alarm), b.context),
    ]);
    expect(texts(slack.requests)).toEqual([TEXT]);
  });

  it('with an empty prefix, or none, every name matches', async () => {
    for (const filter of [{ states: ['ALARM'], prefix: '' }, { states: ['ALARM'] }]) {
      const { handler, context } = makeHandler({ env: { alarmEventsFilter: JSON.stringify(filter) } });
      await expect(handler(snsEvent(snsRecord('m-1', alarm)), context)).resolves.toEqual({
        delivered: 0,
        skipped: 1,
      });
    }
    expect(slack.requests).toHaveLength(0);
  });

  it('skips only the records the rule delivers, in a hand-made event with several', async () => {
    const { handler, context } = makeHandler({
      env: { alarmEventsFilter: JSON.stringify({ states: ['ALARM'] }) },
    });
    const event = snsEvent(snsRecord('m-1', alarm), snsRecord('m-2', fixture('alarm-cpu-ok')));
    await expect(handler(event, context)).resolves.toEqual({ delivered: 1, skipped: 1 });
    expect(texts(slack.requests)).toEqual(['✅ RESOLVED: mission-cpu-alarm in Asia Pacific (Seoul)']);
  });
});

describe('what is posted from SNS all the same', () => {
  const other = (changes: Json) => ({ ...alarm, ...changes });
  it.each([
    ['a test event of the CLI', snsRecord('m-1', alarm, TEST_MARK), {}],
    [
      'a test event marked with another value',
      snsRecord('m-1', alarm, { 'alarm-to-slack-test': { Type: 'String', Value: '1' } }),
      {},
    ],
    [
      "an alarm of another account (its actions publish to this topic; the rule sees this account's alarms only)",
      snsRecord(
        'm-1',
        other({ AlarmArn: 'arn:aws:cloudwatch:ap-northeast-2:210987654321:alarm:mission-cpu-alarm' }),
      ),
      {},
    ],
    [
      'an alarm of another region',
      snsRecord(
        'm-1',
        other({ AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:mission-cpu-alarm' }),
      ),
      {},
    ],
    ['an alarm whose name lacks the prefix', snsRecord('m-1', other({ AlarmName: 'staging-cpu' })), {}],
    ['a prefix that matches only in the middle', snsRecord('m-1', other({ AlarmName: 'x-mission-cpu' })), {}],
    ['a state the rule does not match', snsRecord('m-1', other({ NewStateValue: 'INSUFFICIENT_DATA' })), {}],
    ['an old message without AlarmArn', snsRecord('m-1', other({ AlarmArn: undefined })), {}],
    ['a message that is no alarm', snsRecord('m-1', 'Deploy finished'), {}],
    [
      'no invokedFunctionArn in the context (account unknown)',
      snsRecord('m-1', alarm),
      { invokedFunctionArn: undefined },
    ],
    ['no AWS_REGION in the environment', snsRecord('m-1', alarm), { env: { AWS_REGION: '' } }],
  ])('%s', async (_what, record, extra: { env?: Json; invokedFunctionArn?: undefined }) => {
    const { handler, context, logs } = makeHandler({ env: { alarmEventsFilter: FILTER, ...extra.env } });
    const ctx = 'invokedFunctionArn' in extra ? { ...context, invokedFunctionArn: undefined } : context;
    await expect(handler(snsEvent(record), ctx)).resolves.toEqual({ delivered: 1 });
    expect(slack.requests).toHaveLength(1);
    expect(logs.join('\n')).not.toContain('EventBridge rule');
  });

  it('without alarmEventsFilter (no rule), every notification', async () => {
    const { handler, context } = makeHandler();
    await expect(handler(snsEvent(snsRecord('m-1', alarm)), context)).resolves.toEqual({ delivered: 1 });
  });

  it('a notification that comes back through the queue: what went there was never delivered by the rule', async () => {
    const { handler, context } = makeHandler({ env: { alarmEventsFilter: FILTER } });
    const batch = sqsEvent(sqsRecord('q-1', invocationRecord(snsEvent(snsRecord('m-1', alarm)))));
    await expect(handler(batch, context)).resolves.toEqual({ batchItemFailures: [] });
    expect(texts(slack.requests)).toEqual([TEXT]);
  });

  it.each([
    ['not JSON', '{states:'],
    ['no states', '{"prefix":"mission-"}'],
    ['empty states', '{"states":[]}'],
    ['states not strings', '{"states":[1]}'],
    ['a prefix that is not a string', '{"states":["ALARM"],"prefix":3}'],
    ['an array', '["ALARM"]'],
  ])('a malformed filter (%s) skips nothing and is logged once', async (_what, raw) => {
    const { handler, context, logs } = makeHandler({ env: { alarmEventsFilter: raw } });
    await handler(snsEvent(snsRecord('m-1', alarm)), context);
    await handler(snsEvent(snsRecord('m-2', alarm)), context);
    expect(slack.requests).toHaveLength(2);
    const notes = logs.filter((l) => l.startsWith('alarmEventsFilter'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^alarmEventsFilter ".*" ignored \(Error: .+\): every SNS notification is posted\.$/,
    );
  });
});

describe('EventBridge events', () => {
  it('are always posted, whatever the filter', async () => {
    const { handler, context } = makeHandler({ env: { alarmEventsFilter: FILTER } });
    await handler(eventFor(alarm, 'e-1'), context);
    await handler(
      eventFor({ ...alarm, AlarmName: 'staging-cpu', NewStateValue: 'INSUFFICIENT_DATA' }, 'e-2'),
      context,
    );
    expect(slack.requests).toHaveLength(2);
  });
});

describe('parseFilter', () => {
  it('reads what the CLI writes', () => {
    expect(parseFilter('{"states":["ALARM","OK"],"prefix":"prod-"}')).toEqual({
      states: ['ALARM', 'OK'],
      prefix: 'prod-',
    });
    expect(parseFilter('{"states":["ALARM"],"prefix":null}')).toEqual({ states: ['ALARM'], prefix: '' });
    expect(parseFilter('')).toBeUndefined();
    expect(parseFilter(undefined)).toBeUndefined();
  });
});
