// POST to Slack with a timeout; network errors, 5xx and 429 retried with backoff while the invocation has time.
/** @import { DeliverOptions, DeliverSettings } from './types.js' */

/** @type {DeliverSettings} defaults (tests may change them) */
export const settings = {
  attemptTimeoutMs: 5000,
  baseDelayMs: 500,
  maxDelayMs: 4000,
  safetyMarginMs: 1000,
  minAttemptMs: 500,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  log: console.log,
};

export class SlackError extends Error {
  /** @param {string} message @param {number | undefined} status @param {boolean} retryable @param {unknown} [cause] */
  constructor(message, status, retryable, cause) {
    super(message, { cause });
    this.name = 'SlackError';
    this.status = status;
    this.retryable = retryable;
  }
}

/** @param {number} n */
const attempts = (n) => `${n} attempt${n === 1 ? '' : 's'}`;

/**
 * Resolves once Slack accepts; throws a SlackError when Slack refuses, or when retrying would overrun the
 * invocation. Never logs the URL. @param {string} url @param {unknown} payload @param {DeliverOptions} [options]
 */
export async function postToSlack(url, payload, options = {}) {
  const o = { ...settings, ...options };
  const remaining = o.remainingMs ?? (() => Number.POSITIVE_INFINITY);
  const body = JSON.stringify(payload);
  /** @type {SlackError | undefined} */
  let last;
  for (let n = 1; ; n++) {
    const timeout = Math.min(o.attemptTimeoutMs, remaining() - o.safetyMarginMs);
    if (timeout < o.minAttemptMs) {
      const why = last ? `${last.message}; gave up after ${attempts(n - 1)}` : 'Slack was not tried';
      throw new SlackError(
        `${why}: only ${Math.round(remaining())} ms of the invocation left`,
        last?.status,
        true,
        last,
      );
    }
    let wait = 0;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(timeout),
      });
      // Read to the end, so the connection is kept for the next invocation.
      const text = (await response.text()).trim().replace(/\s+/g, ' ').slice(0, 200);
      if (response.ok) return { attempts: n };
      const answer = `${response.status}${text ? ` ${text}` : ''}`;
      if (response.status !== 429 && response.status < 500) {
        throw new SlackError(`Slack rejected the message (${answer})`, response.status, false);
      }
      last = new SlackError(`Slack answered ${answer}`, response.status, true);
      const after = Number(response.headers.get('retry-after'));
      if (response.status === 429 && after > 0) wait = after * 1000;
    } catch (error) {
      if (error instanceof SlackError) throw error;
      const e = /** @type {Error & { cause?: { code?: string } }} */ (error);
      const why =
        e.name === 'TimeoutError'
          ? `no answer within ${timeout} ms`
          : `${e.cause?.code ?? e.name}: ${e.message}`;
      // fetch puts a malformed URL in its message
      last = new SlackError(
        `Slack could not be reached (${why.split(url).join('<webhook URL>')})`,
        undefined,
        true,
        error,
      );
    }
    const delay = Math.max(wait, Math.min(o.baseDelayMs * 2 ** (n - 1), o.maxDelayMs));
    if (remaining() - delay - o.safetyMarginMs < o.minAttemptMs) {
      const why = `${last.message}; gave up after ${attempts(n)}`;
      throw new SlackError(
        `${why}, as waiting ${delay} ms more would overrun the invocation`,
        last.status,
        true,
        last,
      );
    }
    o.log(`${last.message}; retrying in ${delay} ms (attempt ${n + 1})`);
    await o.sleep(delay);
  }
}
