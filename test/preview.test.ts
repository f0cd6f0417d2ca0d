import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatEventBridge, formatRecord } from '../handler-template/format.mjs';
import type { SlackPayload } from '../handler-template/types.js';
import type { CommandContext, GlobalOptions } from '../src/commands/context.js';
import { run } from '../src/commands/preview.js';
import { describeError, EXIT } from '../src/errors.js';
import { sampleEventBridgeEvent, sampleSnsEvent } from '../src/events/sample.js';
import { type FakeSlack, fakeSlack, HOOK_PATH, OK } from './handler/fake-slack.js';
import { type FakeClock, fakeClock, NOW } from './helpers/clock.js';
import { scriptedIO } from './helpers/io.js';

/** Only the (instant, recorded) sleeps move it on, so retries spend the time budget without waiting; no jitter. */
let clock: FakeClock = fakeClock({ now: NOW });
beforeEach(() => {
  clock = fakeClock({ now: NOW });
});

function context(opts: { json?: boolean; env?: NodeJS.ProcessEnv; globals?: Partial<GlobalOptions> } = {}) {
  const io = scriptedIO({ json: opts.json ?? false });
  const ctx: CommandContext = {
    globals: { json: opts.json ?? false, yes: false, color: false, debug: false, ...opts.globals },
    io,
    env: opts.env ?? {},
    signal: new AbortController().signal,
    clock,
    connect: () => Promise.reject(new Error('preview must not touch AWS')),
  };
  return { ctx, io };
}

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeDefined();
  return describeError(error);
}

let slack: FakeSlack | undefined;
afterEach(async () => {
  await slack?.close();
  slack = undefined;
});

describe('alarm-to-slack preview', () => {
  it('prints the payload the notifier builds for a sample ALARM of the default stack', async () => {
    const { ctx, io } = context();
    await run({ state: 'ALARM' }, ctx);
    expect(io.stdout).toHaveLength(1);
    const payload = JSON.parse(io.stdout[0] ?? '') as SlackPayload;
    expect(io.stdout[0]).toBe(JSON.stringify(payload, null, 2));
    expect(payload.text).toBe('🔴 ALARM: alarm-to-slack-cpu-alarm in US East (N. Virginia)');
    expect(payload.attachments?.[0]?.color).toBe('#E01E5A');
    const blocks = JSON.stringify(payload.attachments?.[0]?.blocks);
    expect(blocks).toContain(
      'CPUUtilization (AWS/EC2, InstanceId=i-0123456789abcdef0) Average ≥ 50 for 1 datapoint within 1 minute',
    );
    // A datapoint is stamped at the start of its period, as CloudWatch does.
    expect(blocks).toContain('[87.5 (24/11/26 10:41:00)] was greater than or equal to the threshold (50.0)');
    expect(blocks).toContain(
      'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/alarm-to-slack-cpu-alarm',
    );
    expect(blocks).toContain('<!date^1795516947^{date_short_pretty} {time_secs}|2026-11-24 10:42:27 UTC>');
    expect(io.stderr).toEqual([]);
  });

  it("is exactly what the handler's own format module makes of the sample event", async () => {
    const { ctx, io } = context({ globals: { name: 'mission', region: 'ap-northeast-2' } });
    await run({ state: 'OK', channel: '#ops', mention: '<!here>' }, ctx);
    const event = sampleSnsEvent({
      stack: 'mission',
      state: 'OK',
      region: 'ap-northeast-2',
      now: new Date(NOW),
      newId: fakeClock().newId, // the same ids as the command's fresh clock gave
    });
    const expected = formatRecord(event.Records[0] ?? {}, { channel: '#ops', mention: '<!here>' });
    expect(io.resultJson).toEqual(expected);
    expect((io.resultJson as SlackPayload).text).toBe(
      '✅ RESOLVED: mission-cpu-alarm in Asia Pacific (Seoul)',
    );
    expect((io.resultJson as SlackPayload).channel).toBe('#ops');
  });

  it.each([
    ['OK', '✅ RESOLVED: alarm-to-slack-cpu-alarm in Europe (Ireland)', '#2EB67D'],
    ['insufficient_data', '⚪ INSUFFICIENT_DATA: alarm-to-slack-cpu-alarm in Europe (Ireland)', '#9E9E9E'],
  ])('--state %s (region from AWS_REGION)', async (state, text, color) => {
    const { ctx, io } = context({ env: { AWS_REGION: 'eu-west-1' } });
    await run({ state }, ctx);
    const payload = io.resultJson as SlackPayload;
    expect(payload.text).toBe(text);
    expect(payload.attachments?.[0]?.color).toBe(color);
  });

  it('adds the mention to ALARM messages only', async () => {
    const alarm = context();
    await run({ state: 'ALARM', mention: '<!here>' }, alarm.ctx);
    expect((alarm.io.resultJson as SlackPayload).text).toBe(
      '<!here> 🔴 ALARM: alarm-to-slack-cpu-alarm in US East (N. Virginia)',
    );
    const ok = context();
    await run({ state: 'OK', mention: '<!here>' }, ok.ctx);
    expect(JSON.stringify(ok.io.resultJson)).not.toContain('<!here>');
  });

  it('--json prints the payload as the one JSON document', async () => {
    const { ctx, io } = context({ json: true });
    await run({ state: 'ALARM' }, ctx);
    expect(io.stdout).toHaveLength(1);
    expect(JSON.parse(io.stdout[0] ?? '')).toEqual(io.resultJson);
    expect((io.resultJson as SlackPayload).blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '🔴 ALARM: alarm-to-slack-cpu-alarm', emoji: true },
    });
  });

  it.each([
    [{ state: 'PANIC' }, {}, '--state must be one of ALARM, OK, INSUFFICIENT_DATA; got "PANIC".'],
    [{ webhookUrl: 'ftp://hooks.slack.com/services/T000/B000/XXXX' }, {}, '--webhook-url must use https'],
    [{ webhookUrl: 'not a url' }, {}, '--webhook-url is not a valid URL'],
  ])('exits 2 on bad input %j %j before printing anything', async (options, env, message) => {
    const { ctx, io } = context({ env });
    const { exitCode, message: text } = await failure(run(options, ctx));
    expect(exitCode).toBe(EXIT.usage);
    expect(text).toContain(message);
    expect(text).not.toContain('T000/B000');
    expect(io.stdout).toEqual([]);
  });

  it('exits 2 on a bad --region or --name', async () => {
    const region = context({ globals: { region: 'Seoul' } });
    expect((await failure(run({}, region.ctx))).exitCode).toBe(EXIT.usage);
    const name = context({ globals: { name: '1-bad' } });
    expect((await failure(run({}, name.ctx))).exitCode).toBe(EXIT.usage);
  });
});

