import type { Identity } from '../../aws/identity.js';
import { awsMessage } from '../../errors.js';
import { formatDuration } from '../../io/terminal.js';
import type { Style } from '../../io/types.js';
import { leftBehindBy } from '../../resources/cleanup.js';
import type { StackContext } from '../../resources/context.js';
import { describeFilter } from '../../resources/rule-pattern.js';
import { maskWebhookUrl } from '../../validate.js';
import { type ConnectionReport, resultJson, resultText } from '../connect-report.js';
import { scopeFlags } from '../hints.js';
import { table } from '../table.js';
import type { TestAlarmOutcome } from '../test-alarm.js';
import { desiredRule } from './alarm-events.js';
import type { InitAnswers } from './answers.js';
import type { Discovered } from './discover.js';
import type { CiphertextPlan } from './plan.js';
import { type InitReport, STEP } from './steps.js';

export function identityLine(identity: Identity, region: string): string {
  return `Account ${identity.account} (${identity.arn}) · Region ${region}`;
}

/** Before the first question: what init builds, where, and what it costs. */
export function introLine(stack: StackContext, identity: Identity): string {
  return (
    `init sets up the Slack notifier "${stack.names.stack}" in account ${identity.account}, ${stack.region}: ` +
    'an SNS topic, a KMS key for the webhook URL, an IAM role, a Lambda function with its log group and a ' +
    'queue for undelivered alerts. Cost: about 1 USD a month (the KMS key); the rest stays in the free tier at alert volumes.'
  );
}

export interface InitResources {
  topicArn: string | null;
  keyArn: string | null;
  keyAlias: string | null;
  roleArn: string | null;
  functionArn: string | null;
  subscriptionArn: string | null;
  alarmArn: string | null;
  logGroupName: string | null;
  /** The undelivered-alert queue and the mapping that re-delivers what it holds. */
  queueUrl: string | null;
  eventSourceMappingUuid: string | null;
  /** The every-alarm EventBridge rule, when the stack has one. */
  ruleArn: string | null;
}

/** What the connect picker at the end of an interactive init did (answers.pickAlarms). */
export type PickedConnection = { report: ConnectionReport } | { error: string };

export interface SummaryInput {
  stack: StackContext;
  identity: Identity;
  answers: InitAnswers;
  discovered: Discovered;
  cipher: CiphertextPlan;
  report: InitReport;
  testAlarm?: TestAlarmOutcome | undefined;
  connect?: PickedConnection | undefined;
  ms: number;
}

/**
 * Everything failed steps left behind (their own cleanup failed, or --no-rollback), e.g.
 * ["Lambda function mission-lambda"]: read off the errors they threw.
 */
export function leftBehindList(report: Pick<InitReport, 'steps'>): string[] {
  return report.steps.flatMap((s) => (s.status === 'failed' ? leftBehindBy(s.cause) : []));
}

/**
 * What exists after the run: a step's result unless its undo succeeded (then whatever existed before),
 * otherwise what discovery found, or, for a step that failed leaving its resource behind, that resource.
 * On success that is everything; after a rollback, what pre-existed and what could not be removed.
 */
export function resourcesAfter(input: SummaryInput): InitResources {
  const { report, discovered: d, stack } = input;
  const rolledBack = new Set(report.undone.filter((u) => u.ok).map((u) => u.id));
  const failedLeaving = new Set(
    report.steps.filter((s) => s.status === 'failed' && leftBehindBy(s.cause).length > 0).map((s) => s.id),
  );
  const v = report.values;
  /** The step's own value unless its undo succeeded; then what existed before, or what its failure left. */
  const pick = (id: string, fromStep: string | undefined, before: string | undefined, leftOver?: string) => {
    if (fromStep !== undefined && !rolledBack.has(id)) return fromStep;
    return before ?? (failedLeaving.has(id) ? (leftOver ?? null) : null);
  };
  const keyArn = pick(STEP.key, v.key?.arn, d.key?.arn);
  return {
    topicArn: pick(STEP.topic, v.topic?.arn, d.topic?.arn, stack.arns.topicArn),
    keyArn,
    // The alias when it names that key: pointed at it by this run, or found on it before the run.
    keyAlias:
      keyArn !== null &&
      ((v[STEP.alias] !== undefined && !rolledBack.has(STEP.alias)) || keyArn === d.key?.arn)
        ? stack.names.keyAlias
        : null,
    roleArn: pick(STEP.role, v.role?.arn, d.role?.arn, stack.arns.roleArn),
    functionArn: pick(STEP.fn, v.function?.arn, d.fn?.arn, stack.arns.functionArn),
    subscriptionArn: pick(STEP.subscription, v.subscription?.arn, d.subscriptions[0]?.arn),
    alarmArn: pick(STEP.alarm, v.alarm?.arn, d.alarm?.arn, stack.arns.alarmArn),
    logGroupName: pick(STEP.logGroup, v[STEP.logGroup]?.name, d.logGroup?.name, stack.names.logGroup),
    queueUrl: pick(STEP.queue, v.queue?.url, d.queue?.url),
    eventSourceMappingUuid: pick(STEP.mapping, v[STEP.mapping]?.uuid, d.mapping?.uuid),
    ruleArn: desiredRule(stack, d, input.answers)
      ? pick(STEP.rule, v[STEP.rule]?.arn, d.rule?.arn, stack.arns.ruleArn)
      : null,
  };
}

