import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readInvocations } from '../../src/aws/logs.js';
import { NOTIFIER_FILTER } from '../../src/aws/notifier-log.js';
import { run } from '../../src/commands/test.js';
import type { FakeSlack } from '../handler/fake-slack.js';
import { mockAws } from '../helpers/aws.js';
import { scriptedIO } from '../helpers/io.js';
import { callNames, commandContext, LOG_GROUP, mockStack } from '../teardown/mock-stack.js';
import {
  events,
  filters,
  interruptedClock,
  linkedClock,
  notifierStack,
  REQ,
  states,
} from './through-fixtures.js';

const aws = mockAws();
let slack: FakeSlack | undefined;
beforeEach(() => aws.reset());
afterEach(async () => {
  await slack?.close();
  slack = undefined;
});
afterAll(() => aws.restore());

const REASON = expect.stringMatching(/^alarm-to-slack test/);

describe('alarm-to-slack test --through-alarm, through SNS', () => {
  it('sets ALARM, sees the notifier post it in its log group after the change, then sets OK', async () => {
    const { fake } = mockStack(aws);
    const clock = linkedClock(fake);
    const io = scriptedIO({ json: true });
    await run({ state: 'ALARM', throughAlarm: true }, commandContext(io, { clock }));

    expect(states(aws)).toEqual([
      { AlarmName: 'mission-cpu-alarm', StateValue: 'ALARM', StateReason: REASON },
      { AlarmName: 'mission-cpu-alarm', StateValue: 'OK', StateReason: REASON },
    ]);
    // The logs from CloudWatch's own stamp of the change (AWS's clock, not ours), the notifier's lines too.
    const changedAt = fake.now();
    expect(filters(aws)).toEqual([
      { logGroupName: LOG_GROUP, startTime: changedAt, filterPattern: NOTIFIER_FILTER },
    ]);
    expect(clock.sleeps).toEqual([]);
    // Look, set ALARM, read CloudWatch's stamp, read the logs, set OK; the function is never invoked directly.
    expect(callNames(aws).filter((n) => !n.startsWith('sts.') && !n.startsWith('kms.'))).toEqual([
      'cloudwatch.DescribeAlarms',
      'cloudwatch.ListTagsForResource',
      'lambda.GetFunction',
      'cloudwatch.SetAlarmState',
      'cloudwatch.DescribeAlarms',
      'logs.FilterLogEvents',
      'cloudwatch.SetAlarmState',
    ]);
    expect(aws.lambda.commandCalls(InvokeCommand)).toEqual([]);
    expect(io.resultJson).toMatchObject({
      ok: true,
      delivered: true,
      throughAlarm: true,
      through: 'sns',
      alarmName: 'mission-cpu-alarm',
      state: 'ALARM',
      waitedMs: 0,
      restoredToOk: true,
      invocations: [{ requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), finished: true }],
    });
    expect(io.resultJson).not.toHaveProperty('temporaryAlarm');
    expect(io.stderr.join('\n')).toContain(
      '✔ Waiting for mission-lambda to post it (through SNS) — "Posted to Slack: 🔴 ALARM: mission-cpu-alarm in Asia Pacific (Seoul)"',
    );
  });

  it('reports delivery in human output; the real notifier posted ALARM, then RESOLVED, to Slack', async () => {
    const stack = await notifierStack(aws);
    slack = stack.slack;
    const io = scriptedIO();
    await run({ throughAlarm: true }, commandContext(io, { clock: linkedClock(stack.fake) }));
    expect(io.stdout.join('\n')).toMatch(
      /^✔ mission-cpu-alarm → SNS → mission-lambda → Slack: the ALARM notification was delivered \(seen in the logs after 0 s\)\.\n {2}mission-cpu-alarm was set back to OK \(Slack gets an OK message too\)\.$/,
    );
    expect(slack.requests.map((r) => (JSON.parse(r.body) as { text: string }).text)).toEqual([
      '🔴 ALARM: mission-cpu-alarm in Asia Pacific (Seoul)',
      '✅ RESOLVED: mission-cpu-alarm in Asia Pacific (Seoul)',
    ]);
  });

  it('does not take a post made before the change (a direct `test` a moment ago) for this one', async () => {
    const { fake } = mockStack(aws, { permission: 'none' });
    // What `test` leaves in the log group: the same headline, a second before the state change.
    await fake.call('lambda', 'Invoke', {
      FunctionName: 'mission-lambda',
      Payload: new TextEncoder().encode(
        JSON.stringify({
          Records: [
            { Sns: { Message: JSON.stringify({ AlarmName: 'mission-cpu-alarm', NewStateValue: 'ALARM' }) } },
          ],
        }),
      ),
    });
    expect(JSON.stringify(fake.find.logGroup(LOG_GROUP).events)).toContain(
      'Posted to Slack: 🔴 ALARM: mission-cpu-alarm',
    );
    fake.advance(1000);
    const io = scriptedIO({ json: true });
    await expect(
      run({ throughAlarm: true }, commandContext(io, { clock: linkedClock(fake) })),
    ).rejects.toMatchObject({ exitCode: 1, message: 'Not delivered: the chain stopped at the permission.' });
    expect(io.resultJson).toMatchObject({ delivered: false, stoppedAt: 'permission' });
  });

  it('waits a minute, polling after 1 s, 2 s, then every 4 s, and says the chain stopped at the missing subscription', async () => {
    const { fake } = mockStack(aws, { subscriptions: [] });
    const clock = linkedClock(fake);
    const io = scriptedIO({ json: true });
    await expect(run({ throughAlarm: true }, commandContext(io, { clock }))).rejects.toMatchObject({
      exitCode: 1,
      message: 'Not delivered: the chain stopped at the subscription.',
      hint: expect.stringContaining('alarm-to-slack init --name mission'),
    });
    expect(clock.sleeps).toEqual([1000, 2000, ...Array<number>(14).fill(4000), 1000]);
    expect(filters(aws)).toHaveLength(18);
    // A progress line about every 12 s, and the wait's own line at the end.
    expect(io.stderr.filter((l) => l.includes('nothing posted for mission-cpu-alarm ALARM yet'))).toEqual([
      '  …nothing posted for mission-cpu-alarm ALARM yet (15 s of 60 s)',
      '  …nothing posted for mission-cpu-alarm ALARM yet (27 s of 60 s)',
      '  …nothing posted for mission-cpu-alarm ALARM yet (39 s of 60 s)',
      '  …nothing posted for mission-cpu-alarm ALARM yet (51 s of 60 s)',
    ]);
    expect(io.stderr).toContain(
      '✖ Waiting for mission-lambda to post it (through SNS) — not delivered: stopped at the subscription (60.0 s)',
    );
    expect(io.resultJson).toMatchObject({
      ok: false,
      delivered: false,
      through: 'sns',
      stoppedAt: 'subscription',
      error: 'The topic mission-sns has no subscription for mission-lambda: notifications go nowhere.',
      waitedMs: 60_000,
      restoredToOk: true,
    });
    // The alarm is put back even though nothing arrived.
    expect(states(aws).map((s) => s.StateValue)).toEqual(['ALARM', 'OK']);
  });

  it('says the chain stopped at the permission when SNS may not invoke the function', async () => {
    const { fake } = mockStack(aws, { permission: 'none' });
    const io = scriptedIO({ json: true });
    await expect(
      run({ throughAlarm: true }, commandContext(io, { clock: linkedClock(fake) })),
    ).rejects.toMatchObject({ message: 'Not delivered: the chain stopped at the permission.' });
    expect(io.resultJson).toMatchObject({
      stoppedAt: 'permission',
      error: expect.stringContaining('drops every notification'),
    });
  });

  it("stops at the function with Slack's answer when the notifier fails (a revoked webhook)", async () => {
    const stack = await notifierStack(aws, [{ status: 404, body: 'no_service' }]);
    slack = stack.slack;
    const io = scriptedIO({ json: true });
    await expect(
      run({ throughAlarm: true }, commandContext(io, { clock: linkedClock(stack.fake) })),
    ).rejects.toMatchObject({
      message: 'Not delivered: the chain stopped at the function.',
      hint: expect.stringContaining('Slack rejected the webhook'),
    });
    expect(io.resultJson).toMatchObject({
      stoppedAt: 'function',
      error: 'mission-lambda ran but failed: SlackError: Slack rejected the message (404 no_service)',
    });
  });

  it('says Slack rate-limited it and that it waits in the undelivered queue (429), not that it was delivered', async () => {
    const stack = await notifierStack(aws, [
      { status: 429, body: 'rate_limited', headers: { 'retry-after': '30' } },
    ]);
    slack = stack.slack;
    const clock = linkedClock(stack.fake);
    const io = scriptedIO({ json: true });
    await expect(run({ throughAlarm: true }, commandContext(io, { clock }))).rejects.toMatchObject({
      exitCode: 1,
      message: 'Not delivered yet: Slack rate-limited it; it waits in the undelivered queue.',
      hint: expect.stringContaining('alarm-to-slack status --name mission'),
    });
    expect(io.resultJson).toMatchObject({
      ok: false,
      delivered: false,
      queued: 1,
      stoppedAt: 'slack',
      error:
        'Slack did not take the notification (Slack answered 429 rate_limited); it waits in the undelivered queue mission-undelivered and will be delivered automatically.',
    });
    expect(io.stderr).toContain(
      '  Slack rate-limited it (Slack answered 429 rate_limited): the notifier handed it to the undelivered queue mission-undelivered, which posts it paced; waiting for that.',
    );
    // The hand-off really is in the queue: the ALARM notification, as the notifier wrote it there.
    // Slack refused the ALARM, then the OK that puts the alarm back: both wait in the queue, as handed off.
    expect(slack.requests).toHaveLength(2);
    const bodies = stack.fake.find.queue('mission-undelivered').messages.map(
      (m) =>
        JSON.parse(m.body) as {
          requestContext: { condition: string };
          requestPayload: { Records: Array<{ Sns: { Subject: string } }> };
        },
    );
    expect(bodies.map((b) => [b.requestContext.condition, b.requestPayload.Records[0]?.Sns.Subject])).toEqual(
      [
        ['RateLimited', 'ALARM: "mission-cpu-alarm" in Asia Pacific (Seoul)'],
        ['RateLimited', 'OK: "mission-cpu-alarm" in Asia Pacific (Seoul)'],
      ],
    );
  });

  it('passes through another state first when the alarm is already in the one asked for', async () => {
    const { fake } = mockStack(aws, { alarmState: 'ALARM' });
    const io = scriptedIO();
    await run({ throughAlarm: true }, commandContext(io, { clock: linkedClock(fake) }));
    expect(states(aws).map((s) => s.StateValue)).toEqual(['OK', 'ALARM', 'OK']);
    expect(io.stderr).toContain(
      'mission-cpu-alarm is ALARM; setting it to OK first (Slack gets that message too).',
    );
  });

  it('leaves the alarm in OK for --state OK, and takes the RESOLVED post for it', async () => {
    const { fake } = mockStack(aws, { alarmState: 'ALARM' });
    const io = scriptedIO({ json: true });
    await run({ state: 'OK', throughAlarm: true }, commandContext(io, { clock: linkedClock(fake) }));
    expect(states(aws).map((s) => s.StateValue)).toEqual(['OK']);
    expect(io.resultJson).toMatchObject({ ok: true, delivered: true, restoredToOk: false });
  });

  it('exits 1 saying to create an alarm or the rule when the stack has neither, changing nothing', async () => {
    const { fake } = mockStack(aws, { alarm: false });
    const io = scriptedIO({ json: true });
    await expect(
      run({ throughAlarm: true }, commandContext(io, { clock: linkedClock(fake) })),
    ).rejects.toMatchObject({
      exitCode: 1,
      message: 'Not delivered: the chain stopped at the alarm.',
      hint: expect.stringMatching(
        /alarm-to-slack init --name mission --region ap-northeast-2 --instance-id <i-…>.*alarm-to-slack init --name mission --region ap-northeast-2 --every-alarm/,
      ),
    });
    expect(states(aws)).toEqual([]);
    expect(filters(aws)).toEqual([]);
    expect(io.resultJson).toMatchObject({ error: expect.stringContaining('is not set up') });
    expect(io.resultJson).not.toHaveProperty('through');
  });

  it('refuses INSUFFICIENT_DATA when the alarm notifies nobody in that state', async () => {
    const { fake } = mockStack(aws);
    const io = scriptedIO({ json: true });
    await expect(
      run(
        { state: 'INSUFFICIENT_DATA', throughAlarm: true },
        commandContext(io, { clock: linkedClock(fake) }),
      ),
    ).rejects.toMatchObject({ message: 'Not delivered: the chain stopped at the alarm-actions.' });
    expect(states(aws)).toEqual([]);
    expect(io.resultJson).toMatchObject({ error: expect.stringContaining('no INSUFFICIENT_DATA actions') });
  });
});