describe('alarm-to-slack preview --source eventbridge', () => {
  it.each([
    ['ALARM', '🔴 ALARM: mission-cpu-alarm in Asia Pacific (Seoul)', 'OK → ALARM'],
    ['OK', '✅ RESOLVED: mission-cpu-alarm in Asia Pacific (Seoul)', 'ALARM → OK (resolved)'],
    [
      'INSUFFICIENT_DATA',
      '⚪ INSUFFICIENT_DATA: mission-cpu-alarm in Asia Pacific (Seoul)',
      'OK → INSUFFICIENT_DATA',
    ],
  ])("shows what the notifier makes of the rule's %s event", async (state, text, change) => {
    const { ctx, io } = context({ globals: { name: 'mission', region: 'ap-northeast-2' } });
    await run({ state, source: 'eventbridge' }, ctx);
    const payload = io.resultJson as SlackPayload;
    expect(payload.text).toBe(text);
    const all = JSON.stringify(payload);
    expect(all).not.toMatch(/undefined|null|NaN/);
    expect(all).toContain(`*State*\\n${change}`);
    // The console link from resources[0], and the region's display name from its code.
    expect(all).toContain(
      'https://ap-northeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-2#alarmsV2:alarm/mission-cpu-alarm',
    );
    expect(all).toContain('*Region*\\nAsia Pacific (Seoul)');
    expect(all).toContain('CPUUtilization (AWS/EC2, InstanceId=i-0123456789abcdef0) Average per 1 minute');
    expect(all).toContain('*Account*\\n123456789012');
  });

  it("is exactly what the handler's formatEventBridge makes of the sample event, shaped like the fixtures", async () => {
    const { ctx, io } = context({ globals: { region: 'us-east-1' } });
    await run({ state: 'ALARM', source: 'EventBridge', mention: '<!here>' }, ctx);
    const event = sampleEventBridgeEvent({
      stack: 'alarm-to-slack',
      state: 'ALARM',
      region: 'us-east-1',
      now: new Date(NOW),
      newId: fakeClock().newId,
    });
    expect(io.resultJson).toEqual(formatEventBridge(event, { mention: '<!here>' }));
    expect((io.resultJson as SlackPayload).text).toBe(
      '<!here> 🔴 ALARM: alarm-to-slack-cpu-alarm in US East (N. Virginia)',
    );
    // The keys of an EventBridge alarm event as AWS documents it (the fixture).
    const fixture = JSON.parse(
      readFileSync(new URL('./fixtures/eventbridge-metric-alarm.json', import.meta.url), 'utf8'),
    ) as Record<string, Record<string, unknown>>;
    const keys = (o: object | undefined) => Object.keys(o ?? {}).sort();
    expect(keys(event)).toEqual(keys(fixture));
    expect(keys(event.detail)).toEqual(keys(fixture.detail));
    expect(keys(event.detail.state)).toEqual(keys(fixture.detail?.state as object));
    expect(event.time).toBe('2026-11-24T10:42:27Z');
    expect(event.resources).toEqual([
      'arn:aws:cloudwatch:us-east-1:123456789012:alarm:alarm-to-slack-cpu-alarm',
    ]);
    expect(JSON.parse(event.detail.state.reasonData)).toMatchObject({
      recentDatapoints: [87.5],
      threshold: 50,
    });
  });

  it('exits 2 on another --source before printing anything', async () => {
    const { ctx, io } = context();
    const { exitCode, message } = await failure(run({ source: 'sqs' }, ctx));
    expect(exitCode).toBe(EXIT.usage);
    expect(message).toBe('--source must be one of sns, eventbridge; got "sqs".');
    expect(io.stdout).toEqual([]);
  });
});

