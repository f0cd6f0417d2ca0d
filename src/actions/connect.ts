/**
 * The `connect` / `disconnect` action for alarms the stack did not create: choose them, plan per alarm
 * which states' actions gain (or lose) the stack's topic, show that plan, confirm, then re-send each
 * alarm as it is right then (a fresh DescribeAlarms before each write) with only the topic added or
 * removed, a few at a time. Every outcome is collected (one alarm failing does not stop the others).
 */
import { CancelledError, CliError, UsageError } from '../errors.js';
import type { IO } from '../io/types.js';
import { mapLimit } from '../map-limit.js';
import { type ConnectionOutcome, connectAlarm, disconnectAlarm } from '../resources/alarm-connection.js';
import { alarmInput, type DescribedAlarm } from '../resources/alarm-input.js';
import { type ActionState, statesWith, withTopic } from '../resources/alarm-topic.js';
import { ALARM_WRITE_CONCURRENCY } from '../resources/alarms.js';
import type { StackContext } from '../resources/context.js';
import { findTopic } from '../resources/topic.js';
import { type ConnectionReport, type PlannedAlarm, planText } from './connect-report.js';
import { type Direction, type Selection, selectAlarms, selectionWords } from './connect-select.js';
import { initCommand } from './hints.js';

export type { Direction, Selection } from './connect-select.js';

interface ConnectRequest {
  direction: Direction;
  selection: Selection;
  /** connect: the states whose actions get the topic (disconnect removes it from every state). */
  states: ActionState[];
  dryRun: boolean;
  /** --yes: apply without asking (and required to apply when not interactive). */
  yes: boolean;
}

/** What each chosen alarm would become, from the listing just read (no AWS call). */
function planAlarm(
  stack: StackContext,
  a: DescribedAlarm,
  direction: Direction,
  states: ActionState[],
): PlannedAlarm {
  const topicArn = stack.arns.topicArn;
  const already = statesWith(a.alarm, topicArn);
  const base = { alarm: a.name, already, actionsEnabled: a.alarm.ActionsEnabled !== false };
  if (direction === 'disconnect') return { ...base, states: already };
  try {
    const added = withTopic(alarmInput(a).input, topicArn, states);
    return added.ok
      ? { ...base, states: added.changed }
      : { ...base, states: [], error: added.error.message };
  } catch (error) {
    // An alarm this version cannot re-send losslessly (alarmInput refuses it) is left alone.
    return { ...base, states: [], error: error instanceof Error ? error.message : String(error) };
  }
}

/** connect needs the topic to exist: without it there is no stack here (exit 1, run init first). */
async function requireTopic(stack: StackContext): Promise<void> {
  if (await findTopic(stack)) return;
  throw new CliError(
    `There is no stack ${stack.names.stack} in ${stack.region} (no SNS topic ${stack.names.topic}): run init first. Nothing was changed.`,
    { hint: `\`${initCommand(stack, '--no-alarm')}\` sets it up without a CPU alarm.` },
  );
}

/** Asks on a TTY, requires --yes otherwise (exit 2, nothing changed). */
async function confirmPlan(io: IO, request: ConnectRequest, count: number): Promise<void> {
  if (request.yes) return;
  const verb = request.direction === 'connect' ? 'connect' : 'disconnect';
  if (!io.interactive)
    throw new UsageError(
      `${verb} would change ${count} alarm(s); pass --yes to confirm when not running interactively. Nothing was changed.`,
    );
  const ok = await io.ask.confirm({
    message: `${request.direction === 'connect' ? 'Add the topic to' : 'Remove the topic from'} the actions of these ${count} alarm(s)?`,
    default: true,
  });
  if (!ok) throw new CancelledError();
}

function record(report: ConnectionReport, outcome: ConnectionOutcome, planned: PlannedAlarm): void {
  if (outcome.kind === 'failed') {
    report.failed.push({ alarm: outcome.alarm, error: outcome.error });
    return;
  }
  if (report.direction === 'connect' && !outcome.actionsEnabled) report.actionsDisabled.push(outcome.alarm);
  if (outcome.kind === 'changed') report.changed.push({ alarm: outcome.alarm, states: outcome.states });
  else report.unchanged.push({ alarm: outcome.alarm, already: planned.already });
}