describe('the log lines --through-alarm understands', () => {
  /** A run against the stack seeded with `spec` whose log group shows these lines. */
  const run1 = (spec: Parameters<typeof mockStack>[1], ...lines: string[]) => {
    const { fake } = mockStack(aws, spec);
    aws.logs.on(FilterLogEventsCommand).resolves(events(...lines));
    const io = scriptedIO({ json: true });
    return run({ throughAlarm: true }, commandContext(io, { clock: linkedClock(fake) })).then(
      () => io,
      () => io,
    );
  };
  // SNS may not invoke the function: only the stubbed lines tell what happened.
  const NONE = { permission: 'none' } as const;

  it('an emulator that writes the bare lines and no START/REPORT: delivered', async () => {
    const io = await run1(
      NONE,
      'Posted to Slack after 2 attempts: 🔴 ALARM: mission-cpu-alarm in Asia Pacific (Seoul)',
    );
    expect(io.resultJson).toMatchObject({ ok: true, delivered: true, invocations: [] });
  });

  it("Lambda's JSON log format: delivered", async () => {
    const io = await run1(
      NONE,
      JSON.stringify({ time: 't', type: 'platform.start', record: { requestId: REQ } }),
      JSON.stringify({
        timestamp: 't',
        level: 'INFO',
        requestId: REQ,
        message: 'Posted to Slack: <!here> 🔴 ALARM: mission-cpu-alarm in Asia Pacific (Seoul)',
      }),
    );
    expect(io.resultJson).toMatchObject({ ok: true, delivered: true });
  });

  it('another alarm posted, one whose name only starts like ours, or ours in another state: not ours', async () => {
    const io = await run1(
      NONE,
      `2026-11-25T12:00:05.300Z\t${REQ}\tINFO\tPosted to Slack: 🔴 ALARM: mission-cpu-alarm-2 in Asia Pacific (Seoul)`,
      'Posted to Slack: ✅ RESOLVED: mission-cpu-alarm in Asia Pacific (Seoul)',
    );
    expect(io.resultJson).toMatchObject({ delivered: false, stoppedAt: 'permission' });
  });

  it("a bare runtime error line (the emulator's): failed at the function, with its error", async () => {
    const io = await run1(
      NONE,
      'ERROR Invoke Error {"errorType":"Error","errorMessage":"Could not decrypt kmsEncryptedHookUrl (AccessDeniedException: no)"}',
    );
    expect(io.resultJson).toMatchObject({
      stoppedAt: 'function',
      error:
        'mission-lambda ran but failed: Could not decrypt kmsEncryptedHookUrl (AccessDeniedException: no)',
      hint: expect.stringContaining('may not decrypt the webhook'),
    });
  });

  it('a queued record refused again: it waits in the queue, at once', async () => {
    const io = await run1(
      NONE,
      `2026-11-25T12:00:05.300Z\t${REQ}\tINFO\tRecord 0c1d2e3f not posted, left in the queue: Slack answered 503 unavailable; gave up after 6 attempts`,
    );
    expect(io.resultJson).toMatchObject({
      queued: 1,
      stoppedAt: 'slack',
      waitedMs: 0,
      error: expect.stringContaining('(Slack answered 503 unavailable; gave up after 6 attempts)'),
    });
  });

  it('a run that started and never finished: timed out', async () => {
    const io = await run1(NONE, `START RequestId: ${REQ} Version: $LATEST`);
    expect(io.resultJson).toMatchObject({
      stoppedAt: 'function',
      error: 'mission-lambda started but had not finished after 60 s.',
      hint: expect.stringContaining('timed out'),
    });
  });
});

