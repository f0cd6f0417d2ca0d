/**
 * Following one alarm state change in the function's log group, from the moment CloudWatch stamped it:
 * delivered when the notifier logs "Posted to Slack…" with the alarm's headline; failed on the function's
 * error; queued when Slack rate-limited it (the notifier handed it to the undelivered queue, which posts it
 * by itself) or a queued record was refused again. Polls quickly at first, then every few seconds, with a
 * progress line about every 12 s; bounded by the clock and by the number of polls.
 */
import { invocationLogLines } from '../aws/logs.js';
import {
  type AlarmChange,
  NOTIFIER_FILTER,
  type NotifierReport,
  readNotifierLog,
} from '../aws/notifier-log.js';
import { InterruptedError } from '../errors.js';
import type { IO } from '../io/types.js';
import type { StackContext } from '../resources/context.js';
import { redactWebhooks } from './hints.js';

export interface Watched {
  /** delivered: Slack accepted it; failed: the function's error; queued: it waits in the undelivered queue; silent: nothing. */
  outcome: 'delivered' | 'failed' | 'queued' | 'silent';
  report: NotifierReport;
  /** From the start of the wait, on the command's clock. */
  waitedMs: number;
}

interface WatchOptions {
  stack: StackContext;
  io: IO;
  change: AlarmChange;
  /** Log events from this time on (ms, AWS's clock): the state change. */
  since: number;
  /** The same fixed wait between polls (tests); otherwise 1 s, 2 s, then POLL_MS. */
  pollMs?: number | undefined;
  timeoutMs: number;
}

const POLL_MS = 4000;
const FIRST_POLLS_MS = [1000, 2000];
const PROGRESS_EVERY_MS = 12_000;

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** What the wait has seen so far, for the progress line. */
function seen(report: NotifierReport): string {
  const parts: string[] = [];
  const runs = report.invocations.length;
  if (runs > 0) parts.push(`the function ran ${runs === 1 ? 'once' : `${runs} times`}`);
  const retry = report.retries.at(-1);
  if (retry) parts.push(`it retries Slack (${retry})`);
  if (report.skippedForRule) parts.push('the SNS copy was skipped for the EventBridge rule');
  return parts.length ? `; ${parts.join('; ')}` : '';
}

export async function watchDelivery(opts: WatchOptions): Promise<Watched> {
  const { stack, io, change, timeoutMs } = opts;
  const started = stack.clock.now();
  const waitFor = (poll: number) => opts.pollMs ?? FIRST_POLLS_MS[poll - 1] ?? POLL_MS;
  // Bounded by the poll count as well as the clock, so that a clock that never moves cannot spin forever.
  const maxPolls = Math.ceil(timeoutMs / Math.max(opts.pollMs ?? 1000, 1)) + 1;
  let reported = 0;
  let handOffNoted = false;
  let report: NotifierReport | undefined;
  for (let poll = 1; ; poll++) {
    const lines = await invocationLogLines(stack.clients, stack.names.logGroup, opts.since, NOTIFIER_FILTER);
    report = readNotifierLog(lines.map(redactWebhooks), change);
    const waitedMs = stack.clock.now() - started;
    if (report.posted) return { outcome: 'delivered', report, waitedMs };
    if (report.error) return { outcome: 'failed', report, waitedMs };
    if (report.leftInQueue) return { outcome: 'queued', report, waitedMs };
    if (report.handedOff && !handOffNoted) {
      handOffNoted = true;
      io.progress.info(
        `  Slack rate-limited it (${report.handedOff}): the notifier handed it to the undelivered queue ${stack.names.queue}, which posts it paced; waiting for that.`,
      );
    }
    if (waitedMs >= timeoutMs || poll >= maxPolls) break;
    if (Math.floor(waitedMs / PROGRESS_EVERY_MS) > reported) {
      reported = Math.floor(waitedMs / PROGRESS_EVERY_MS);
      io.progress.info(
        `  …nothing posted for ${change.name} ${change.state} yet (${seconds(waitedMs)} of ${seconds(timeoutMs)})${seen(report)}`,
      );
    }
    try {
      await stack.clock.sleep(Math.max(0, Math.min(waitFor(poll), timeoutMs - waitedMs)), stack.signal);
    } catch (error) {
      // Ctrl-C while waiting: the caller puts back what it changed; exit 130.
      if (stack.signal?.aborted) throw new InterruptedError('Interrupted while waiting for the function.');
      throw error;
    }
    if (stack.signal?.aborted) throw new InterruptedError('Interrupted while waiting for the function.');
  }
  const waitedMs = stack.clock.now() - started;
  return { outcome: report.handedOff ? 'queued' : 'silent', report, waitedMs };
}
