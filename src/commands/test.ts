/** `alarm-to-slack test [--state ALARM|OK|INSUFFICIENT_DATA] [--through-alarm]` */
import { sendTestAlarm, type TestAlarmOutcome } from '../actions/test-alarm.js';
import { sendThroughAlarm, type ThroughAlarmOutcome } from '../actions/through-alarm.js';
import { CliError } from '../errors.js';
import type { Style } from '../io/types.js';
import { validateState } from '../validate.js';
import type { CommandContext } from './context.js';
import { openStack, stackName } from './stack.js';

interface TestOptions {
  state?: string;
  throughAlarm?: boolean;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function directHuman(style: Style, o: TestAlarmOutcome): string {
  const lines = o.ok
    ? [
        `${style.ok('✔')} ${o.functionName} delivered the test ${o.state} alarm to Slack` +
          (o.payload === undefined ? '.' : ` (returned ${JSON.stringify(o.payload)}).`),
      ]
    : [`${o.queued ? style.warn('!') : style.fail('✖')} ${o.functionName}: ${o.error}`];
  if (o.logTail) lines.push('', style.dim('Log tail:'), style.dim(indent(o.logTail)));
  return lines.join('\n');
}

/** "mission-cpu-alarm → SNS → mission-lambda → Slack", or through the rule. */
function chain(o: ThroughAlarmOutcome, rule: string): string {
  const via = o.through === 'eventbridge' ? `EventBridge rule ${rule}` : 'SNS';
  return `${o.alarmName} → ${via} → ${o.functionName} → Slack`;
}

function throughHuman(style: Style, o: ThroughAlarmOutcome, rule: string): string {
  const seconds = `${Math.round(o.waitedMs / 1000)} s`;
  const lines = o.delivered
    ? [
        `${style.ok('✔')} ${chain(o, rule)}: the ${o.state} notification was delivered (seen in the logs after ${seconds}).`,
      ]
    : o.queued
      ? [`${style.warn('!')} ${chain(o, rule)}: ${o.error}`]
      : [`${style.fail('✖')} The chain stopped at the ${o.stoppedAt ?? 'function'}: ${o.error}`];
  if (o.delivered && o.error) lines.push(`  ${style.fail('✖')} ${o.error}`);
  if (o.restoredToOk)
    lines.push(`  ${o.alarmName} was set back to OK${o.delivered ? ' (Slack gets an OK message too)' : ''}.`);
  if (o.temporaryAlarm?.removed) lines.push(`  The temporary alarm ${o.temporaryAlarm.name} was deleted.`);
  return lines.join('\n');
}

/** The one-line failure of a run that did not end delivered and clean. */
function throughFailure(o: ThroughAlarmOutcome): string {
  if (o.delivered) return `Delivered, but the temporary alarm ${o.temporaryAlarm?.name ?? ''} remains.`;
  if (o.queued) return 'Not delivered yet: Slack rate-limited it; it waits in the undelivered queue.';
  return `Not delivered: the chain stopped at the ${o.stoppedAt ?? 'function'}.`;
}

export async function run(options: TestOptions, ctx: CommandContext): Promise<void> {
  // Flags first: exit 2 before any AWS call.
  const state = validateState(options.state ?? 'ALARM');
  const name = stackName(ctx);
  const { stack } = await openStack(ctx, name);
  const { io } = ctx;

  if (options.throughAlarm) {
    const outcome = await sendThroughAlarm({ stack, io, state });
    io.result(throughHuman(io.style, outcome, stack.names.rule), {
      ok: outcome.ok,
      functionName: outcome.functionName,
      alarmName: outcome.alarmName,
      state,
      throughAlarm: true,
      ...(outcome.through ? { through: outcome.through } : {}),
      delivered: outcome.delivered,
      ...(outcome.queued ? { queued: 1 } : {}),
      ...(outcome.stoppedAt ? { stoppedAt: outcome.stoppedAt } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
      ...(outcome.hint ? { hint: outcome.hint } : {}),
      waitedMs: outcome.waitedMs,
      restoredToOk: outcome.restoredToOk,
      invocations: outcome.invocations,
      ...(outcome.temporaryAlarm ? { temporaryAlarm: outcome.temporaryAlarm } : {}),
    });
    if (!outcome.ok) {
      throw new CliError(throughFailure(outcome), { ...(outcome.hint ? { hint: outcome.hint } : {}) });
    }
    return;
  }

  const outcome = await sendTestAlarm({ stack, io, state });
  io.result(directHuman(io.style, outcome), {
    ok: outcome.ok,
    functionName: outcome.functionName,
    state,
    payload: outcome.payload ?? null,
    ...(outcome.queued ? { queued: outcome.queued } : {}),
    ...(outcome.error ? { error: outcome.error } : {}),
    ...(outcome.hint ? { hint: outcome.hint } : {}),
    logTail: outcome.logTail,
  });
  if (!outcome.ok) {
    throw new CliError(
      outcome.missing
        ? (outcome.error ?? 'The function does not exist.')
        : outcome.queued
          ? 'The test alarm was not delivered yet: Slack rate-limited it; it waits in the undelivered queue.'
          : `The test alarm failed: ${outcome.error}`,
      { ...(outcome.hint ? { hint: outcome.hint } : {}) },
    );
  }
}