describe('reading invocations from log lines', () => {
  it('understands the text and JSON log formats, errors and timeouts', () => {
    const other = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    expect(
      readInvocations([
        `START RequestId: ${REQ} Version: $LATEST`,
        `2026-11-25T12:00:15.020Z ${REQ} Task timed out after 15.02 seconds`,
        `REPORT RequestId: ${REQ}\tDuration: 15020.00 ms\tStatus: timeout`,
        JSON.stringify({ time: 't', type: 'platform.start', record: { requestId: other } }),
        JSON.stringify({
          timestamp: 't',
          level: 'ERROR',
          requestId: other,
          errorType: 'AccessDeniedException',
          errorMessage: 'no kms:Decrypt',
        }),
        JSON.stringify({ time: 't', type: 'platform.report', record: { requestId: other, status: 'error' } }),
      ]),
    ).toEqual([
      { requestId: REQ, finished: true, error: 'Task timed out after 15.02 seconds' },
      { requestId: other, finished: true, error: 'AccessDeniedException: no kms:Decrypt' },
    ]);
  });
});

describe('interrupting --through-alarm', () => {
  it('sets the alarm back to OK and exits 130 on Ctrl-C while waiting', async () => {
    const { fake } = mockStack(aws, { permission: 'none' });
    const controller = new AbortController();
    const clock = interruptedClock(fake, controller);
    const io = scriptedIO({ json: true });
    await expect(
      run({ throughAlarm: true }, commandContext(io, { signal: controller.signal, clock })),
    ).rejects.toMatchObject({ exitCode: 130 });
    expect(states(aws).map((s) => s.StateValue)).toEqual(['ALARM', 'OK']);
    expect(io.stdout).toEqual([]);
  });
});
