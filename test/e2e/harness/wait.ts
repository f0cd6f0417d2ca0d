/**
 * Waiting for something AWS does asynchronously (SNS delivery, a queued invocation): polls `check`
 * until it returns a value other than undefined/false, or fails after `timeoutMs` saying what it
 * waited for. Never a fixed sleep: the suite runs with and without HARNESS_ASYNC.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let delay = opts.intervalMs ?? 100;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, Math.max(deadline - Date.now(), 1))));
    delay = Math.min(delay * 2, 1000);
  }
}