export function summaryJson(input: SummaryInput): Record<string, unknown> {
  const { report } = input;
  const doc: Record<string, unknown> = {
    ok: report.ok,
    stack: input.stack.names.stack,
    region: input.stack.region,
    account: input.identity.account,
    resources: resourcesAfter(input),
    steps: report.steps.map((s) => ({ id: s.id, status: s.status, ms: Math.round(s.ms) })),
  };
  if (report.failure) {
    const left = leftBehindList(input.report);
    doc.error = { step: report.failure.id, message: awsMessage(report.failure.error) };
    // True when everything this run did was undone (nothing to undo counts); false with --no-rollback.
    doc.rolledBack = input.answers.rollback && report.undone.every((u) => u.ok) && left.length === 0;
    if (left.length > 0) doc.leftBehind = left;
    const refused = report.undone.filter((u) => !u.ok);
    if (refused.length > 0)
      doc.rollbackFailed = refused.map((u) => ({ step: u.id, title: u.title, error: u.error ?? 'failed' }));
  }
  if (input.connect)
    doc.connect =
      'report' in input.connect
        ? resultJson(input.connect.report)
        : { ok: false, error: input.connect.error };
  if (input.testAlarm) {
    doc.testAlarm = {
      ok: input.testAlarm.ok,
      ...(input.testAlarm.error ? { error: input.testAlarm.error } : {}),
    };
  }
  return doc;
}

/** What the every-alarm rule sends, in words. */
function ruleNote(input: SummaryInput): string {
  const filter = desiredRule(input.stack, input.discovered, input.answers);
  return filter ? `EventBridge rule: ${describeFilter(filter)}` : 'EventBridge rule';
}

/** The summary's rows of what exists (label, value and note): a fixed label column, as the Slack row's. */
const LABEL_WIDTH = 15;

function resourceRows(input: SummaryInput, r: InitResources): string[][] {
  const { answers } = input;
  const rows: Array<[string, string | null, string?]> = [
    ['SNS topic', r.topicArn],
    ['KMS key', r.keyArn, r.keyAlias ?? undefined],
    ['IAM role', r.roleArn],
    ['Log group', r.logGroupName, `retention ${answers.logRetentionDays} days`],
    ['Lambda function', r.functionArn],
    ['Subscription', r.subscriptionArn],
    ['Undelivered', r.queueUrl, 'alerts Slack did not take: kept 14 days, re-delivered on their own'],
    ['Every alarm', r.ruleArn, ruleNote(input)],
    [
      'CPU alarm',
      r.alarmArn,
      answers.alarm
        ? `${answers.alarm.instanceId}: CPU ≥ ${answers.alarm.threshold}% for ${answers.alarm.evaluationPeriods} × ${answers.alarm.period} s`
        : 'left as it was (--no-alarm)',
    ],
  ];
  return rows
    .filter((row): row is [string, string, string?] => row[1] !== null)
    .map(([label, value, note]) => [label.padEnd(LABEL_WIDTH), `${value}${note ? ` (${note})` : ''}`]);
}

