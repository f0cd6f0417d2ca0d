/**
 * Runs the removals as steps: each waits only for what must go before it (REMOVAL_NEEDS, through any
 * kind that is absent), so independent removals overlap; a failure does not stop the others.
 */
import type { Clock } from '../clock.js';
import type { IO, Progress, Style } from '../io/types.js';
import type { StackContext } from '../resources/context.js';
import { runSteps, type Step } from '../steps/runner.js';
import { cliCommand, day, keyRecoveryCommand } from './hints.js';
import { table } from './table.js';
import { type Kind, REMOVAL_NEEDS, type Removal, type RemovalDone } from './teardown-kinds.js';

interface TeardownItem {
  resource: string;
  name: string;
}

interface TeardownReport {
  ok: boolean;
  removed: Array<TeardownItem & { detail: string }>;
  /** Other people's alarms that no longer name the topic (they are kept). */
  disconnected: TeardownItem[];
  skipped: Array<TeardownItem & { reason: string }>;
  failed: Array<TeardownItem & { error: string }>;
  keyId: string | undefined;
  keyDeletionDate: Date | undefined;
  /** Undelivered alerts that went with the queue. */
  discardedAlerts: number;
  interrupted: boolean;
}

/** Every kind a kind waits for, directly or through others (so that an absent kind does not break the order). */
function closure(kind: Kind, seen = new Set<Kind>()): Set<Kind> {
  for (const need of REMOVAL_NEEDS[kind]) {
    if (seen.has(need)) continue;
    seen.add(need);
    closure(need, seen);
  }
  return seen;
}

/** The steps for the removals (skipped ones have none), with their needs among the steps present. */
function removalSteps(plan: readonly Removal[], texts: Map<string, RemovalDone>): Step[] {
  const removing = plan.flatMap((r) => (r.action !== 'skip' && r.remove ? [{ ...r, remove: r.remove }] : []));
  return removing.map((r) => {
    const before = closure(r.kind);
    return {
      id: r.id,
      title: `${r.action === 'disconnect' ? 'Disconnect' : 'Remove'} ${r.resource} ${r.name}`,
      needs: removing.filter((o) => before.has(o.kind)).map((o) => o.id),
      async run(results) {
        if (r.kind === 'alias' && removing.some((o) => o.kind === 'key') && !results.has('key')) {
          // The alias is how teardown finds the key: keep it until the key's deletion is scheduled.
          const text = 'kept: the key was not scheduled for deletion, and the alias is how teardown finds it';
          texts.set(r.id, { text });
          return { status: 'skipped', detail: text };
        }
        const stillConnected = removing.filter((o) => o.kind === 'connected' && !results.has(o.id));
        if (r.kind === 'topic' && stillConnected.length > 0) {
          // Without the topic, a re-run would no longer find the alarms that name it: they would keep an
          // action pointing nowhere. It goes once they are disconnected.
          const text = `kept: ${stillConnected.map((o) => o.name).join(', ')} still ${stillConnected.length === 1 ? 'names' : 'name'} it in ${stillConnected.length === 1 ? 'its' : 'their'} actions; re-run teardown to disconnect ${stillConnected.length === 1 ? 'it' : 'them'}`;
          texts.set(r.id, { text });
          return { status: 'skipped', detail: text };
        }
        const done = await r.remove();
        texts.set(r.id, done);
        return { status: 'updated', detail: done.text };
      },
    };
  });
}

/** Progress whose step lines say what was removed rather than the runner's generic status. */
function removalProgress(progress: Progress, texts: Map<string, RemovalDone>): Progress {
  return {
    start: (id, title) => progress.start(id, title),
    done: (id, outcome) => {
      const text = texts.get(id)?.text;
      progress.done(id, outcome.ok && text ? { ...outcome, text } : outcome);
    },
    info: (m) => progress.info(m),
    warn: (m) => progress.warn(m),
    debug: (m) => progress.debug(m),
  };
}

