/**
 * `alarm-to-slack test --through-alarm`: drives the real alarm with SetAlarmState and follows the
 * notification to the function's log group, reporting delivery or the link where the chain stopped.
 */
import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { type Invocation, invocationLogLines, readInvocations } from '../aws/logs.js';
import { awsMessage, InterruptedError } from '../errors.js';
import type { IO } from '../io/types.js';
import { type AlarmFound, findAlarm } from '../resources/alarm.js';
import type { StackContext } from '../resources/context.js';
import { findFunction } from '../resources/function.js';
import { findPermissions, permissionVerdict, snsPermissionSpec } from '../resources/permission.js';
import { findSubscriptions } from '../resources/subscription.js';
import { findTopic } from '../resources/topic.js';
import type { AlarmState } from '../validate.js';
import { awsCommand, hintForFunctionError, initCommand, redactWebhooks } from './hints.js';

type ChainLink = 'alarm' | 'alarm-actions' | 'topic' | 'subscription' | 'permission' | 'function';

export interface ThroughAlarmOutcome {
  ok: boolean;
  alarmName: string;
  functionName: string;
  state: AlarmState;
  delivered: boolean;
  /** Where the chain stopped, when not delivered. */
  stoppedAt?: ChainLink;
  error?: string;
  hint?: string;
  /** How long we waited for the function's logs. */
  waitedMs: number;
  invocations: Invocation[];
  /** The alarm was set back to OK at the end. */
  restoredToOk: boolean;
}

interface ThroughAlarmOptions {
  stack: StackContext;
  io: IO;
  state: AlarmState;
  pollMs?: number;
  timeoutMs?: number;
}

const POLL_MS = 4000;
const TIMEOUT_MS = 60_000;
/** Log events carry AWS's clock; a local clock a little ahead must not hide them. */
const CLOCK_SKEW_MS = 10_000;
const PROGRESS_EVERY_MS = 12_000;

const OTHER_STATE: Record<AlarmState, AlarmState> = { ALARM: 'OK', OK: 'ALARM', INSUFFICIENT_DATA: 'OK' };

function actionsFor(alarm: AlarmFound, state: AlarmState): string[] {
  if (state === 'ALARM') return alarm.alarmActions;
  if (state === 'OK') return alarm.okActions;
  return [];
}

async function setState(stack: StackContext, state: AlarmState, reason: string): Promise<void> {
  await stack.clients
    .get(CloudWatchClient)
    .send(new SetAlarmStateCommand({ AlarmName: stack.names.alarm, StateValue: state, StateReason: reason }));
}

/** Before any change: is there an alarm, a function, and does the alarm notify the topic in that state? */
async function precheck(
  opts: ThroughAlarmOptions,
): Promise<{ alarm: AlarmFound } | Pick<ThroughAlarmOutcome, 'stoppedAt' | 'error' | 'hint'>> {
  const { stack, state } = opts;
  const [alarm, fn] = await Promise.all([findAlarm(stack), findFunction(stack)]);
  if (!alarm) {
    return {
      stoppedAt: 'alarm',
      error: `The alarm ${stack.names.alarm} does not exist in ${stack.region}.`,
      hint: `Create it: ${initCommand(stack, '--instance-id <i-…>')} (or test the function alone without --through-alarm).`,
    };
  }
  if (!fn) {
    return {
      stoppedAt: 'function',
      error: `The function ${stack.names.functionName} does not exist in ${stack.region}.`,
      hint: `Set the stack up: ${initCommand(stack)}`,
    };
  }
  const actions = actionsFor(alarm, state);
  if (!actions.includes(stack.arns.topicArn)) {
    return {
      stoppedAt: 'alarm-actions',
      error:
        state === 'INSUFFICIENT_DATA' && actions.length === 0
          ? `The alarm ${alarm.name} has no INSUFFICIENT_DATA actions: CloudWatch would notify nobody.`
          : `The alarm's ${state} actions do not include the topic ${stack.names.topic}: CloudWatch would not notify it.`,
      hint:
        state === 'INSUFFICIENT_DATA'
          ? 'Use --state ALARM or --state OK.'
          : `Re-run ${initCommand(stack)} to set the alarm's actions.`,
    };
  }
  return { alarm };
}

/** After the wait, without an invocation: which link is missing? */
async function diagnose(
  stack: StackContext,
): Promise<Pick<ThroughAlarmOutcome, 'stoppedAt' | 'error' | 'hint'>> {
  const { topicArn, functionArn } = stack.arns;
  const [topic, subscriptions, permissions] = await Promise.all([
    findTopic(stack),
    findSubscriptions(stack, topicArn, functionArn),
    findPermissions(stack),
  ]);
  const fix = `Re-run ${initCommand(stack)} to restore it.`;
  if (!topic)
    return { stoppedAt: 'topic', error: `The topic ${stack.names.topic} does not exist.`, hint: fix };
  if (subscriptions.length === 0) {
    return {
      stoppedAt: 'subscription',
      error: `The topic ${stack.names.topic} has no subscription for ${stack.names.functionName}: notifications go nowhere.`,
      hint: fix,
    };
  }
  if (permissionVerdict(permissions, snsPermissionSpec(stack, topicArn), stack.account) === 'missing') {
    return {
      stoppedAt: 'permission',
      error: `SNS is not allowed to invoke ${stack.names.functionName} from ${stack.names.topic}: it drops every notification silently.`,
      hint: fix,
    };
  }
  return {
    stoppedAt: 'function',
    error: `${stack.names.functionName} was not invoked within the wait, though the alarm, topic, subscription and permission are in place.`,
    hint: `SNS may be slow or throttled: look again in a minute with \`${awsCommand(stack, `logs tail ${stack.names.logGroup} --since 5m`)}\`.`,
  };
}

