/**
 * `mapLimit(items, limit, fn)`: fn over every item with at most `limit` calls in flight, results in the
 * items' order. For writes against a low per-account rate quota (PutMetricAlarm), where a few at a time
 * plus the SDK's throttling-aware retries finish sooner than all at once followed by retry storms.
 */
import { CliError } from './errors.js';

/**
 * On the first failure no further item is started; the calls already running are awaited, then the first
 * error is thrown, so no call is still running once the caller sees it. An aborted signal likewise stops
 * starting items and throws its reason. To collect every outcome instead, let fn return it (catch inside).
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  opts: { signal?: AbortSignal | undefined } = {},
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new CliError(`mapLimit: limit must be a whole number ≥ 1, not ${limit}.`);
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const stopped = () => failure !== undefined || opts.signal?.aborted === true;
  const worker = async () => {
    while (!stopped() && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  // Aborted before every item was started: the results are incomplete.
  if (next < items.length && opts.signal?.aborted) throw opts.signal.reason;
  return results;
}
