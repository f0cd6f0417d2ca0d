/**
 * What `connect` / `disconnect` show: the plan before any write (stderr), and the result (stdout, or one
 * JSON document `{ok, connected|disconnected, unchanged, failed: [{alarm, error}]}`).
 */
import type { Style } from '../io/types.js';
import type { ActionState } from '../resources/alarm-topic.js';
import type { StackContext } from '../resources/context.js';
import { describeFilter } from '../resources/rule-pattern.js';
import type { Direction } from './connect-select.js';
import type { EveryAlarmReport } from './every-alarm.js';
import { cliCommand } from './hints.js';
import { planTable } from './init/plan.js';
import { table } from './table.js';

/** One alarm's plan: the states that change (none: unchanged), or why it cannot. */
export interface PlannedAlarm {
  alarm: string;
  states: ActionState[];
  /** The states that already notify the topic (what "unchanged" means for connect). */
  already: ActionState[];
  actionsEnabled: boolean;
  error?: string;
}

export interface ConnectionReport {
  direction: Direction;
  dryRun: boolean;
  topicArn: string;
  /** connect: the states asked for. */
  states: ActionState[];
  /** How many alarms were chosen (0: an empty selection or an empty pick). */
  chosen: number;
  plan: PlannedAlarm[];
  /** Changed (with a dry run: would change), and in which states. */
  changed: Array<{ alarm: string; states: ActionState[] }>;
  unchanged: Array<{ alarm: string; already: ActionState[] }>;
  failed: Array<{ alarm: string; error: string }>;
  /** connect: connected (or unchanged) alarms whose actions are disabled: they notify nobody until enabled. */
  actionsDisabled: string[];
  interrupted: boolean;
}

const verbs = (report: Pick<ConnectionReport, 'direction'>) =>
  report.direction === 'connect'
    ? { done: 'connected', would: 'would connect', sign: '+', to: 'to' }
    : { done: 'disconnected', would: 'would disconnect', sign: '−', to: 'from' };

/** The plan: per alarm, the states whose actions gain (or lose) the topic, or why nothing changes. */
export function planText(
  style: Style,
  stack: StackContext,
  report: ConnectionReport,
  chosen: string,
): string {
  const topic = stack.names.topic;
  const { sign } = verbs(report);
  const rows = report.plan.map((p) => {
    if (p.error) return [style.fail('cannot'), p.alarm, p.error];
    if (p.states.length === 0)
      return [
        style.dim('unchanged'),
        p.alarm,
        report.direction === 'connect'
          ? `already notifies ${topic} on ${p.already.join(', ')}`
          : `does not notify ${topic}`,
      ];
    const disabled =
      report.direction === 'connect' && !p.actionsEnabled
        ? style.warn(' (actions disabled: it will not notify until they are enabled)')
        : '';
    const action = report.direction === 'connect' ? style.ok('add') : style.warn('remove');
    return [action, p.alarm, `${p.states.join(', ')}: ${sign} ${topic}${disabled}`];
  });
  const scope =
    report.direction === 'connect'
      ? `add ${report.topicArn} to the ${report.states.join(', ')} actions of`
      : `remove ${report.topicArn} from the actions of`;
  return [
    `Plan: ${scope} ${chosen} (${report.plan.length} alarm(s)):`,
    table(rows, { width: style.width }),
    style.dim('  Only those action lists change: every other setting of each alarm is sent back as it was.'),
  ].join('\n');
}

