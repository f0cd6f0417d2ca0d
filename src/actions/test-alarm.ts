/**
 * Sends a test alarm through the deployed function (RequestResponse, LogType Tail) and reports it.
 * Used by `alarm-to-slack test` and at the end of an interactive `init`.
 */
import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { awsErrorName, awsMessage, isNotFound } from '../errors.js';
import { buildAlarmMessage, buildSnsEvent, type SnsTestEvent } from '../events/alarm-message.js';
import type { IO } from '../io/types.js';
import { type AlarmFound, findAlarm } from '../resources/alarm.js';
import type { StackContext } from '../resources/context.js';
import type { AlarmState } from '../validate.js';
import { cliCommand, hintForFunctionError, initCommand, redactWebhooks } from './hints.js';

export interface TestAlarmOutcome {
  ok: boolean;
  functionName: string;
  state: AlarmState;
  /** The function's error (Slack's answer, KMS AccessDenied, timeout), when not ok. */
  error?: string;
  /** A hint at the usual cause of `error`. */
  hint?: string;
  /** The decoded log tail. */
  logTail: string;
  /** The function's return value (e.g. {delivered: 1}). */
  payload?: unknown;
  /** True when the function does not exist (the stack was not set up, or was torn down). */
  missing?: boolean;
  /**
   * Alerts the function handed to the undelivered queue because Slack rate-limited it (429): nothing reached
   * Slack yet; the queue's mapping posts them by itself, paced.
   */
  queued?: number;
}

interface TestAlarmOptions {
  stack: StackContext;
  io: IO;
  state: AlarmState;
  /** The stack's alarm when the caller already looked it up (null: known to be absent); looked up otherwise. */
  alarm?: AlarmFound | null;
  /** The topic ARN when known (init); the derived `<name>-sns` ARN otherwise. */
  topicArn?: string;
}

/** The test event for the stack: exported so that tests and `--debug` can show exactly what is sent. */
function testEvent(opts: {
  stack: StackContext;
  alarm: AlarmFound | undefined;
  state: AlarmState;
  topicArn: string;
  now: Date;
  newId: () => string;
}): SnsTestEvent {
  const message = buildAlarmMessage(opts);
  return buildSnsEvent({
    region: opts.stack.region,
    topicArn: opts.topicArn,
    message,
    messageId: opts.newId(),
    subscriptionId: opts.newId(),
    now: opts.now,
    test: true,
  });
}

const decoder = new TextDecoder();

function decodeLog(logResult: string | undefined): string {
  if (!logResult) return '';
  return redactWebhooks(Buffer.from(logResult, 'base64').toString('utf8')).trimEnd();
}

function parsePayload(bytes: Uint8Array | undefined): unknown {
  if (!bytes || bytes.length === 0) return undefined;
  const text = decoder.decode(bytes);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** "errorType: errorMessage" from Lambda's error payload ({errorType, errorMessage, trace}). */
function functionErrorText(payload: unknown, functionError: string): string {
  if (payload && typeof payload === 'object') {
    const { errorType, errorMessage } = payload as { errorType?: unknown; errorMessage?: unknown };
    if (typeof errorMessage === 'string') {
      const type = typeof errorType === 'string' && errorType !== 'Error' ? `${errorType}: ` : '';
      return redactWebhooks(`${type}${errorMessage}`);
    }
  }
  if (typeof payload === 'string' && payload) return redactWebhooks(payload);
  return `${functionError} error`;
}

async function lookUpAlarm(opts: TestAlarmOptions): Promise<AlarmFound | undefined> {
  if (opts.alarm !== undefined) return opts.alarm ?? undefined;
  try {
    return await findAlarm(opts.stack);
  } catch (error) {
    // The test still works with a synthetic alarm message; say why the real one is not used.
    opts.io.progress.warn(`Could not read the alarm ${opts.stack.names.alarm} (${awsMessage(error)}).`);
    return undefined;
  }
}

export async function sendTestAlarm(opts: TestAlarmOptions): Promise<TestAlarmOutcome> {
  const { stack, io, state } = opts;
  const functionName = stack.names.functionName;
  const alarm = await lookUpAlarm(opts);
  const event = testEvent({
    stack,
    alarm,
    state,
    topicArn: opts.topicArn ?? stack.arns.topicArn,
    now: new Date(stack.clock.now()),
    newId: stack.clock.newId,
  });
  io.progress.info(
    `Invoking ${functionName} with a test ${state} notification for ${alarm ? 'the alarm' : 'a synthetic alarm'} ${stack.names.alarm}…`,
  );
  io.progress.debug(`test event: ${JSON.stringify(event)}`);

  let out: InvokeCommandOutput;
  try {
    out = await stack.clients.get(LambdaClient).send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        LogType: 'Tail',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
  } catch (error) {
    if (isNotFound(error)) {
      return {
        ok: false,
        missing: true,
        functionName,
        state,
        error: `The function ${functionName} does not exist in ${stack.region}.`,
        hint: `Set the stack up first: ${initCommand(stack)}`,
        logTail: '',
      };
    }
    const name = awsErrorName(error) ?? '';
    return {
      ok: false,
      functionName,
      state,
      error: awsMessage(error),
      hint: /AccessDenied/i.test(name)
        ? `Your credentials need lambda:InvokeFunction on ${stack.arns.functionArn}.`
        : `Lambda refused the invocation; see AWS's message above.`,
      logTail: '',
    };
  }

  const payload = parsePayload(out.Payload);
  const logTail = decodeLog(out.LogResult);
  if (out.FunctionError) {
    const error = functionErrorText(payload, out.FunctionError);
    return {
      ok: false,
      functionName,
      state,
      error,
      hint: hintForFunctionError(stack, error),
      logTail,
      payload,
    };
  }
  const queued = queuedCount(payload);
  if (queued > 0) {
    const queue = stack.names.queue;
    const why = handOffReason(logTail);
    return {
      ok: false,
      functionName,
      state,
      queued,
      error:
        `Slack rate-limited the test message${why ? ` (${why})` : ''}; it waits in the undelivered queue ` +
        `${queue} and will be delivered automatically.`,
      hint: `Nothing reached Slack yet: the queue posts it within minutes, paced under Slack's limit; \`${cliCommand(stack, 'status')}\` shows what waits.`,
      logTail,
      payload,
    };
  }
  if (notPosted(payload)) {
    return {
      ok: false,
      functionName,
      state,
      error: `The function posted nothing to Slack (it returned ${JSON.stringify(payload)}).`,
      hint: hintForFunctionError(stack, logTail),
      logTail,
      payload,
    };
  }
  return { ok: true, functionName, state, logTail, payload };
}

/** `{delivered, queued}` as the notifier returns it for a direct invocation; 0 for anything else. */
function queuedCount(payload: unknown): number {
  const queued = (payload as { queued?: unknown } | undefined)?.queued;
  return typeof queued === 'number' && queued > 0 ? queued : 0;
}

/** The notifier said it posted nothing (`{delivered: 0}`, e.g. every alert skipped). Older notifiers say nothing. */
function notPosted(payload: unknown): boolean {
  return (payload as { delivered?: unknown } | undefined)?.delivered === 0;
}

/** Slack's answer from the notifier's hand-off line ("Slack answered 429 …: 1 alert handed to the queue …"). */
function handOffReason(logTail: string): string | undefined {
  const line = logTail.split('\n').find((l) => l.includes('handed to the queue'));
  return line && /(Slack answered [^:]*?)(?::\s*\d+ alerts? handed)/.exec(line)?.[1]?.trim();
}
