// Posting to Slack: a per-attempt timeout, retries with backoff for network errors, 5xx and 429
// (honouring Retry-After) while the invocation has time left, and Slack's own answer on a refusal.

/**
 * @typedef {object} DeliverOptions
 * @property {() => number} [remainingMs] time left in the invocation (context.getRemainingTimeInMillis)
 * @property {(ms: number) => Promise<void>} [sleep]
 * @property {(line: string) => void} [log]
 * @property {number} [attemptTimeoutMs] longest wait for one answer
 * @property {number} [baseDelayMs] first backoff; doubled each retry, capped at maxDelayMs
 * @property {number} [maxDelayMs]
 * @property {number} [safetyMarginMs] time kept back so the function can still report its error
 * @property {number} [minAttemptMs] an attempt with less time than this is not started
 */

/** Module-level defaults; tests may change them (e.g. `sleep`). */
export const settings = {
  attemptTimeoutMs: 5000,
  baseDelayMs: 500,
  maxDelayMs: 4000,
  safetyMarginMs: 1000,
  minAttemptMs: 500,
  /** @param {number} ms @returns {Promise<void>} */
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  /** @param {string} line */
  log: (line) => console.log(line),
};

/** Slack refused the message or could not be reached in time; `retryable` is false for 4xx other than 429. */
export class SlackError extends Error {
  /** @param {string} message @param {{ status?: number, retryable: boolean, cause?: unknown }} info */
  constructor(message, info) {
    super(message, info.cause === undefined ? undefined : { cause: info.cause });
    this.name = 'SlackError';
    this.status = info.status;
    this.retryable = info.retryable;
  }
}

/** @param {string | null} header @returns {number | undefined} milliseconds */
function retryAfter(header) {
  const seconds = Number(header);
  if (header && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = header ? Date.parse(header) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** @param {Response} response */
async function answer(response) {
  const body = (await response.text().catch(() => '')).trim().replace(/\s+/g, ' ').slice(0, 200);
  return `${response.status}${body ? ` ${body}` : ''}`;
}

/**
 * POSTs `payload` as JSON to the webhook. Resolves with the number of attempts once Slack accepted it; throws a
 * SlackError when Slack refuses it (at once) or when retries run out of time. The URL is never logged.
 * @param {string} url @param {unknown} payload @param {DeliverOptions} [options]
 * @returns {Promise<{ attempts: number }>}
 */
export async function postToSlack(url, payload, options = {}) {
  const o = { ...settings, ...options };
  const remaining = o.remainingMs ?? (() => Number.POSITIVE_INFINITY);
  const body = JSON.stringify(payload);
  /** @type {SlackError | undefined} */
  let last;
  for (let attempt = 1; ; attempt++) {
    const timeout = Math.min(o.attemptTimeoutMs, remaining() - o.safetyMarginMs);
    if (timeout < o.minAttemptMs) {
      const left = Math.max(0, Math.round(remaining()));
      throw new SlackError(
        `${last ? `${last.message}; gave up after ${plural(attempt - 1, 'attempt')}` : 'Slack was not tried'}: only ${left} ms of the invocation left`,
        { status: last?.status, retryable: true, cause: last },
      );
    }
    /** @type {number | undefined} */
    let wait;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(timeout),
      });
      if (response.ok) {
        await response.text(); // read to the end so the connection is kept alive for the next invocation
        return { attempts: attempt };
      }
      const text = await answer(response);
      if (response.status !== 429 && response.status < 500) {
        throw new SlackError(`Slack rejected the message (${text})`, {
          status: response.status,
          retryable: false,
        });
      }
      last = new SlackError(`Slack answered ${text}`, { status: response.status, retryable: true });
      if (response.status === 429) wait = retryAfter(response.headers.get('retry-after'));
    } catch (error) {
      if (error instanceof SlackError && !error.retryable) throw error;
      if (!(error instanceof SlackError)) {
        const e = /** @type {Error & { cause?: { code?: string } }} */ (error);
        const why =
          e.name === 'TimeoutError'
            ? `no answer within ${timeout} ms`
            : `${e.cause?.code ?? e.name}: ${e.message}`;
        // fetch puts a malformed URL in its message: the URL is a credential, never let it out
        const safe = why.split(url).join('<webhook URL>');
        last = new SlackError(`Slack could not be reached (${safe})`, { retryable: true, cause: error });
      }
    }
    const backoff = Math.min(o.baseDelayMs * 2 ** (attempt - 1), o.maxDelayMs);
    const delay = Math.max(wait ?? 0, backoff);
    if (remaining() - delay - o.safetyMarginMs < o.minAttemptMs) {
      const reason = last ? last.message : 'Slack failed';
      throw new SlackError(
        `${reason}; gave up after ${plural(attempt, 'attempt')}, as waiting ${delay} ms more would overrun the invocation`,
        { status: last?.status, retryable: true, cause: last },
      );
    }
    o.log(`${last?.message ?? 'Slack failed'}; retrying in ${delay} ms (attempt ${attempt + 1})`);
    await o.sleep(delay);
  }
}

/** @param {number} n @param {string} word */
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
