/**
 * `alarm-to-slack test --through-alarm`: drives a real alarm with SetAlarmState and follows the state change
 * to the notifier's own log lines, reporting delivery, or where the chain stopped. Through SNS with the
 * stack's CPU alarm (set back to OK after an ALARM); in every-alarm mode through the EventBridge rule, with a
 * temporary alarm that is deleted afterwards, whatever happens (a failure, an AWS error, Ctrl-C).
 */
import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import type { Invocation } from '../aws/logs.js';
import { awsMessage } from '../errors.js';
import type { IO } from '../io/types.js';
import { cleanUpAndThrow } from '../resources/cleanup.js';
import type { StackContext } from '../resources/context.js';
import { putTemporaryAlarm, removeTemporaryAlarm, stateUpdatedAt } from '../resources/temporary-alarm.js';
import type { AlarmState } from '../validate.js';
import { awsCommand, cliCommand, hintForFunctionError } from './hints.js';
import { type ChainLink, chooseRoute, diagnose, type Route, type Stop } from './through-route.js';
import { type Watched, watchDelivery } from './through-watch.js';

export interface ThroughAlarmOutcome {
  ok: boolean;
  /** The alarm driven: the stack's CPU alarm, or the temporary one. */
  alarmName: string;
  functionName: string;
  state: AlarmState;
  /** How the state change reaches the function (absent when nothing could be driven). */
  through?: 'sns' | 'eventbridge' | undefined;
  delivered: boolean;
  /** Slack rate-limited it: it waits in the undelivered queue, to be posted by itself. */
  queued?: boolean | undefined;
  /** Where the chain stopped, when not delivered. */
  stoppedAt?: ChainLink | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  /** How long we waited for the function's logs. */
  waitedMs: number;
  invocations: Invocation[];
  /** The alarm was set back to OK at the end. */
  restoredToOk: boolean;
  /** The temporary alarm of every-alarm mode, and whether it was deleted. */
  temporaryAlarm?: { name: string; removed: boolean } | undefined;
}

interface ThroughAlarmOptions {
  stack: StackContext;
  io: IO;
  state: AlarmState;
  pollMs?: number;
  timeoutMs?: number;
}

const TIMEOUT_MS = 60_000;
/** Without CloudWatch's own stamp of the change, our clock a little ahead of AWS's must not hide log events. */
const CLOCK_SKEW_MS = 10_000;

const OTHER_STATE: Record<AlarmState, AlarmState> = { ALARM: 'OK', OK: 'ALARM', INSUFFICIENT_DATA: 'OK' };
const REASON = (state: AlarmState) =>
  `alarm-to-slack test: ${state} set by \`alarm-to-slack test --through-alarm\`, not a real state change.`;

async function setState(stack: StackContext, name: string, state: AlarmState, reason: string) {
  await stack.clients
    .get(CloudWatchClient)
    .send(new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: reason }));
}