export function resultText(style: Style, stack: StackContext, report: ConnectionReport): string {
  const topic = stack.names.topic;
  const v = verbs(report);
  if (report.chosen === 0)
    return report.direction === 'connect'
      ? 'No alarm chosen: nothing was changed.'
      : `No alarm (other than the stack's own) notifies ${topic}: nothing to disconnect.`;
  const rows: string[][] = [
    ...report.changed.map((c) => [
      report.dryRun ? style.warn(v.would) : style.ok(`✔ ${v.done}`),
      c.alarm,
      c.states.join(', '),
    ]),
    ...report.unchanged.map((u) => [
      style.dim('= unchanged'),
      u.alarm,
      report.direction === 'connect'
        ? `already notifies ${topic} on ${u.already.join(', ')}`
        : `does not notify ${topic}`,
    ]),
    ...report.failed.map((f) => [style.fail('✖ failed'), f.alarm, f.error]),
  ];
  const count = `${report.changed.length} of ${report.chosen} alarm(s)`;
  const heading = report.dryRun
    ? `Dry run: nothing was changed; ${count} would be ${v.done} ${v.to} ${topic}:`
    : `${report.direction === 'connect' ? 'Connected' : 'Disconnected'} ${count} ${v.to} ${topic}:`;
  const lines = [heading, table(rows, { width: style.width })];
  for (const name of report.actionsDisabled)
    lines.push(
      `${style.warn('!')} ${name} has its actions disabled: it will not notify Slack until they are enabled ` +
        `(aws cloudwatch enable-alarm-actions --alarm-names ${name}).`,
    );
  if (report.failed.length > 0 && !report.dryRun)
    lines.push(
      '',
      `Fix the cause and re-run \`${cliCommand(stack, report.direction, report.failed.map((f) => f.alarm).join(' '))}\`; what is done already is left as it is.`,
    );
  return lines.join('\n');
}

export function resultJson(report: ConnectionReport): Record<string, unknown> {
  const names = (list: Array<{ alarm: string }>) => list.map((x) => x.alarm);
  const doc: Record<string, unknown> = {
    ok: report.failed.length === 0 && !report.interrupted,
    [verbs(report).done]: report.dryRun ? [] : names(report.changed),
    unchanged: names(report.unchanged),
    failed: report.failed,
    topicArn: report.topicArn,
  };
  if (report.direction === 'connect') {
    doc.states = report.states;
    doc.actionsDisabled = report.actionsDisabled;
  }
  if (report.dryRun) {
    doc.dryRun = true;
    doc[report.direction === 'connect' ? 'wouldConnect' : 'wouldDisconnect'] = report.changed;
  }
  return doc;
}

/** `connect --every-alarm` / `disconnect --every-alarm`: the plan table, then what became of it. */
export function everyAlarmText(style: Style, stack: StackContext, report: EveryAlarmReport): string {
  const n = stack.names;
  const where = `${stack.region} (stack ${n.stack})`;
  const rows = planTable(report.plan, style);
  const scope = report.filter ? describeFilter(report.filter) : '';
  if (report.dryRun)
    return `Plan for the every-alarm rule in ${where}:\n${rows}\n\nDry run: nothing was changed.`;
  if (report.steps.length === 0)
    return report.direction === 'connect'
      ? `Nothing to change: every alarm state change of ${stack.region} (${scope}) already reaches Slack through the rule ${n.rule}.\n${rows}`
      : `Nothing to disconnect: the stack ${n.stack} has no every-alarm rule in ${stack.region}.`;
  if (!report.ok) {
    const undone = report.undone.length > 0 ? `\nRolled back: ${report.undone.join(', ')}.` : '';
    return `${style.fail('✖')} ${report.direction} --every-alarm failed at ${report.error ?? 'a step'}.${undone}`;
  }
  return report.direction === 'connect'
    ? `${style.ok('✔')} Every alarm of ${stack.region} (${scope}) now reaches Slack through the rule ${n.rule}; no alarm was changed.\n` +
        `  An alarm whose actions also name ${n.topic} is posted once per state change.`
    : `${style.ok('✔')} The rule ${n.rule} is gone: alarms reach Slack only through actions that name ${n.topic}.`;
}

export function everyAlarmJson(stack: StackContext, report: EveryAlarmReport): Record<string, unknown> {
  return {
    ok: report.ok,
    everyAlarm: true,
    rule: stack.names.rule,
    ...(report.filter ? { filter: report.filter } : {}),
    ...(report.dryRun ? { dryRun: true } : {}),
    plan: report.plan,
    steps: report.steps.map((s) => ({ id: s.id, status: s.status })),
    ...(report.error ? { error: report.error } : {}),
  };
}