export async function runTeardown(
  io: IO,
  plan: readonly Removal[],
  opts: { signal?: AbortSignal | undefined; clock: Pick<Clock, 'now'> },
): Promise<TeardownReport> {
  const texts = new Map<string, RemovalDone>();
  const report = await runSteps(removalSteps(plan, texts), {
    progress: removalProgress(io.progress, texts),
    keepGoing: true,
    rollback: false,
    clock: opts.clock,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const byId = new Map(report.steps.map((s) => [s.id, s]));
  const out: TeardownReport = {
    ok: false,
    removed: [],
    disconnected: [],
    skipped: [],
    failed: [],
    keyId: undefined,
    keyDeletionDate: undefined,
    discardedAlerts: 0,
    interrupted: report.interrupted,
  };
  for (const r of plan) {
    const item = { resource: r.resource, name: r.name };
    if (r.kind === 'key') {
      out.keyId = r.name;
      if (r.keyDeletionDate) out.keyDeletionDate = r.keyDeletionDate;
    }
    if (r.action === 'skip') {
      out.skipped.push({ ...item, reason: r.reason ?? 'skipped' });
      continue;
    }
    const step = byId.get(r.id);
    const done = texts.get(r.id);
    if (step?.status === 'failed') out.failed.push({ ...item, error: step.error ?? 'failed' });
    else if (step?.status === 'skipped') out.skipped.push({ ...item, reason: done?.text ?? 'skipped' });
    else if (step?.status === 'not-run') out.failed.push({ ...item, error: 'not run (interrupted)' });
    else if (r.kind === 'connected') out.disconnected.push(item);
    else {
      out.removed.push({ ...item, detail: done?.text ?? 'removed' });
      if (done?.keyDeletionDate) out.keyDeletionDate = done.keyDeletionDate;
      out.discardedAlerts += r.discards ?? 0;
    }
  }
  out.ok = out.failed.length === 0 && !report.interrupted;
  return out;
}

/** The plan before confirming: each resource with remove or skip (and why). */
export function planLines(style: Style, plan: readonly Removal[]): string {
  return table(
    plan.map((r) => [
      r.action === 'remove'
        ? style.fail('remove')
        : r.action === 'disconnect'
          ? style.warn('disconnect')
          : style.warn('skip'),
      r.resource,
      r.name + (r.reason ? style.dim(` — ${r.reason}`) : ''),
    ]),
    { width: style.width },
  );
}

export function summaryText(
  style: Style,
  stack: StackContext,
  report: TeardownReport,
  heading?: string,
): string {
  const rows: string[][] = [
    ...report.disconnected.map((r) => [
      style.ok('✔ disconnected'),
      r.resource,
      `${r.name} ${style.dim(`— ${stack.names.topic} removed from its actions; the alarm is kept`)}`,
    ]),
    ...report.removed.map((r) => [
      style.ok('✔ removed'),
      r.resource,
      r.detail === 'removed' ? r.name : `${r.name} ${style.dim(`— ${r.detail}`)}`,
    ]),
    ...report.skipped.map((r) => [
      style.warn('! skipped'),
      r.resource,
      `${r.name} ${style.dim(`— ${r.reason}`)}`,
    ]),
    ...report.failed.map((r) => [style.fail('✖ failed'), r.resource, `${r.name} — ${r.error}`]),
  ];
  const lines = [
    heading ?? `Teardown of ${stack.names.stack} in ${stack.region}:`,
    table(rows, { width: style.width }),
  ];
  if (report.keyDeletionDate && report.keyId) {
    lines.push(
      '',
      `The KMS key ${report.keyId} will be deleted on ${day(report.keyDeletionDate)}; until then it can be kept:`,
      `  ${style.code(keyRecoveryCommand(stack, report.keyId))}`,
    );
  }
  if (report.failed.length > 0)
    lines.push(
      '',
      `Re-run \`${cliCommand(stack, 'teardown')}\` to retry what failed; what is gone is skipped.`,
    );
  return lines.join('\n');
}

export function reportJson(stack: StackContext, report: TeardownReport) {
  return {
    ok: report.ok,
    stack: stack.names.stack,
    region: stack.region,
    removed: report.removed,
    disconnected: report.disconnected.map((d) => d.name),
    skipped: report.skipped,
    failed: report.failed,
    keyId: report.keyId ?? null,
    keyDeletionDate: report.keyDeletionDate ? report.keyDeletionDate.toISOString() : null,
    discardedAlerts: report.discardedAlerts,
  };
}