describe('alarm-to-slack preview --webhook-url', () => {
  it('posts the printed payload once, as JSON, and reports success without the URL', async () => {
    slack = await fakeSlack([OK]);
    const { ctx, io } = context();
    await run({ state: 'ALARM', webhookUrl: slack.url }, ctx);
    expect(slack.requests).toHaveLength(1);
    const [request] = slack.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(HOOK_PATH);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual(io.resultJson);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(
      /^✔ Post the ALARM sample to 127\.0\.0\.1:\d+\/services\/T000\/\*\*\*\* .*Slack accepted it/,
    );
    for (const line of [...io.stdout, ...io.stderr]) expect(line).not.toContain('B000/XXXX');
  });

  it('does not post because SLACK_WEBHOOK_URL is exported: only --webhook-url posts', async () => {
    slack = await fakeSlack([OK]);
    for (const url of [slack.url, 'http://hooks.slack.com/services/T000/B000/XXXX']) {
      const { ctx, io } = context({ env: { SLACK_WEBHOOK_URL: url } });
      await run({ state: 'ALARM' }, ctx);
      expect(io.stdout).toHaveLength(1);
      expect(io.stderr).toEqual([]);
    }
    expect(slack.requests).toHaveLength(0);
  });

  it('retries a 500 like the function does', async () => {
    slack = await fakeSlack([{ status: 500, body: 'internal_error' }, OK]);
    const { ctx, io } = context();
    await run({ state: 'OK', webhookUrl: slack.url }, ctx);
    expect(slack.requests).toHaveLength(2);
    expect(clock.sleeps).toEqual([500]);
    expect(io.stderr[0]).toBe('Slack answered 500 internal_error; retrying in 500 ms (attempt 2)');
    expect(io.stderr[1]).toMatch(/Slack accepted it after 2 attempts/);
  });

  it.each([
    [404, 'no_service', 'The webhook was revoked or mistyped'],
    [403, 'invalid_token', 'The webhook was revoked or mistyped'],
    [410, 'channel_is_archived', "The webhook's channel is archived or gone"],
  ])('exits 1 with Slack answer %i %s and a hint', async (status, body, hint) => {
    slack = await fakeSlack([{ status, body }]);
    const { ctx, io } = context();
    const error = await failure(run({ state: 'ALARM', webhookUrl: slack.url }, ctx));
    expect(error.exitCode).toBe(EXIT.failure);
    expect(error.message).toBe(`Slack rejected the message (${status} ${body})`);
    expect(error.hint).toContain(hint);
    expect(slack.requests).toHaveLength(1);
    expect(io.stdout).toHaveLength(1);
    expect(io.stderr[0]).toMatch(
      /^✖ Post the ALARM sample to 127\.0\.0\.1:\d+\/services\/T000\/\*\*\*\* .*failed/,
    );
  });

  it("gives up on a webhook it cannot reach within the function's 15 s budget", async () => {
    const { ctx, io } = context();
    // A loopback port nobody listens on: connection refused, no packet leaves the machine.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(run({ webhookUrl: `http://127.0.0.1:${port}/hooks/T000/B000/XXXX` }, ctx));
    // The function's 15 s budget less 1 s margin: 0.5+1+2+4+4 s of backoff, and 4 s more would not fit.
    expect(clock.sleeps).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(error.exitCode).toBe(EXIT.failure);
    expect(error.message).toMatch(/^Slack could not be reached \(.+\); gave up after 6 attempts/);
    expect(error.message).not.toContain('B000/XXXX');
    expect(io.stderr.join('\n')).not.toContain('B000/XXXX');
  });
});

// The bundle, built by test/global-build.ts before any test file runs (so never a stale one).
describe('the built binary', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));

  it('runs `preview --state OK --json` with handler-template/ found from dist/', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [
        fileURLToPath(new URL('../dist/cli.js', import.meta.url)),
        'preview',
        '--state',
        'OK',
        '--json',
        '--name',
        'mission',
        '--region',
        'ap-northeast-2',
      ],
      { cwd: root, env: { PATH: process.env.PATH ?? '', CI: 'true' } },
    );
    expect(stderr).toBe('');
    const payload = JSON.parse(stdout) as SlackPayload;
    expect(payload.text).toBe('✅ RESOLVED: mission-cpu-alarm in Asia Pacific (Seoul)');
    expect(payload.attachments?.[0]?.color).toBe('#2EB67D');
  });
});
