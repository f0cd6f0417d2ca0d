import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postToSlack, SlackError, settings } from '../../handler-template/deliver.mjs';
import { type FakeSlack, fakeSlack, HOOK_PATH, OK, type SlackRequest, virtualTime } from './fake-slack.js';

const payload = { text: '🔴 ALARM: mission-cpu-alarm in Asia Pacific (Seoul)', blocks: [] };
const body = JSON.stringify(payload);

let slack: FakeSlack;
let logs: string[];
afterEach(async () => {
  await slack.close();
});
beforeEach(() => {
  logs = [];
});

/** Posts with a 15 s virtual budget (the function's timeout), no real sleeping and no jitter unless asked. */
async function post(budgetMs = 15_000, extra: Parameters<typeof postToSlack>[2] = {}) {
  const time = virtualTime(budgetMs);
  const run = postToSlack(slack.url, payload, {
    remainingMs: time.context.getRemainingTimeInMillis,
    sleep: time.sleep,
    log: (l) => logs.push(l),
    random: () => 0,
    ...extra,
  });
  return { run, sleeps: time.sleeps };
}

async function failure(promise: Promise<unknown>): Promise<SlackError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SlackError);
  return error as SlackError;
}

describe('postToSlack', () => {
  it('POSTs the payload once as JSON and resolves when Slack answers 200 ok', async () => {
    slack = await fakeSlack([OK]);
    const { run, sleeps } = await post();
    await expect(run).resolves.toEqual({ attempts: 1 });
    expect(slack.requests).toHaveLength(1);
    const [request] = slack.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(HOOK_PATH);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toBe(body);
    expect(sleeps).toEqual([]);
  });

  it('retries a 500 with exponential backoff and posts the identical body again', async () => {
    slack = await fakeSlack([{ status: 500, body: 'internal_error' }, { status: 503, body: '' }, OK]);
    const { run, sleeps } = await post();
    await expect(run).resolves.toEqual({ attempts: 3 });
    expect(slack.requests.map((r) => r.body)).toEqual([body, body, body]);
    expect(sleeps).toEqual([500, 1000]);
    expect(logs).toEqual([
      'Slack answered 500 internal_error; retrying in 500 ms (attempt 2)',
      'Slack answered 503; retrying in 1000 ms (attempt 3)',
    ]);
  });

  it('honours Retry-After on a 429', async () => {
    slack = await fakeSlack([{ status: 429, body: 'rate_limited', headers: { 'retry-after': '3' } }, OK]);
    const { run, sleeps } = await post();
    await expect(run).resolves.toEqual({ attempts: 2 });
    expect(sleeps).toEqual([3000]);
    expect(slack.requests).toHaveLength(2);
  });

  it('gives up at once when Retry-After does not fit in the time left, so Lambda can retry later', async () => {
    slack = await fakeSlack([{ status: 429, body: 'rate_limited', headers: { 'retry-after': '30' } }]);
    const { run, sleeps } = await post(15_000);
    const error = await failure(run);
    expect(error.message).toBe(
      'Slack answered 429 rate_limited; gave up after 1 attempt, as waiting 30000 ms more would overrun the invocation',
    );
    expect(error.status).toBe(429);
    expect(error.retryable).toBe(true);
    expect(slack.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('keeps retrying 5xx only while the invocation has room, then throws Slack answer', async () => {
    slack = await fakeSlack([{ status: 500, body: 'internal_error' }]);
    const { run, sleeps } = await post(15_000);
    const error = await failure(run);
    // 15 s budget, 1 s safety margin: waits 0.5+1+2+4+4 s, the sixth attempt has 2.5 s, and a further 4 s wait cannot fit.
    expect(sleeps).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(slack.requests).toHaveLength(6);
    expect(error.message).toMatch(/^Slack answered 500 internal_error; gave up after 6 attempts/);
  });

  it('does not start an attempt when the invocation is nearly out of time', async () => {
    slack = await fakeSlack([OK]);
    const { run } = await post(1200);
    const error = await failure(run);
    expect(error.message).toBe('Slack was not tried: only 1200 ms of the invocation left');
    expect(slack.requests).toHaveLength(0);
  });

  it.each([
    [404, 'no_service'],
    [403, 'invalid_token'],
    [400, 'invalid_payload'],
    [404, 'channel_not_found'],
    [410, 'channel_is_archived'],
  ])('throws at once on %i %s with Slack answer and no retry', async (status, answer) => {
    slack = await fakeSlack([{ status, body: answer }, OK]);
    const { run, sleeps } = await post();
    const error = await failure(run);
    expect(error.message).toBe(`Slack rejected the message (${status} ${answer})`);
    expect(error.retryable).toBe(false);
    expect(slack.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries a connection dropped without an answer', async () => {
    slack = await fakeSlack(['reset', OK]);
    const { run, sleeps } = await post();
    await expect(run).resolves.toEqual({ attempts: 2 });
    expect(slack.requests).toHaveLength(2);
    expect(sleeps).toEqual([500]);
    expect(logs[0]).toMatch(/^Slack could not be reached \(.+\); retrying in 500 ms \(attempt 2\)$/);
  });

  it('times an attempt out after attemptTimeoutMs and retries', async () => {
    slack = await fakeSlack(['hang', OK]);
    const { run } = await post(15_000, { attemptTimeoutMs: 100, minAttemptMs: 50 });
    await expect(run).resolves.toEqual({ attempts: 2 });
    expect(logs[0]).toBe(
      'Slack could not be reached (no answer within 100 ms); retrying in 500 ms (attempt 2)',
    );
  });

  it('never puts the webhook URL or its path in errors or logs', async () => {
    slack = await fakeSlack(['reset', { status: 404, body: 'no_service' }]);
    const { run } = await post();
    const error = await failure(run);
    for (const text of [error.message, ...logs]) {
      expect(text).not.toContain('/services/');
      expect(text).not.toContain('XXXX');
    }
  });

  it('scrubs the URL, its path and its secret segments from an answer that echoes them (502, then 404)', async () => {
    const echo = (r: SlackRequest) =>
      `<html>No hook at http://${r.headers.host}${r.path} (POST ${r.path}); team T000, hook B000/XXXX</html>`;
    slack = await fakeSlack([
      { status: 502, body: echo },
      { status: 404, body: echo },
    ]);
    const { run } = await post();
    const error = await failure(run);
    expect(slack.requests).toHaveLength(2);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(
      /^Slack answered 502 <html>No hook at … \(POST …\); team …, hook …\/…<\/html>; retrying/,
    );
    expect(error.message).toMatch(/^Slack rejected the message \(404 <html>No hook at …/);
    for (const text of [error.message, String(error.stack), ...logs]) {
      for (const secret of [slack.url, HOOK_PATH, 'services/T000', 'T000', 'B000', 'XXXX'])
        expect(text).not.toContain(secret);
    }
  });

  it('does not retry a URL fetch cannot even parse, and does not show it', async () => {
    slack = await fakeSlack([OK]);
    const time = virtualTime(15_000);
    const error = await failure(
      postToSlack('http://127.0.0.1:99999/services/T000/B000/XXXX', payload, {
        sleep: time.sleep,
        remainingMs: time.context.getRemainingTimeInMillis,
        log: (l) => logs.push(l),
      }),
    );
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('Could not post to Slack (ERR_INVALID_URL: Failed to parse URL from …)');
    expect(time.sleeps).toEqual([]);
    expect(logs).toEqual([]);
    for (const secret of ['99999/services', 'T000', 'B000', 'XXXX'])
      expect(error.message).not.toContain(secret);
  });

  it('without a time budget, stops after maxAttempts (6)', async () => {
    slack = await fakeSlack([{ status: 500, body: 'internal_error' }]);
    const sleeps: number[] = [];
    const run = postToSlack(slack.url, payload, {
      random: () => 0,
      log: (l) => logs.push(l),
      sleep: async (ms) => {
        sleeps.push(ms);
        if (sleeps.length > 20) throw new Error('still retrying after 20 waits');
      },
    });
    const error = await failure(run);
    expect(error.message).toBe('Slack answered 500 internal_error; gave up after 6 attempts');
    expect(slack.requests).toHaveLength(6);
    expect(sleeps).toEqual([500, 1000, 2000, 4000, 4000]);
  });

  it('honours Retry-After on a 503 too', async () => {
    slack = await fakeSlack([{ status: 503, body: 'busy', headers: { 'retry-after': '3' } }, OK]);
    const { run, sleeps } = await post();
    await expect(run).resolves.toEqual({ attempts: 2 });
    expect(sleeps).toEqual([3000]);
  });

  it.each([429, 503])('honours Retry-After given as an HTTP date on a %i', async (status) => {
    const at = new Date(Date.now() + 7000).toUTCString();
    slack = await fakeSlack([{ status, body: 'later', headers: { 'retry-after': at } }, OK]);
    const { run, sleeps } = await post();
    await expect(run).resolves.toEqual({ attempts: 2 });
    expect(sleeps).toHaveLength(1);
    // The date has a resolution of a second.
    expect(sleeps[0]).toBeGreaterThan(5000);
    expect(sleeps[0]).toBeLessThanOrEqual(7000);
  });

  it('stretches a Retry-After wait by up to a half (jitter), so that rate-limited invocations do not retry in step', async () => {
    slack = await fakeSlack([{ status: 429, body: 'rate_limited', headers: { 'retry-after': '2' } }, OK]);
    const { run, sleeps } = await post(15_000, { random: () => 0.5 });
    await expect(run).resolves.toEqual({ attempts: 2 });
    expect(sleeps).toEqual([2500]);
    expect(logs).toEqual(['Slack answered 429 rate_limited; retrying in 2500 ms (attempt 2)']);
  });

  it('never waits less than Retry-After, and gives up when the stretched wait would overrun the invocation', async () => {
    slack = await fakeSlack([{ status: 429, body: 'rate_limited', headers: { 'retry-after': '8' } }, OK]);
    // 8 s fits in 15 s, but 8 × 1.5 = 12 s leaves less than the 1 s margin and a 0.5 s attempt
    const { run, sleeps } = await post(13_000, { random: () => 0.99999 });
    const error = await failure(run);
    expect(error.message).toMatch(
      /^Slack answered 429 rate_limited; gave up after 1 attempt, as waiting 1200\d ms more/,
    );
    expect(sleeps).toEqual([]);
  });

  it('with failOnRateLimit, throws a 429 at once (the caller hands the message on), but still retries a 5xx', async () => {
    slack = await fakeSlack([
      { status: 500 },
      { status: 429, body: 'rate_limited', headers: { 'retry-after': '1' } },
    ]);
    const { run, sleeps } = await post(15_000, { failOnRateLimit: true });
    const error = await failure(run);
    expect(error.message).toBe('Slack answered 429 rate_limited');
    expect(error.status).toBe(429);
    expect(error.retryable).toBe(true);
    expect(slack.requests).toHaveLength(2);
    expect(sleeps).toEqual([500]);
  });

  it('reads a Retry-After date against the injected clock', async () => {
    const now = Date.parse('2026-11-24T10:42:27.000Z');
    slack = await fakeSlack([
      { status: 429, headers: { 'retry-after': 'Tue, 24 Nov 2026 10:42:31 GMT' } },
      { status: 429, headers: { 'retry-after': 'Tue, 24 Nov 2026 10:00:00 GMT' } },
      OK,
    ]);
    const { run, sleeps } = await post(15_000, { now: () => now });
    await expect(run).resolves.toEqual({ attempts: 3 });
    // a date in the past is no wait: the backoff step applies
    expect(sleeps).toEqual([4000, 1000]);
  });

  it('does not follow a redirect (a POST would turn into a GET): refused with the 3xx, no retry', async () => {
    slack = await fakeSlack([{ status: 302, body: 'moved', headers: { location: '/elsewhere' } }, OK]);
    const { run, sleeps } = await post();
    const error = await failure(run);
    expect(error.message).toBe('Slack rejected the message (302 moved)');
    expect(error.status).toBe(302);
    expect(error.retryable).toBe(false);
    expect(slack.requests.map((r) => [r.method, r.path])).toEqual([['POST', HOOK_PATH]]);
    expect(sleeps).toEqual([]);
  });

  it('jitters the backoff with the injected random source: a random r waits (1 - r/2) of the step', async () => {
    slack = await fakeSlack([{ status: 500 }, { status: 500 }, { status: 500 }, OK]);
    const { run, sleeps } = await post(15_000, { random: () => 0.5 });
    await expect(run).resolves.toEqual({ attempts: 4 });
    expect(sleeps).toEqual([375, 750, 1500]);
  });

  it('by default jitters between half and all of each step, never below Retry-After', async () => {
    slack = await fakeSlack([
      { status: 500 },
      { status: 500 },
      { status: 429, headers: { 'retry-after': '1' } },
      OK,
    ]);
    const time = virtualTime(15_000);
    const run = postToSlack(slack.url, payload, {
      remainingMs: time.context.getRemainingTimeInMillis,
      sleep: time.sleep,
      log: (l) => logs.push(l),
    });
    await expect(run).resolves.toEqual({ attempts: 4 });
    const [first, second, third] = time.sleeps;
    expect(first).toBeGreaterThanOrEqual(250);
    expect(first).toBeLessThanOrEqual(500);
    expect(second).toBeGreaterThanOrEqual(500);
    expect(second).toBeLessThanOrEqual(1000);
    expect(third).toBeGreaterThanOrEqual(1000);
    expect(third).toBeLessThanOrEqual(2000);
  });

  it('uses the module settings for what the caller does not give', async () => {
    slack = await fakeSlack([{ status: 502 }, OK]);
    const saved = { ...settings };
    const slept: number[] = [];
    settings.sleep = async (ms) => {
      slept.push(ms);
    };
    settings.baseDelayMs = 7;
    settings.random = () => 0;
    settings.log = () => {};
    try {
      await expect(postToSlack(slack.url, payload)).resolves.toEqual({ attempts: 2 });
    } finally {
      Object.assign(settings, saved);
    }
    expect(slept).toEqual([7]);
  });
});
