/**
 * What the notifier (handler-template/index.mjs) wrote in its log group about one alarm's state change:
 * the "Posted to Slack…" line that says Slack accepted it, or why it did not (the runtime's "Invoke Error",
 * a timeout, the hand-off to the undelivered queue on a 429, a queued record refused again). A line takes
 * one of three shapes: Lambda's text format (`<time>\t<request id>\tINFO\t<message>`), its JSON format
 * (`{"level":"INFO","requestId":…,"message":…}`), or the bare message (an emulator that stores the
 * function's output as it is, with no platform lines).
 */
import type { AlarmState } from '../validate.js';
import { errorFromText, INVOCATION_FILTER, type Invocation, readInvocations } from './logs.js';

/** The invocation lines, and the notifier's own lines about posting (each an alternative of the pattern). */
export const NOTIFIER_FILTER = `${INVOCATION_FILTER} ?"Posted to Slack" ?"handed to the queue" ?"left in the queue" ?"retrying in" ?"delivered through the EventBridge rule"`;

/** The state change looked for: the alarm's name and the state it went to. */
export interface AlarmChange {
  name: string;
  state: AlarmState;
}

export interface NotifierReport {
  /** The notifier's "Posted to Slack…" line for this change: Slack accepted it. */
  posted?: string | undefined;
  /** Slack's answer when the notifier handed the alert to the undelivered queue (429) instead of posting it. */
  handedOff?: string | undefined;
  /** Why a record of the undelivered queue was not posted again (it stays in the queue). */
  leftInQueue?: string | undefined;
  /** The function's error: the runtime's Invoke Error, or a timeout. */
  error?: string | undefined;
  /** What the function retried after, e.g. "Slack answered 503 …; retrying in 800 ms (attempt 2)". */
  retries: string[];
  /** The notifier skipped the SNS copy of this change because its EventBridge rule delivers it. */
  skippedForRule: boolean;
  /** The invocations Lambda's own lines tell of (none where no platform lines are written). */
  invocations: Invocation[];
}

/** "2026-11-25T12:00:05.300Z\t<request id>\tINFO\t<message>": Lambda's text format for a function's line. */
const TEXT_LINE = /^\d{4}-\d\d-\d\dT\S+\s+\S+\s+(?:INFO|WARN|ERROR|DEBUG|TRACE|FATAL)\s+(.*)$/s;

/** The message of a log line, whatever its shape. */
export function messageOf(line: string): string {
  const trimmed = line.trim();
  if (trimmed.startsWith('{')) {
    try {
      const json = JSON.parse(trimmed) as { message?: unknown };
      if (typeof json.message === 'string') return json.message;
    } catch {
      // not JSON: the line as it is
    }
  }
  return TEXT_LINE.exec(trimmed)?.[1] ?? trimmed;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The headline the notifier writes for the change (format.mjs): "🔴 ALARM: <name>", "✅ RESOLVED: <name>"
 * for OK after ALARM, "OK: <name>" otherwise; the name escaped as Slack's mrkdwn; then " in <region>",
 * the end, or "…" when cut.
 */
function headline(change: AlarmChange): RegExp {
  const name = escapeRegExp(escapeHtml(change.name));
  const states = change.state === 'OK' ? '(?:RESOLVED|OK)' : change.state;
  return new RegExp(`(?:^|\\s)${states}: ${name}(?= in |$|…)`);
}

const POSTED = /^Posted to Slack(?: after \d+ attempts)?: (.*)$/s;
const HANDED_OFF = /^(.*): \d+ alerts? handed to the queue \S+, to be posted paced\.$/s;
const LEFT = /^Record \S* not posted, left in the queue: (.*)$/s;
const MORE_LEFT = /^\d+ more records? left in the queue: (.*?)\.?$/s;
const RETRYING = /; retrying in \d+ ms \(attempt \d+\)$/;
const INVOKE_ERROR = /Invoke Error\s*(\{.*\})\s*$/s;
const TIMED_OUT = /Task timed out after [\d.]+ seconds/;

/** Reads the lines (oldest first) of the log group since the change for what became of it. */
export function readNotifierLog(lines: readonly string[], change: AlarmChange): NotifierReport {
  const ours = headline(change);
  const skipped = `(${change.name} ${change.state}: delivered through the EventBridge rule instead)`;
  const invocations = readInvocations(lines);
  const report: NotifierReport = {
    retries: [],
    skippedForRule: false,
    invocations,
    error: invocations.find((i) => i.error)?.error,
  };
  for (const line of lines) {
    const message = messageOf(line);
    const posted = POSTED.exec(message);
    if (posted) {
      if (ours.test(posted[1] ?? '')) report.posted ??= message;
      continue;
    }
    const handed = HANDED_OFF.exec(message)?.[1];
    if (handed) report.handedOff ??= handed;
    const left = LEFT.exec(message)?.[1] ?? MORE_LEFT.exec(message)?.[1];
    if (left) report.leftInQueue ??= left;
    if (RETRYING.test(message)) report.retries.push(message);
    if (message.startsWith('Skipped ') && message.includes(skipped)) report.skippedForRule = true;
    // Lines without a request id (a bare "ERROR Invoke Error {…}"), which readInvocations cannot place.
    const invokeError = INVOKE_ERROR.exec(message)?.[1];
    if (invokeError) report.error ??= errorFromText(invokeError);
    const timedOut = TIMED_OUT.exec(message)?.[0];
    if (timedOut) report.error ??= timedOut;
  }
  return report;
}
