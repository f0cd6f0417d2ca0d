import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { INVOCATION_FILTER, readInvocations } from '../../src/aws/logs.js';
import { run } from '../../src/commands/test.js';
import { mockAws } from '../helpers/aws.js';
import { fakeClock } from '../helpers/clock.js';
import { scriptedIO } from '../helpers/io.js';
import { callNames, commandContext, LOG_GROUP, mockStack } from '../teardown/mock-stack.js';

const aws = mockAws();
beforeEach(() => aws.reset());
afterAll(() => aws.restore());

const START = Date.parse('2026-11-25T12:00:00.000Z');
const REQ = '6f1c2e3d-4b5a-4c6d-8e7f-9a0b1c2d3e4f';

/** A clock that only the (instant, recorded) sleeps move. */
const fakeTime = () => fakeClock({ now: START });

const events = (...messages: string[]) => ({
  events: messages.map((message, i) => ({ message, timestamp: START + 5000 + i, logStreamName: 's' })),
});
const DELIVERED = events(
  `START RequestId: ${REQ} Version: $LATEST`,
  `END RequestId: ${REQ}`,
  `REPORT RequestId: ${REQ}\tDuration: 400.00 ms\tBilled Duration: 400 ms\tMemory Size: 128 MB\tMax Memory Used: 80 MB`,
);
const states = () => aws.cloudwatch.commandCalls(SetAlarmStateCommand).map((c) => c.args[0].input);

