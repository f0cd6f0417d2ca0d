import { describe, expect, it } from 'vitest';
import { mapLimit } from '../src/map-limit.js';

/** A call that finishes only when released, recording how many run at once. */
function gate() {
  let running = 0;
  let most = 0;
  const started: number[] = [];
  const waiting = new Map<number, { resolve: () => void; reject: (e: unknown) => void }>();
  const fn = (item: number) => {
    started.push(item);
    running += 1;
    most = Math.max(most, running);
    return new Promise<number>((resolve, reject) => {
      waiting.set(item, {
        resolve: () => {
          running -= 1;
          resolve(item * 10);
        },
        reject: (e) => {
          running -= 1;
          reject(e);
        },
      });
    });
  };
  const tick = () => new Promise((r) => setImmediate(r));
  return { fn, started, waiting, tick, most: () => most, running: () => running };
}

describe('mapLimit', () => {
  it('runs at most `limit` calls at once and keeps the results in the order of the items', async () => {
    const g = gate();
    const done = mapLimit([1, 2, 3, 4, 5, 6, 7], 3, g.fn);
    await g.tick();
    expect(g.started).toEqual([1, 2, 3]);
    // Finish out of order: the next item starts in the freed place.
    for (const item of [2, 1, 4, 3, 6, 5, 7]) {
      g.waiting.get(item)?.resolve();
      await g.tick();
    }
    expect(await done).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(g.most()).toBe(3);
    expect(g.started).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('starts nothing after a failure, waits for the calls running, then throws the first error', async () => {
    const g = gate();
    let settled = false;
    const done = mapLimit([1, 2, 3, 4, 5], 2, g.fn).finally(() => {
      settled = true;
    });
    await g.tick();
    g.waiting.get(1)?.reject(new Error('Throttling: Rate exceeded'));
    await g.tick();
    expect(g.started).toEqual([1, 2]);
    expect(settled).toBe(false); // item 2 is still being written
    g.waiting.get(2)?.resolve();
    await expect(done).rejects.toThrow('Throttling: Rate exceeded');
    expect(g.started).toEqual([1, 2]);
    expect(g.running()).toBe(0);
  });

  it('stops starting items once the signal is aborted, and throws its reason', async () => {
    const g = gate();
    const abort = new AbortController();
    const done = mapLimit([1, 2, 3], 1, g.fn, { signal: abort.signal });
    await g.tick();
    abort.abort(new Error('Interrupted.'));
    g.waiting.get(1)?.resolve();
    await expect(done).rejects.toThrow('Interrupted.');
    expect(g.started).toEqual([1]);
  });

  it('handles no items and a limit above their number', async () => {
    expect(await mapLimit([], 3, async () => 1)).toEqual([]);
    expect(await mapLimit(['a', 'b'], 10, async (s, i) => `${s}${i}`)).toEqual(['a0', 'b1']);
  });

  it('refuses a limit that is not a whole number of at least 1', async () => {
    await expect(mapLimit([1], 0, async () => 1)).rejects.toThrow('limit must be a whole number ≥ 1, not 0');
    await expect(mapLimit([1], 1.5, async () => 1)).rejects.toThrow('not 1.5');
  });
});
