import { describe, expect, it } from 'vitest';
import { systemClock } from '../src/clock.js';
import { runSteps, type Step } from '../src/steps/runner.js';
import { scriptedIO } from './helpers/io.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

function recorder() {
  const events: string[] = [];
  const step = (
    id: string,
    needs: string[] = [],
    opts: { fail?: boolean; ms?: number; undo?: boolean } = {},
  ): Step => ({
    id,
    title: `Step ${id}`,
    needs,
    async run() {
      events.push(`start ${id}`);
      await tick(opts.ms ?? 5);
      if (opts.fail) {
        events.push(`fail ${id}`);
        throw Object.assign(new Error(`${id} broke`), { name: 'AccessDeniedException' });
      }
      events.push(`end ${id}`);
      return {
        status: 'created',
        value: id,
        ...(opts.undo === false ? {} : { undo: async () => void events.push(`undo ${id}`) }),
      };
    },
  });
  return { events, step };
}

describe('runSteps', () => {
  it('runs independent steps concurrently and dependants after what they need', async () => {
    const { events, step } = recorder();
    const io = scriptedIO();
    const report = await runSteps(
      [step('a', [], { ms: 20 }), step('b', [], { ms: 20 }), step('c', ['a', 'b'])],
      {
        progress: io.progress,
        clock: systemClock,
      },
    );
    expect(report.ok).toBe(true);
    expect(events.slice(0, 2).sort()).toEqual(['start a', 'start b']);
    expect(events.indexOf('start c')).toBeGreaterThan(
      Math.max(events.indexOf('end a'), events.indexOf('end b')),
    );
    expect(report.steps.map((s) => [s.id, s.status])).toEqual([
      ['a', 'created'],
      ['b', 'created'],
      ['c', 'created'],
    ]);
    expect(io.stderr).toHaveLength(3);
    expect(io.stderr[2]).toMatch(/^✔ Step c — created \(\d+ ms\)$/);
  });

  it('stops at a failure and undoes completed steps in reverse order of completion', async () => {
    const { events, step } = recorder();
    const io = scriptedIO();
    const report = await runSteps(
      [
        step('a', [], { ms: 1 }),
        step('b', ['a'], { ms: 1 }),
        step('c', ['b'], { fail: true }),
        step('d', ['c']),
      ],
      { progress: io.progress, clock: systemClock },
    );
    expect(report.ok).toBe(false);
    expect(report.failure?.id).toBe('c');
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'fail c', 'undo b', 'undo a']);
    expect(report.steps.find((s) => s.id === 'd')?.status).toBe('not-run');
    expect(report.steps.find((s) => s.id === 'c')?.error).toBe('AccessDeniedException: c broke');
    expect(report.undone.map((u) => u.id)).toEqual(['b', 'a']);
  });

  it('keeps what was created with rollback off', async () => {
    const { events, step } = recorder();
    const report = await runSteps([step('a'), step('b', ['a'], { fail: true })], {
      progress: scriptedIO().progress,
      clock: systemClock,
      rollback: false,
    });
    expect(report.ok).toBe(false);
    expect(events).not.toContain('undo a');
  });

  it('in keepGoing mode runs every step despite failures and undoes nothing', async () => {
    const { events, step } = recorder();
    const report = await runSteps([step('a', [], { fail: true }), step('b', ['a']), step('c', ['b'])], {
      progress: scriptedIO().progress,
      clock: systemClock,
      keepGoing: true,
    });
    expect(report.ok).toBe(false);
    expect(report.steps.map((s) => s.status)).toEqual(['failed', 'created', 'created']);
    expect(events.filter((e) => e.startsWith('undo'))).toEqual([]);
  });

  it('stops starting steps on abort and rolls back what completed', async () => {
    const { events, step } = recorder();
    const controller = new AbortController();
    const slow: Step = {
      id: 'slow',
      title: 'Slow',
      needs: ['a'],
      async run() {
        controller.abort();
        await tick(5);
        return { status: 'created', undo: async () => void events.push('undo slow') };
      },
    };
    const report = await runSteps([step('a'), slow, step('after', ['slow'])], {
      progress: scriptedIO().progress,
      clock: systemClock,
      signal: controller.signal,
    });
    expect(report.interrupted).toBe(true);
    expect(report.ok).toBe(false);
    expect(events).not.toContain('start after');
    expect(events.slice(-2)).toEqual(['undo slow', 'undo a']);
  });

  it('rejects unknown needs and duplicate ids', async () => {
    const { step } = recorder();
    await expect(
      runSteps([step('a', ['zzz'])], { progress: scriptedIO().progress, clock: systemClock }),
    ).rejects.toThrow(/unknown zzz/);
    await expect(
      runSteps([step('a'), step('a')], { progress: scriptedIO().progress, clock: systemClock }),
    ).rejects.toThrow(/duplicate/);
  });
});
