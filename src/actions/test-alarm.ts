import type { IO } from '../io/types.js';
import type { StackContext } from '../resources/context.js';
import type { AlarmState } from '../validate.js';

/**
 * Sends a test alarm through the deployed function (RequestResponse, LogType Tail) and reports it.
 * Used by `alarm-to-slack test` and at the end of an interactive `init`. CONTRACT STUB.
 */
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
}

export async function sendTestAlarm(_opts: {
  stack: StackContext;
  io: IO;
  state: AlarmState;
}): Promise<TestAlarmOutcome> {
  throw new Error('not implemented');
}
