import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postToSlack, SlackError, settings } from '../../handler-template/deliver.mjs';
import { type FakeSlack, fakeSlack, HOOK_PATH, OK, virtualTime } from './fake-slack.js';

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

/** Posts with a 15 s virtual budget (the function's timeout) and no real sleeping. */
async function post(budgetMs = 15_000, extra: Parameters<typeof postToSlack>[2] = {}) {
  const time = virtualTime(budgetMs);
  const run = postToSlack(slack.url, payload, {
    remainingMs: time.context.getRemainingTimeInMillis,
    sleep: time.sleep,
    log: (l) => logs.push(l),
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
    const bad = postToSlack('http://127.0.0.1:notaport/services/T000/B000/XXXX', payload, {
      sleep: async () => {},
      remainingMs: () => 1600,
      log: (l) => logs.push(l),
    });
    const malformed = await failure(bad);
    for (const text of [error.message, malformed.message, ...logs]) {
      expect(text).not.toContain('/services/');
      expect(text).not.toContain('XXXX');
    }
    expect(malformed.message).toContain('<webhook URL>');
  });

  it('uses the module settings for what the caller does not give', async () => {
    slack = await fakeSlack([{ status: 502 }, OK]);
    const saved = { ...settings };
    const slept: number[] = [];
    settings.sleep = async (ms) => {
      slept.push(ms);
    };
    settings.baseDelayMs = 7;
    settings.log = () => {};
    try {
      await expect(postToSlack(slack.url, payload)).resolves.toEqual({ attempts: 2 });
    } finally {
      Object.assign(settings, saved);
    }
    expect(slept).toEqual([7]);
  });
});