export async function sendThroughAlarm(opts: ThroughAlarmOptions): Promise<ThroughAlarmOutcome> {
  const { stack, io, state } = opts;
  const now = () => stack.clock.now();
  const pollMs = opts.pollMs ?? POLL_MS;
  const timeoutMs = opts.timeoutMs ?? TIMEOUT_MS;
  const base = {
    alarmName: stack.names.alarm,
    functionName: stack.names.functionName,
    state,
    delivered: false,
    waitedMs: 0,
    invocations: [] as Invocation[],
    restoredToOk: false,
  };

  const checked = await precheck(opts);
  if (!('alarm' in checked)) return { ...base, ok: false, ...checked };

  const started = now();
  const reason = `alarm-to-slack test: ${state} set by \`alarm-to-slack test --through-alarm\`, not a real state change.`;
  let result: ThroughAlarmOutcome;
  let changed = false;
  try {
    if (checked.alarm.state === state) {
      // CloudWatch notifies only on a change of state: pass through another state first.
      io.progress.info(`The alarm is already ${state}; setting it to ${OTHER_STATE[state]} first.`);
      await setState(stack, OTHER_STATE[state], reason);
      changed = true;
    }
    await setState(stack, state, reason);
    changed = true;
    io.progress.info(`Set ${stack.names.alarm} to ${state}.`);
    io.progress.start('through-alarm', `Waiting for ${stack.names.functionName} to run`);
    try {
      result = await waitForInvocation(opts, base, started, now, pollMs, timeoutMs);
    } catch (error) {
      // Never leave a spinner running.
      io.progress.done('through-alarm', { ok: false, text: awsMessage(error), ms: now() - started });
      throw error;
    }
    io.progress.done('through-alarm', {
      ok: result.ok,
      text: result.delivered
        ? 'invoked, no error in its logs'
        : `not delivered: stopped at the ${result.stoppedAt ?? 'function'}`,
      ms: result.waitedMs,
    });
  } finally {
    if (changed && state === 'ALARM') {
      try {
        await setState(stack, 'OK', 'alarm-to-slack test finished: back to OK.');
        base.restoredToOk = true;
      } catch (error) {
        io.progress.warn(`Could not set ${stack.names.alarm} back to OK: ${awsMessage(error)}`);
      }
    }
  }
  return { ...result, restoredToOk: base.restoredToOk };
}

async function waitForInvocation(
  opts: ThroughAlarmOptions,
  base: Omit<ThroughAlarmOutcome, 'ok'>,
  started: number,
  now: () => number,
  pollMs: number,
  timeoutMs: number,
): Promise<ThroughAlarmOutcome> {
  const { stack, io } = opts;
  let invocations: Invocation[] = [];
  // Bounded by the poll count as well as the clock, so that a clock that never moves cannot spin forever.
  const maxPolls = Math.ceil(timeoutMs / Math.max(pollMs, 1)) + 1;
  let reported = 0;
  for (let poll = 1; ; poll++) {
    const lines = await invocationLogLines(stack.clients, stack.names.logGroup, started - CLOCK_SKEW_MS);
    invocations = readInvocations(lines.map(redactWebhooks));
    const waitedMs = now() - started;
    const failed = invocations.find((i) => i.error);
    if (failed?.error) {
      return {
        ...base,
        ok: false,
        stoppedAt: 'function',
        error: `${stack.names.functionName} ran but failed: ${failed.error}`,
        hint: hintForFunctionError(stack, failed.error),
        waitedMs,
        invocations,
      };
    }
    if (invocations.some((i) => i.finished))
      return { ...base, ok: true, delivered: true, waitedMs, invocations };
    if (waitedMs >= timeoutMs || poll >= maxPolls) break;
    // One line about every 12 s (a spinner shows the wait on a TTY meanwhile).
    if (Math.floor(waitedMs / PROGRESS_EVERY_MS) > reported) {
      reported = Math.floor(waitedMs / PROGRESS_EVERY_MS);
      io.progress.info(
        `  …no invocation in the logs yet (${Math.round(waitedMs / 1000)} s of ${Math.round(timeoutMs / 1000)} s)`,
      );
    }
    try {
      await stack.clock.sleep(Math.min(pollMs, timeoutMs - waitedMs), stack.signal);
    } catch (error) {
      // Ctrl-C while waiting: the caller's finally sets the alarm back to OK; exit 130.
      if (stack.signal?.aborted) throw new InterruptedError('Interrupted while waiting for the function.');
      throw error;
    }
    if (stack.signal?.aborted) throw new InterruptedError('Interrupted while waiting for the function.');
  }
  const waitedMs = now() - started;
  if (invocations.length > 0) {
    return {
      ...base,
      ok: false,
      stoppedAt: 'function',
      error: `${stack.names.functionName} started but had not finished after ${Math.round(waitedMs / 1000)} s.`,
      hint: hintForFunctionError(stack, 'Task timed out'),
      waitedMs,
      invocations,
    };
  }
  return { ...base, ok: false, waitedMs, invocations, ...(await diagnose(stack)) };
}