const outcomeText = (direction: Direction, outcome: ConnectionOutcome): string => {
  if (outcome.kind === 'failed') return outcome.error;
  if (outcome.kind === 'unchanged') return 'unchanged';
  return `${direction === 'connect' ? 'connected' : 'disconnected'} (${outcome.states.join(', ')})`;
};

/** The writes: one alarm at a time per slot, ALARM_WRITE_CONCURRENCY slots; Ctrl-C stops starting new ones. */
async function apply(
  io: IO,
  stack: StackContext,
  report: ConnectionReport,
  todo: PlannedAlarm[],
): Promise<void> {
  const { direction, states } = report;
  const outcomes = new Map<string, ConnectionOutcome>();
  try {
    await mapLimit(
      todo,
      ALARM_WRITE_CONCURRENCY,
      async (p) => {
        io.progress.start(`alarm:${p.alarm}`, p.alarm);
        const started = stack.clock.now();
        const outcome =
          direction === 'connect'
            ? await connectAlarm(stack, p.alarm, states)
            : await disconnectAlarm(stack, p.alarm);
        outcomes.set(p.alarm, outcome);
        io.progress.done(`alarm:${p.alarm}`, {
          ok: outcome.kind !== 'failed',
          text: outcomeText(direction, outcome),
          ms: stack.clock.now() - started,
        });
        if (direction === 'connect' && outcome.kind === 'changed' && !outcome.actionsEnabled)
          io.progress.warn(
            `${p.alarm} has its actions disabled: it will not notify Slack (or anyone) until they are enabled.`,
          );
      },
      { signal: stack.signal },
    );
  } catch (error) {
    if (!stack.signal?.aborted) throw error;
    report.interrupted = true;
  }
  for (const p of todo) {
    const outcome = outcomes.get(p.alarm);
    if (outcome) record(report, outcome, p);
    else report.failed.push({ alarm: p.alarm, error: 'not changed (interrupted)' });
  }
}

/**
 * The whole action. The result is the caller's to write (io.result), so that init can include it in its
 * summary; unknown names and a missing --yes throw UsageError (exit 2) before any write.
 */
export async function connectAlarms(
  io: IO,
  stack: StackContext,
  request: ConnectRequest,
): Promise<ConnectionReport> {
  const { direction, selection, states } = request;
  if (direction === 'connect') await requireTopic(stack);
  const alarms = await selectAlarms(io, stack, selection, direction);
  const plan = alarms.map((a) => planAlarm(stack, a, direction, states));
  const report: ConnectionReport = {
    direction,
    dryRun: request.dryRun,
    topicArn: stack.arns.topicArn,
    states,
    chosen: alarms.length,
    plan,
    changed: [],
    unchanged: [],
    failed: [],
    actionsDisabled: [],
    interrupted: false,
  };
  if (alarms.length === 0) return report;
  io.progress.info(planText(io.style, stack, report, selectionWords(stack, selection, direction)));

  const todo = plan.filter((p) => !p.error && p.states.length > 0);
  for (const p of plan) {
    if (p.error) report.failed.push({ alarm: p.alarm, error: p.error });
    else if (p.states.length === 0) {
      report.unchanged.push({ alarm: p.alarm, already: p.already });
      if (direction === 'connect' && !p.actionsEnabled) report.actionsDisabled.push(p.alarm);
    }
  }
  if (request.dryRun || todo.length === 0) {
    if (request.dryRun) report.changed = todo.map((p) => ({ alarm: p.alarm, states: p.states }));
    if (direction === 'connect')
      report.actionsDisabled.push(...todo.filter((p) => !p.actionsEnabled).map((p) => p.alarm));
    return sortReport(report);
  }
  await confirmPlan(io, request, todo.length);
  await apply(io, stack, report, todo);
  return sortReport(report);
}

function sortReport(report: ConnectionReport): ConnectionReport {
  const by = <T extends { alarm: string }>(list: T[]) => list.sort((a, b) => (a.alarm < b.alarm ? -1 : 1));
  by(report.changed);
  by(report.unchanged);
  by(report.failed);
  report.actionsDisabled.sort();
  return report;
}
