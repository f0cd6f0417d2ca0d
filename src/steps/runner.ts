/**
 * Provisioning as data: each step has an id, a title, the ids it needs, a `run` that returns what it
 * did, and an `undo` for what it created. One runner executes them: every step starts as soon as the
 * steps it needs are done (independent steps run concurrently), progress is reported per step, and on
 * a failure (or an abort) the steps that completed are undone in reverse order of completion.
 */
import type { Clock } from '../clock.js';
import { awsMessage, InterruptedError } from '../errors.js';
import type { Progress } from '../io/types.js';

type StepStatus = 'created' | 'updated' | 'unchanged' | 'skipped';

export interface StepDone<T = unknown> {
  status: StepStatus;
  /** What the step produced, readable by the steps that need it (via `results`). */
  value?: T;
  /** Extra words for the progress line, e.g. "waited 12 s for IAM". */
  detail?: string;
  /** Undoes exactly what this run did (created or changed); absent when there is nothing to undo. */
  undo?: () => Promise<void>;
}

export interface Step<T = unknown> {
  id: string;
  title: string;
  needs?: string[];
  run(results: ReadonlyMap<string, StepDone>): Promise<StepDone<T>>;
}

interface StepRecord {
  id: string;
  title: string;
  status: StepStatus | 'failed' | 'not-run';
  ms: number;
  detail?: string;
  /** The failure as the user reads it (AWS's code and message). */
  error?: string;
  /** What the failed step threw, e.g. a CleanupError naming what it left behind. */
  cause?: unknown;
}

interface UndoRecord {
  id: string;
  title: string;
  ok: boolean;
  error?: string;
}

interface RunReport {
  ok: boolean;
  steps: StepRecord[];
  results: Map<string, StepDone>;
  /** The failing step and its error, when not ok. */
  failure?: { id: string; title: string; error: unknown };
  undone: UndoRecord[];
  interrupted: boolean;
}

interface RunOptions {
  progress: Progress;
  /** Undo what completed when a step fails (default true; --no-rollback sets false). */
  rollback?: boolean;
  signal?: AbortSignal;
  /**
   * Removal mode (teardown): a failed step does not stop the others; steps that need it still run
   * (needs are ordering only), and nothing is undone.
   */
  keepGoing?: boolean;
  /** Step durations; the command's clock. */
  clock: Pick<Clock, 'now'>;
}

function validate(steps: readonly Step[]): void {
  const ids = new Set<string>();
  for (const step of steps) {
    if (ids.has(step.id)) throw new Error(`duplicate step id ${step.id}`);
    ids.add(step.id);
  }
  for (const step of steps) {
    for (const need of step.needs ?? [])
      if (!ids.has(need)) throw new Error(`step ${step.id} needs unknown ${need}`);
  }
}

