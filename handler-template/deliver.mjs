// POST to Slack; network errors, 5xx and 429 retried with backoff while the invocation has time (429 and 503 after
// their Retry-After, stretched by up to a half so that invocations rate-limited together do not retry together).
/** @import { DeliverOptions, DeliverSettings } from './types.js' */

/** @type {DeliverSettings} */
export const settings = {
  attemptTimeoutMs: 5000,
  baseDelayMs: 500,
  maxDelayMs: 4000,
  maxAttempts: 6,
  safetyMarginMs: 1000,
  minAttemptMs: 500,
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  log: console.log,
  now: Date.now,
};

export class SlackError extends Error {
  /**
   * @param {string} message @param {number | undefined} status @param {boolean} retryable @param {unknown} [cause]
   * @param {string} [answer] Slack's answer (e.g. "no_service"), without the URL
   */
  constructor(message, status, retryable, cause, answer = '') {
    super(message, { cause });
    this.name = 'SlackError';
    this.status = status;
    this.retryable = retryable;
    this.answer = answer;
  }
}

/** @param {number} n */
const attempts = (n) => `${n} attempt${n === 1 ? '' : 's'}`;

/** Resolves once Slack accepts, else throws. @param {string} url @param {unknown} payload @param {DeliverOptions} [options] */
export async function postToSlack(url, payload, options = {}) {
  const o = { ...settings, ...options };
  const remaining = o.remainingMs ?? (() => Number.POSITIVE_INFINITY);
  const body = JSON.stringify(payload);
  // Answers and errors may quote the URL: hide it, its path and each segment after the first.
  const path = /^\w+:\/\/[^/]*(\/[^?#]*)/.exec(url)?.[1] ?? '';
  const secrets = [url, path, ...path.split('/').slice(2)].filter((s) => s.length > 1);
  const scrub = (/** @type {string} */ s) => secrets.reduce((t, x) => t.split(x).join('…'), s);
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
        redirect: 'manual', // a 3xx is refused, not followed as a GET
        signal: AbortSignal.timeout(timeout),
      });
      // read whole: the connection is kept
      const text = scrub((await response.text()).trim().replace(/\s+/g, ' ')).slice(0, 200);
      const status = response.status;
      if (response.ok) return { attempts: n };
      const answer = `${status}${text ? ` ${text}` : ''}`;
      if (status !== 429 && status < 500) {
        throw new SlackError(`Slack rejected the message (${answer})`, status, false, undefined, text);
      }
      last = new SlackError(`Slack answered ${answer}`, status, true);
      if (status === 429 && o.failOnRateLimit) throw last;
      // Retry-After: seconds or an HTTP date
      const after = response.headers.get('retry-after') ?? '';
      if (status === 429 || status === 503)
        wait = Math.max(0, Number(after) * 1000 || Date.parse(after) - o.now() || 0);
    } catch (error) {
      if (error instanceof SlackError) throw error;
      const e = /** @type {Error & { cause?: { code?: string } }} */ (error);
      const code = e.cause?.code ?? '';
      const timedOut = e.name === 'TimeoutError';
      const why = timedOut ? `no answer within ${timeout} ms` : scrub(`${code || e.name}: ${e.message}`);
      // only network failures are worth a retry
      const network = timedOut || /^(E[A-Z]+|EAI_AGAIN|UND_ERR_\w+)$/.test(code);
      if (!network) throw new SlackError(`Could not post to Slack (${why})`, undefined, false);
      last = new SlackError(`Slack could not be reached (${why})`, undefined, true);
    }
    // jitter: up to half the step
    const step = Math.min(o.baseDelayMs * 2 ** (n - 1), o.maxDelayMs);
    const r = o.random();
    const delay = Math.max(Math.round(wait * (1 + r / 2)), Math.round(step * (1 - r / 2)));
    const over = remaining() - delay - o.safetyMarginMs < o.minAttemptMs;
    if (over || n >= o.maxAttempts) {
      const why = over ? `, as waiting ${delay} ms more would overrun the invocation` : '';
      throw new SlackError(`${last.message}; gave up after ${attempts(n)}${why}`, last.status, true, last);
    }
    o.log(`${last.message}; retrying in ${delay} ms (attempt ${n + 1})`);
    await o.sleep(delay);
  }
}
