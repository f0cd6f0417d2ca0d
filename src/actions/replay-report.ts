/**
 * What `replay` says: each alert found (alarm, state, when it changed, why it was not delivered, and what
 * the replay did with it), the totals, and what stays in the queue; as text and as one JSON document.
 */
import { reasonText } from '../events/undelivered.js';
import type { Style } from '../io/types.js';
import type { StackContext } from '../resources/context.js';
import { alarmsOf, type ReplayRecord, type ReplayReport } from './replay.js';
import { table } from './table.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "2026-11-24T10:42:27.519Z" as "2026-11-24 10:42 UTC". */
function minute(iso: string | undefined): string {
  const m = iso ? /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)/.exec(iso) : null;
  return m ? `${m[1]} ${m[2]} UTC` : (iso ?? 'unknown time');
}

/** The state of a record's alerts (one, or each when they differ) and when the first changed. */
function stateOf(r: ReplayRecord): { state: string | null; changedAt: string | null } {
  const states = [...new Set(r.info.alerts.map((a) => a.state ?? 'unknown state'))];
  const times = r.info.alerts.map((a) => a.changedAt).filter((t): t is string => t !== undefined);
  return { state: states.length ? states.join(', ') : null, changedAt: times.sort()[0] ?? null };
}

const delivered = (report: ReplayReport) => report.records.filter((r) => r.outcome === 'delivered');
const failed = (report: ReplayReport) =>
  report.records.filter((r) => r.outcome === 'failed' || r.outcome === 'not-deleted');

/** The words for what stays: how many, and how many the mapping is delivering right now. */
export function leftText(report: ReplayReport): string {
  const parts = [`${plural(report.remaining, 'alert')} left in ${report.queue}`];
  if (report.inFlight > 0) parts.push(`${report.inFlight} in flight (being delivered by the mapping)`);
  return parts.join('; ');
}

export function replayText(style: Style, stack: StackContext, report: ReplayReport): string {
  const { records } = report;
  if (records.length === 0) {
    return report.inFlight > 0
      ? `Nothing to replay now: no alert waits in ${report.queue}; ${report.inFlight} in flight (being delivered by the mapping).`
      : `Nothing to replay: the queue ${report.queue} is empty.`;
  }
  const mark = (r: ReplayRecord) =>
    r.outcome === 'delivered'
      ? style.ok('✔ delivered')
      : r.outcome === 'listed'
        ? style.dim('· waiting')
        : style.fail(r.outcome === 'failed' ? '✖ failed' : '✖ not deleted');
  const rows = records.map((r) => {
    const { state, changedAt } = stateOf(r);
    return [
      mark(r),
      alarmsOf(r.info),
      state ?? '-',
      changedAt ? `changed ${minute(changedAt)}` : '-',
      style.dim(reasonText(r.info)),
    ];
  });
  const lines = [
    `${plural(records.length, 'undelivered alert')} in ${report.queue} (${stack.region}):`,
    table(rows, { width: style.width }),
  ];
  const bad = failed(report);
  if (bad.length > 0) {
    lines.push('', 'Still not delivered:');
    for (const r of bad) lines.push(`  ${style.fail('✖')} ${alarmsOf(r.info)} — ${r.error ?? 'failed'}`);
  }
  lines.push('');
  if (report.dryRun) {
    lines.push(
      `Dry run: nothing was re-delivered or deleted; ${records.length === 1 ? 'it is' : 'they are'} back in the queue.`,
    );
    if (report.inFlight > 0)
      lines.push(`${report.inFlight} more in flight (being delivered by the mapping).`);
    return lines.join('\n');
  }
  const done = delivered(report).length;
  lines.push(
    `Re-delivered ${done} of ${plural(records.length, 'alert')} through ${stack.names.functionName}` +
      (report.remaining === 0 ? `; ${report.queue} is empty.` : `; ${leftText(report)}.`),
  );
  // Only when some were not tried at all: a pass that tried everything did not stop early.
  if (report.stopped && report.remaining > bad.length)
    lines.push(style.dim(`Stopped early: ${report.stopped}.`));
  return lines.join('\n');
}

export function replayJson(stack: StackContext, report: ReplayReport) {
  return {
    ok: !report.interrupted && (report.dryRun || report.remaining === 0),
    stack: stack.names.stack,
    region: stack.region,
    queue: report.queue,
    dryRun: report.dryRun,
    found: report.records.map((r) => ({
      messageId: r.messageId,
      alarm: alarmsOf(r.info),
      ...stateOf(r),
      reason: reasonText(r.info),
      condition: r.info.condition ?? null,
      failedAt: r.info.failedAt ?? null,
      readable: r.info.unreadable === undefined,
      outcome: r.outcome,
    })),
    delivered: delivered(report).length,
    failed: failed(report).map((r) => ({
      messageId: r.messageId,
      alarm: alarmsOf(r.info),
      error: r.error ?? 'failed',
    })),
    remaining: report.remaining,
    inFlight: report.inFlight,
    mapping: report.mapping,
    stopped: report.stopped ?? null,
  };
}
