import type { Clock } from '../../src/clock.js';

export const NOW = Date.parse('2026-11-24T10:42:27.519Z');

export interface FakeClock extends Clock {
  /** Every wait asked for, in ms, in order. */
  sleeps: number[];
  /** Moves the time on without a sleep. */
  advance(ms: number): void;
}

/**
 * A clock that only sleeps move on: each sleep returns at once, records its length and advances `now`
 * by it (so retry budgets are spent without waiting). A sleep with an aborted signal rejects, as the
 * system clock's does. Ids are numbered UUIDs; random is fixed (no jitter) unless given.
 */
export function fakeClock(opts: { now?: number; random?: () => number } = {}): FakeClock {
  let now = opts.now ?? NOW;
  let ids = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += ms;
    },
    random: opts.random ?? (() => 0),
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  };
}