/** CloudWatch notifies only on a change of state: the state to pass through first, if any. */
function passThrough(route: Route, current: string | undefined, state: AlarmState): AlarmState | undefined {
  if (current !== state) return undefined;
  if (route.through === 'sns') return OTHER_STATE[state];
  // One the rule does not send, when there is one: nothing is posted for it.
  const others = (['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const).filter((s) => s !== state);
  const silent = [OTHER_STATE[state], ...others].find((s) => !route.filter.states.includes(s));
  return silent ?? OTHER_STATE[state];
}

/** The outcome of a wait, without a delivery: the function's error, the queue, or the missing link. */
async function notDelivered(
  stack: StackContext,
  route: Route,
  watched: Watched,
): Promise<Stop & { queued?: boolean }> {
  const { report, waitedMs } = watched;
  const fn = stack.names.functionName;
  if (watched.outcome === 'failed' && report.error)
    return {
      stoppedAt: 'function',
      error: `${fn} ran but failed: ${report.error}`,
      hint: hintForFunctionError(stack, report.error),
    };
  if (watched.outcome === 'queued') {
    const why = report.leftInQueue ?? report.handedOff ?? 'Slack refused it';
    return {
      stoppedAt: 'slack',
      queued: true,
      error: `Slack did not take the notification (${why}); it waits in the undelivered queue ${stack.names.queue} and will be delivered automatically.`,
      hint: `Nothing reached Slack yet: the queue posts it paced, within minutes once Slack answers; \`${cliCommand(stack, 'status')}\` shows what waits.`,
    };
  }
  if (report.invocations.some((i) => !i.finished))
    return {
      stoppedAt: 'function',
      error: `${fn} started but had not finished after ${Math.round(waitedMs / 1000)} s.`,
      hint: hintForFunctionError(stack, 'Task timed out'),
    };
  if (report.invocations.length > 0 || report.retries.length > 0)
    return {
      stoppedAt: 'function',
      error: `${fn} ran, but posted nothing for the change within ${Math.round(waitedMs / 1000)} s.`,
      hint: `See \`${awsCommand(stack, `logs tail ${stack.names.logGroup} --since 5m`)}\`.`,
    };
  return diagnose(stack, route);
}

/** Sets the state (through another first when needed), follows it in the logs; sets OK back after an ALARM of the stack's alarm. */
async function drive(
  opts: ThroughAlarmOptions,
  route: Route,
  current: string | undefined,
  base: ThroughAlarmOutcome,
): Promise<ThroughAlarmOutcome> {
  const { stack, io, state } = opts;
  const name = route.alarmName;
  const restore = route.through === 'sns' && state === 'ALARM';
  let changed = false;
  let result = base;
  try {
    const first = passThrough(route, current, state);
    if (first) {
      const silent = route.through === 'eventbridge' && !route.filter.states.includes(first);
      io.progress.info(
        `${name} is ${current}; setting it to ${first} first${silent ? ' (the rule does not send it)' : ' (Slack gets that message too)'}.`,
      );
      await setState(stack, name, first, REASON(first));
      changed = true;
    }
    const before = stack.clock.now();
    await setState(stack, name, state, REASON(state));
    changed = true;
    io.progress.info(`Set ${name} to ${state}.`);
    const since = (await stateUpdatedAt(stack, name, state)) ?? before - CLOCK_SKEW_MS;
    const via = route.through === 'sns' ? 'SNS' : `the rule ${stack.names.rule}`;
    io.progress.start('through-alarm', `Waiting for ${stack.names.functionName} to post it (through ${via})`);
    let watched: Watched;
    try {
      watched = await watchDelivery({
        stack,
        io,
        change: { name, state },
        since,
        pollMs: opts.pollMs,
        timeoutMs: opts.timeoutMs ?? TIMEOUT_MS,
      });
    } catch (error) {
      // Never leave a spinner running.
      io.progress.done('through-alarm', {
        ok: false,
        text: awsMessage(error),
        ms: stack.clock.now() - before,
      });
      throw error;
    }
    const { waitedMs, report } = watched;
    result = { ...base, waitedMs, invocations: report.invocations };
    if (watched.outcome === 'delivered') {
      result = { ...result, ok: true, delivered: true };
      io.progress.done('through-alarm', {
        ok: true,
        text: `"${report.posted ?? 'Posted to Slack'}"`,
        ms: waitedMs,
      });
    } else {
      const stop = await notDelivered(stack, route, watched);
      result = { ...result, ok: false, ...stop };
      io.progress.done('through-alarm', {
        ok: false,
        ...(stop.queued ? { warn: true } : {}),
        text: stop.queued ? 'queued, not posted yet' : `not delivered: stopped at the ${stop.stoppedAt}`,
        ms: waitedMs,
      });
    }
  } finally {
    if (changed && restore) {
      try {
        await setState(stack, name, 'OK', 'alarm-to-slack test finished: back to OK.');
        result = { ...result, restoredToOk: true };
      } catch (error) {
        io.progress.warn(`Could not set ${name} back to OK: ${awsMessage(error)}`);
      }
    }
  }
  return result;
}

/** Every-alarm mode: the temporary alarm, driven, then deleted (by the clean-up helper when something throws). */
async function throughRule(
  opts: ThroughAlarmOptions,
  route: Extract<Route, { through: 'eventbridge' }>,
  base: ThroughAlarmOutcome,
): Promise<ThroughAlarmOutcome> {
  const { stack, io } = opts;
  const name = route.alarmName;
  io.progress.info(`Creating the temporary alarm ${name} (no actions; deleted when the test ends).`);
  const current = await putTemporaryAlarm(stack, name);
  let result: ThroughAlarmOutcome;
  try {
    result = await drive(opts, route, current, base);
  } catch (error) {
    return cleanUpAndThrow(
      stack,
      error,
      `CloudWatch alarm ${name}`,
      () => removeTemporaryAlarm(stack, name),
      'deleting it',
    );
  }
  try {
    await removeTemporaryAlarm(stack, name);
    io.progress.info(`Deleted the temporary alarm ${name}.`);
    return { ...result, temporaryAlarm: { name, removed: true } };
  } catch (error) {
    const left = `The temporary alarm ${name} could not be deleted (${awsMessage(error)})`;
    return {
      ...result,
      ok: false,
      temporaryAlarm: { name, removed: false },
      error: result.error ? `${result.error} ${left}.` : `${left}.`,
      hint: `Delete it: \`${awsCommand(stack, `cloudwatch delete-alarms --alarm-names ${name}`)}\``,
    };
  }
}

export async function sendThroughAlarm(opts: ThroughAlarmOptions): Promise<ThroughAlarmOutcome> {
  const { stack, state } = opts;
  const base: ThroughAlarmOutcome = {
    ok: false,
    alarmName: stack.names.alarm,
    functionName: stack.names.functionName,
    state,
    delivered: false,
    waitedMs: 0,
    invocations: [],
    restoredToOk: false,
  };
  const route = await chooseRoute(stack, state);
  if ('stoppedAt' in route) return { ...base, ...route };
  const routed = { ...base, alarmName: route.alarmName, through: route.through };
  if (route.through === 'eventbridge') return throughRule(opts, route, routed);
  return drive(opts, route, route.current, routed);
}