export async function runSteps(steps: readonly Step[], opts: RunOptions): Promise<RunReport> {
  validate(steps);
  const now = () => opts.clock.now();
  const results = new Map<string, StepDone>();
  const records = new Map<string, StepRecord>(
    steps.map((s) => [s.id, { id: s.id, title: s.title, status: 'not-run', ms: 0 }]),
  );
  const completionOrder: string[] = [];
  const running = new Map<string, Promise<void>>();
  let failure: RunReport['failure'];
  let interrupted = false;
  const pending = new Set(steps.map((s) => s.id));

  const settled = new Set<string>();
  const startReady = () => {
    if ((failure && !opts.keepGoing) || interrupted) return;
    for (const step of steps) {
      if (!pending.has(step.id)) continue;
      const ready = (n: string) => (opts.keepGoing ? settled.has(n) : results.has(n));
      if (!(step.needs ?? []).every(ready)) continue;
      pending.delete(step.id);
      const record = records.get(step.id) as StepRecord;
      opts.progress.start(step.id, step.title);
      const started = now();
      const promise = step
        .run(results)
        .then(
          (done) => {
            record.ms = now() - started;
            record.status = done.status;
            if (done.detail) record.detail = done.detail;
            results.set(step.id, done);
            completionOrder.push(step.id);
            opts.progress.done(step.id, {
              ok: true,
              text: done.detail ? `${done.status}, ${done.detail}` : done.status,
              ms: record.ms,
              warn: done.status === 'skipped',
            });
          },
          (error: unknown) => {
            record.ms = now() - started;
            record.status = 'failed';
            record.error = awsMessage(error);
            record.cause = error;
            if (!failure) failure = { id: step.id, title: step.title, error };
            opts.progress.done(step.id, { ok: false, text: record.error, ms: record.ms });
          },
        )
        .finally(() => {
          settled.add(step.id);
          running.delete(step.id);
        });
      running.set(step.id, promise);
    }
  };

  const onAbort = () => {
    interrupted = true;
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) interrupted = true;
  try {
    startReady();
    while (running.size > 0) {
      await Promise.race(running.values());
      startReady();
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (!failure && !interrupted && pending.size > 0) {
    throw new Error(`steps could not start (cyclic needs): ${[...pending].join(', ')}`);
  }
  if (interrupted && !failure)
    failure = { id: 'interrupt', title: 'Interrupted', error: new InterruptedError() };

  const undone: UndoRecord[] = [];
  if (failure && opts.rollback !== false && !opts.keepGoing) {
    for (const id of [...completionOrder].reverse()) {
      const done = results.get(id);
      const record = records.get(id) as StepRecord;
      if (!done?.undo) continue;
      const title = `Undo ${record.title}`;
      opts.progress.start(`undo:${id}`, title);
      const started = now();
      try {
        await done.undo();
        undone.push({ id, title: record.title, ok: true });
        opts.progress.done(`undo:${id}`, { ok: true, text: 'rolled back', ms: now() - started });
      } catch (error) {
        undone.push({ id, title: record.title, ok: false, error: awsMessage(error) });
        opts.progress.done(`undo:${id}`, { ok: false, text: awsMessage(error), ms: now() - started });
      }
    }
  }

  const failures = [...records.values()].filter((r) => r.status === 'failed');
  return {
    ok: !failure && failures.length === 0,
    steps: [...records.values()],
    results,
    ...(failure ? { failure } : {}),
    undone,
    interrupted,
  };
}

/** What a typed step gets: the values of the steps it needs, by id. */
type Inputs<R, N extends keyof R> = { readonly [K in N]: R[K] };

interface StepSpec<R, N extends keyof R, T> {
  title: string;
  needs?: readonly N[];
  run(inputs: Inputs<R, N>): Promise<StepDone<T>>;
}

/**
 * A step list whose results are typed: each `add` names a step, the earlier steps it needs and what it
 * produces, and the plan's type `R` maps every id to its value, so a step reads exactly the values it
 * declared it needs (no casts) and the caller reads `values` with their types.
 */
export class StepPlan<R extends object> {
  private constructor(readonly steps: readonly Step[]) {}

  static empty(): StepPlan<Record<never, never>> {
    return new StepPlan([]);
  }

  add<Id extends string, T, N extends keyof R & string = never>(
    id: Id,
    spec: StepSpec<R, N, T>,
  ): StepPlan<R & { [K in Id]: T }> {
    const needs = [...(spec.needs ?? [])];
    const step: Step<T> = {
      id,
      title: spec.title,
      needs,
      run: (results) => {
        const inputs = Object.fromEntries(needs.map((n) => [n, results.get(n)?.value]));
        return spec.run(inputs as Inputs<R, N>);
      },
    };
    return new StepPlan<R & { [K in Id]: T }>([...this.steps, step]);
  }

  /** `add` only for a defined `value` (e.g. the alarm's answers), which the spec is made from; optional in `R`. */
  addIf<V, Id extends string, T, N extends keyof R & string = never>(
    value: V | undefined,
    id: Id,
    spec: (value: V) => StepSpec<R, N, T>,
  ): StepPlan<R & { [K in Id]?: T }> {
    return value === undefined ? new StepPlan(this.steps) : this.add(id, spec(value));
  }

  /** Runs the steps (runSteps); `values` holds what each completed step produced. */
  async run(opts: RunOptions): Promise<RunReport & { values: Partial<R> }> {
    const report = await runSteps(this.steps, opts);
    const values = Object.fromEntries([...report.results].map(([id, done]) => [id, done.value]));
    return { ...report, values: values as Partial<R> };
  }
}