function slackRow(input: SummaryInput): string[] {
  const { answers } = input;
  const label = 'Slack'.padEnd(LABEL_WIDTH);
  if (answers.webhookUrl === undefined)
    return [label, 'the webhook already deployed (KMS-encrypted; not shown)'];
  const verified = answers.verifyWebhook ? ', verified' : '';
  const extra = [
    answers.channel ? `channel ${answers.channel}` : '',
    answers.mention ? `mention ${answers.mention}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return [
    label,
    `${maskWebhookUrl(answers.webhookUrl)} (KMS-encrypted${verified}${extra ? `; ${extra}` : ''})`,
  ];
}

export function summaryHuman(input: SummaryInput, style: Style): string {
  const { report, stack, answers } = input;
  const r = resourcesAfter(input);
  const scope = scopeFlags(stack);
  const where = `${stack.region} (account ${input.identity.account})`;
  const counts = ['created', 'updated', 'unchanged']
    .map((status) => [status, report.steps.filter((s) => s.status === status).length] as const)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
  const lines: string[] = [];

  if (report.failure) {
    const interrupted = report.interrupted;
    lines.push(
      interrupted
        ? `${style.fail('✖')} init of "${stack.names.stack}" in ${where} was interrupted.`
        : `${style.fail('✖')} init of "${stack.names.stack}" in ${where} failed at "${report.failure.title}": ${awsMessage(report.failure.error)}`,
    );
    const failedUndos = report.undone.filter((u) => !u.ok);
    if (!answers.rollback) lines.push('Rollback disabled (--no-rollback): what this run created was kept.');
    else if (failedUndos.length > 0)
      lines.push(
        `Rollback incomplete: ${failedUndos.map((u) => `${u.title} (${u.error ?? 'failed'})`).join('; ')}.`,
      );
    else if (report.undone.length > 0)
      lines.push(`Rolled back what this run did (${report.undone.map((u) => u.title).join(', ')}).`);
    else if (leftBehindList(input.report).length === 0) lines.push('Nothing had been changed yet.');
    const left = leftBehindList(input.report);
    if (left.length > 0)
      lines.push(
        answers.rollback
          ? `Could not be removed: ${left.join(', ')}.`
          : `Kept from the failed step: ${left.join(', ')}.`,
      );
    const rows = resourceRows(input, r);
    const remaining = rows.length > 0 ? [table(rows, { width: style.width })] : [];
    const remains = remaining.length > 0 || left.length > 0;
    lines.push('', remains ? 'What remains:' : 'Nothing of the stack remains.', ...remaining);
    if (remains) lines.push('', `${style.code(`alarm-to-slack teardown${scope}`)} removes it.`);
    return lines.join('\n');
  }

  lines.push(
    `${style.ok('✔')} alarm-to-slack "${stack.names.stack}" is ready in ${where}: ${counts || 'no steps'} in ${formatDuration(input.ms)}.`,
    '',
    table([...resourceRows(input, r), slackRow(input)], { width: style.width }),
  );
  if (!answers.alarm && !r.ruleArn && !input.connect && r.topicArn) {
    lines.push(
      '',
      'No CPU alarm was set up. To post alarms you already have to Slack, pick or name them:',
      `  ${style.code(`alarm-to-slack connect${scope}`)} (or with --every-alarm: every alarm of the region)`,
      "or add the topic to any alarm's actions yourself (alarm and OK):",
      `  ${r.topicArn}`,
      `  e.g. aws cloudwatch put-metric-alarm … --alarm-actions ${r.topicArn} --ok-actions ${r.topicArn}`,
    );
  }
  if (input.connect) {
    const c = input.connect;
    lines.push(
      '',
      'report' in c
        ? resultText(style, stack, c.report)
        : `${style.warn('!')} No alarm was connected (${c.error}); \`alarm-to-slack connect${scope}\` picks them later.`,
    );
  }
  if (input.testAlarm) {
    const t = input.testAlarm;
    lines.push(
      '',
      t.ok
        ? `${style.ok('✔')} Test alarm sent through ${t.functionName}: check the Slack channel.`
        : `${style.warn('!')} The test alarm failed: ${t.error ?? 'unknown error'}${t.hint ? ` (${t.hint})` : ''}. The setup itself is complete; retry with \`alarm-to-slack test${scope}\`.`,
    );
  }
  const next: Array<[string, string]> = [
    ['test', 'send a test alarm through the function to Slack'],
    ['connect', 'send alarms you already have to Slack (the topic joins their actions)'],
    ['status', 'show each resource, its health and the last 24 hours'],
    ['teardown', 'remove everything this stack created'],
  ];
  lines.push(
    '',
    'Next:',
    table(
      next.map(([c, what]) => [style.code(`alarm-to-slack ${c}${scope}`), what]),
      { width: style.width },
    ),
  );
  return lines.join('\n');
}