describe('alarm-to-slack test --through-alarm', () => {
  it('sets the alarm to ALARM, waits for the invocation in the logs, reports it delivered, then sets OK', async () => {
    mockStack(aws);
    aws.logs
      .on(FilterLogEventsCommand)
      .resolvesOnce(events())
      .resolvesOnce(events())
      .resolvesOnce(events(`START RequestId: ${REQ} Version: $LATEST`))
      .resolves(DELIVERED);
    const time = fakeTime();
    const io = scriptedIO({ json: true });
    await run({ state: 'ALARM', throughAlarm: true }, commandContext(io, { clock: time }));

    expect(states()).toEqual([
      {
        AlarmName: 'mission-cpu-alarm',
        StateValue: 'ALARM',
        StateReason: expect.stringMatching(/^alarm-to-slack test/),
      },
      {
        AlarmName: 'mission-cpu-alarm',
        StateValue: 'OK',
        StateReason: expect.stringMatching(/^alarm-to-slack test/),
      },
    ]);
    const filters = aws.logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input);
    expect(filters).toHaveLength(4);
    for (const f of filters)
      expect(f).toEqual({
        logGroupName: LOG_GROUP,
        startTime: START - 10_000,
        filterPattern: INVOCATION_FILTER,
      });
    // Three waits between four polls, on the injected clock; a started but unfinished run is waited for.
    expect(time.sleeps).toEqual([4000, 4000, 4000]);
    // The order: look, set ALARM, poll, set OK; the function itself is never invoked directly.
    const names = callNames(aws).filter((n) => !n.startsWith('sts.'));
    expect(names.indexOf('cloudwatch.SetAlarmState')).toBeGreaterThan(names.indexOf('lambda.GetFunction'));
    expect(names.indexOf('cloudwatch.SetAlarmState')).toBeLessThan(names.indexOf('logs.FilterLogEvents'));
    expect(names.lastIndexOf('cloudwatch.SetAlarmState')).toBeGreaterThan(
      names.lastIndexOf('logs.FilterLogEvents'),
    );
    expect(aws.lambda.commandCalls(InvokeCommand)).toEqual([]);
    expect(io.resultJson).toMatchObject({
      ok: true,
      delivered: true,
      throughAlarm: true,
      alarmName: 'mission-cpu-alarm',
      state: 'ALARM',
      waitedMs: 12_000,
      restoredToOk: true,
      invocations: [{ requestId: REQ, finished: true }],
    });
    expect(io.stderr.join('\n')).toContain(
      '✔ Waiting for mission-lambda to run — invoked, no error in its logs',
    );
  });

  it('reports delivery in human output', async () => {
    mockStack(aws);
    aws.logs.on(FilterLogEventsCommand).resolves(DELIVERED);
    const io = scriptedIO();
    await run({ throughAlarm: true }, commandContext(io, { clock: fakeTime() }));
    expect(io.stdout.join('\n')).toMatch(
      /✔ mission-cpu-alarm → SNS → mission-lambda → Slack: the ALARM notification was delivered \(seen in the logs after 0 s\)\.\n {2}mission-cpu-alarm was set back to OK/,
    );
  });

  it('gives up after a minute and says the chain stopped at the missing subscription', async () => {
    mockStack(aws, { subscriptions: [] });
    const time = fakeTime();
    const io = scriptedIO({ json: true });
    await expect(run({ throughAlarm: true }, commandContext(io, { clock: time }))).rejects.toMatchObject({
      exitCode: 1,
      message: 'Not delivered: the chain stopped at the subscription.',
      hint: expect.stringContaining('alarm-to-slack init --name mission'),
    });
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBe(60_000);
    // Progress about every 12 s, and the wait's own line at the end.
    expect(io.stderr.filter((l) => l.includes('no invocation in the logs yet'))).toHaveLength(4);
    expect(io.stderr).toContain(
      '✖ Waiting for mission-lambda to run — not delivered: stopped at the subscription (60.0 s)',
    );
    expect(aws.logs.commandCalls(FilterLogEventsCommand).length).toBe(16);
    expect(io.resultJson).toMatchObject({
      ok: false,
      delivered: false,
      stoppedAt: 'subscription',
      error: 'The topic mission-sns has no subscription for mission-lambda: notifications go nowhere.',
      waitedMs: 60_000,
      restoredToOk: true,
    });
    // The alarm is put back even though nothing arrived.
    expect(states().map((s) => s.StateValue)).toEqual(['ALARM', 'OK']);
  });

  it('says the chain stopped at the permission when SNS may not invoke the function', async () => {
    mockStack(aws, { permission: 'none' });
    const io = scriptedIO({ json: true });
    await expect(
      run({ throughAlarm: true }, commandContext(io, { clock: fakeTime() })),
    ).rejects.toMatchObject({
      message: 'Not delivered: the chain stopped at the permission.',
    });
    expect(io.resultJson).toMatchObject({
      stoppedAt: 'permission',
      error: expect.stringContaining('drops every notification'),
    });
  });

  it('says the chain stopped in the function when its log shows an error', async () => {
    mockStack(aws);
    aws.logs
      .on(FilterLogEventsCommand)
      .resolves(
        events(
          `START RequestId: ${REQ} Version: $LATEST`,
          `2026-11-25T12:00:05.300Z\t${REQ}\tERROR\tInvoke Error \t{"errorType":"Error","errorMessage":"Slack answered 404 no_service","stack":["Error: Slack answered 404 no_service"]}`,
          `END RequestId: ${REQ}`,
          `REPORT RequestId: ${REQ}\tDuration: 300.00 ms\tBilled Duration: 300 ms\tMemory Size: 128 MB\tMax Memory Used: 80 MB`,
        ),
      );
    const io = scriptedIO({ json: true });
    await expect(
      run({ throughAlarm: true }, commandContext(io, { clock: fakeTime() })),
    ).rejects.toMatchObject({
      message: 'Not delivered: the chain stopped at the function.',
      hint: expect.stringContaining('Slack rejected the webhook'),
    });
    expect(io.resultJson).toMatchObject({
      stoppedAt: 'function',
      error: 'mission-lambda ran but failed: Slack answered 404 no_service',
    });
  });

  it('exits 1 saying to run init when the alarm does not exist, changing nothing', async () => {
    mockStack(aws, { alarm: false });
    const io = scriptedIO({ json: true });
    await expect(
      run({ throughAlarm: true }, commandContext(io, { clock: fakeTime() })),
    ).rejects.toMatchObject({
      exitCode: 1,
      message: 'Not delivered: the chain stopped at the alarm.',
      hint: expect.stringContaining(
        'alarm-to-slack init --name mission --region ap-northeast-2 --instance-id',
      ),
    });
    expect(states()).toEqual([]);
    expect(aws.logs.commandCalls(FilterLogEventsCommand)).toEqual([]);
  });

  it('refuses INSUFFICIENT_DATA when the alarm notifies nobody in that state', async () => {
    mockStack(aws);
    const io = scriptedIO({ json: true });
    await expect(
      run({ state: 'INSUFFICIENT_DATA', throughAlarm: true }, commandContext(io, { clock: fakeTime() })),
    ).rejects.toMatchObject({ message: 'Not delivered: the chain stopped at the alarm-actions.' });
    expect(states()).toEqual([]);
    expect(io.resultJson).toMatchObject({ error: expect.stringContaining('no INSUFFICIENT_DATA actions') });
  });

  it('passes through another state first when the alarm is already in the one asked for', async () => {
    mockStack(aws, { alarmState: 'ALARM' });
    aws.logs.on(FilterLogEventsCommand).resolves(DELIVERED);
    await run({ throughAlarm: true }, commandContext(scriptedIO(), { clock: fakeTime() }));
    expect(states().map((s) => s.StateValue)).toEqual(['OK', 'ALARM', 'OK']);
  });

  it('leaves the alarm in OK for --state OK, without a second change', async () => {
    mockStack(aws, { alarmState: 'ALARM' });
    aws.logs.on(FilterLogEventsCommand).resolves(DELIVERED);
    const io = scriptedIO({ json: true });
    await run({ state: 'OK', throughAlarm: true }, commandContext(io, { clock: fakeTime() }));
    expect(states().map((s) => s.StateValue)).toEqual(['OK']);
    expect(io.resultJson).toMatchObject({ ok: true, restoredToOk: false });
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
    mockStack(aws);
    const controller = new AbortController();
    const time = fakeTime();
    const clock = {
      ...time,
      sleep: async (ms: number) => {
        await time.sleep(ms);
        controller.abort();
        throw new DOMException('This operation was aborted', 'AbortError');
      },
    };
    const io = scriptedIO({ json: true });
    await expect(
      run({ throughAlarm: true }, commandContext(io, { signal: controller.signal, clock })),
    ).rejects.toMatchObject({ exitCode: 130 });
    expect(states().map((s) => s.StateValue)).toEqual(['ALARM', 'OK']);
    expect(io.stdout).toEqual([]);
  });
});
