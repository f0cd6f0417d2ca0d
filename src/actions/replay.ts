/**
 * `alarm-to-slack replay`: one pass over the undelivered-alert queue. Each batch of at most 5 messages
 * (the mapping's batch size) is received hidden, handed to the function synchronously as the SQS event
 * the mapping would give it, and settled by its answer (ReportBatchItemFailures): the delivered ones
 * are deleted, the others held until the end of the pass and then made visible again, so that the
 * pass never tries one twice and the event source mapping takes them up after it. A dry run receives,
 * lists and puts everything back.
 */
import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import type { Message } from '@aws-sdk/client-sqs';
import { awsMessage, CliError, isNotFound } from '../errors.js';
import {
  batchFailures,
  notPostedReasons,
  readUndelivered,
  sqsEventOf,
  type Undelivered,
} from '../events/undelivered.js';
import type { IO } from '../io/types.js';
import type { StackContext } from '../resources/context.js';
import { findMapping } from '../resources/event-source.js';
import { TIMEOUT_S } from '../resources/function-spec.js';
import { findQueue } from '../resources/queue.js';
import {
  deleteMessages,
  queueCounts,
  receiveMessages,
  releaseMessages,
} from '../resources/queue-messages.js';
import { initCommand, redactWebhooks } from './hints.js';

/** The mapping's batch size: what the function is made to handle within its timeout. */
const BATCH = 5;
/** A dry run only lists: SQS's largest receive. */
const LIST_BATCH = 10;
/**
 * How long a replay keeps what it received hidden: far more than one invocation (15 s), so that a
 * failing message stays out of the next receives (and away from the mapping) until the pass ends and
 * puts it back; after a crash it comes back on its own.
 */
const HOLD_S = 20 * TIMEOUT_S;
const LIST_HOLD_S = 60;
/** A long poll: a short one samples only some of SQS's servers and may answer nothing while messages wait. */
const WAIT_S = 1;

type Outcome = 'delivered' | 'failed' | 'listed' | 'not-deleted';

export interface ReplayRecord {
  messageId: string;
  info: Undelivered;
  outcome: Outcome;
  /** Why it was not delivered (or not deleted). */
  error?: string;
}

export interface ReplayReport {
  queue: string;
  dryRun: boolean;
  records: ReplayRecord[];
  /** Messages left in the queue after the pass (SQS's count, at least the ones that failed). */
  remaining: number;
  /** ApproximateNumberOfMessagesNotVisible after the pass: held by the event source mapping. */
  inFlight: number;
  /** Whether the event source mapping retries what is left on its own ('unknown': it could not be read). */
  mapping: 'enabled' | 'disabled' | 'missing' | 'unknown';
  /** Why the pass ended before the queue was empty, when it did (Slack still failing, the function failing). */
  stopped: string | undefined;
  interrupted: boolean;
}

/** The alarms of a record in a few words ("unreadable record" when it has none). */
export function alarmsOf(info: Undelivered): string {
  if (info.alerts.length === 0) return 'unreadable record';
  return info.alerts.map((a) => `${a.alarm}${a.test ? ' (test)' : ''}`).join(', ');
}

const decoder = new TextDecoder();

/** What the function said: its answer's text, its error, and its log tail. */
function answerOf(out: InvokeCommandOutput) {
  const payload = out.Payload ? decoder.decode(out.Payload) : '';
  const tail = out.LogResult ? redactWebhooks(Buffer.from(out.LogResult, 'base64').toString('utf8')) : '';
  if (!out.FunctionError) return { payload, tail, error: undefined };
  let error = `${out.FunctionError} error`;
  try {
    const e = JSON.parse(payload) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof e.errorMessage === 'string')
      error = `${typeof e.errorType === 'string' && e.errorType !== 'Error' ? `${e.errorType}: ` : ''}${e.errorMessage}`;
  } catch {
    if (payload) error = payload;
  }
  return { payload, tail, error: redactWebhooks(error) };
}

export async function replayQueue(
  stack: StackContext,
  io: IO,
  opts: { dryRun: boolean },
): Promise<ReplayReport> {
  const { names } = stack;
  const [queue, mapping] = await Promise.all([
    findQueue(stack),
    findMapping(stack).then(
      (m) => (m ? (m.enabled ? 'enabled' : 'disabled') : 'missing') as ReplayReport['mapping'],
      (error: unknown) => {
        io.progress.warn(`Could not read the event source mapping: ${awsMessage(error)}`);
        return 'unknown' as const;
      },
    ),
  ]);
  if (!queue)
    throw new CliError(`The queue ${names.queue} does not exist in ${stack.region}: nothing to replay.`, {
      hint: `Run init first: ${initCommand(stack)}`,
    });
  const report: ReplayReport = {
    queue: names.queue,
    dryRun: opts.dryRun,
    records: [],
    remaining: 0,
    inFlight: queue.messages.inFlight,
    mapping,
    stopped: undefined,
    interrupted: false,
  };
  const start = queue.messages;
  if (start.waiting + start.inFlight + start.delayed === 0) return report;
  io.progress.info(
    `${names.queue}: about ${start.waiting} alert(s) waiting${start.inFlight ? `, ${start.inFlight} in flight (being delivered by the mapping)` : ''}; ${opts.dryRun ? 'listing them (dry run)' : `re-delivering them through ${names.functionName}`}…`,
  );

  const url = queue.url;
  const byId = new Map<string, ReplayRecord>();
  const held: Message[] = [];
  const settle = (m: Message, outcome: Outcome, error?: string) => {
    const r = byId.get(m.MessageId ?? '');
    if (!r) return;
    r.outcome = outcome;
    if (error) r.error = error;
  };
  try {
    for (;;) {
      if (stack.signal?.aborted) {
        report.interrupted = true;
        break;
      }
      const got = await receiveMessages(stack, url, {
        max: opts.dryRun ? LIST_BATCH : BATCH,
        visibilitySeconds: opts.dryRun ? LIST_HOLD_S : HOLD_S,
        waitSeconds: WAIT_S,
      });
      // One that comes back (its hold ran out during a long pass) was tried already: back it goes.
      const again = got.filter((m) => byId.has(m.MessageId ?? ''));
      if (again.length > 0) await releaseMessages(stack, url, again);
      const fresh = got.filter((m) => !byId.has(m.MessageId ?? ''));
      if (fresh.length === 0) break;
      for (const m of fresh) {
        const record: ReplayRecord = {
          messageId: m.MessageId ?? '',
          info: readUndelivered(m.Body ?? ''),
          outcome: 'listed',
        };
        byId.set(record.messageId, record);
        report.records.push(record);
      }
      held.push(...fresh);
      if (opts.dryRun) continue;
      const stop = await redeliver(stack, io, queue, fresh, { settle, byId, held });
      if (stop) {
        report.stopped = stop;
        break;
      }
    }
  } finally {
    // Whatever happened, nothing stays hidden: the mapping (or the next replay) takes it from here.
    if (held.length > 0) {
      const notBack = await releaseMessages(stack, url, held).catch((error: unknown) => {
        io.progress.warn(
          `Could not make ${held.length} message(s) visible again (${awsMessage(error)}): they come back on their own within ${opts.dryRun ? LIST_HOLD_S : HOLD_S} s.`,
        );
        return [];
      });
      for (const n of notBack) io.progress.warn(`Message ${n.messageId} stays hidden for now: ${n.error}`);
    }
  }
  const after = await queueCounts(stack, url);
  const left = report.records.filter((r) => r.outcome !== 'delivered').length;
  report.remaining = Math.max(after.waiting + after.inFlight + after.delayed, left);
  report.inFlight = after.inFlight;
  return report;
}

/**
 * Invokes the function with one batch and settles each message by its answer: deleted when delivered,
 * held (to be put back) otherwise. Returns why the pass should stop, if it should: the function or
 * Lambda failed the whole batch, or none of it was delivered (Slack still fails: the rest would too).
 */
async function redeliver(
  stack: StackContext,
  io: IO,
  queue: { url: string; arn: string },
  batch: Message[],
  state: {
    settle: (m: Message, outcome: Outcome, error?: string) => void;
    byId: Map<string, ReplayRecord>;
    held: Message[];
  },
): Promise<string | undefined> {
  const { names } = stack;
  const alarms = batch.map((m) => alarmsOf(state.byId.get(m.MessageId ?? '')?.info ?? readUndelivered('')));
  io.progress.info(
    `Re-delivering ${batch.length} alert(s) through ${names.functionName}: ${alarms.join('; ')}…`,
  );
  const event = sqsEventOf(batch, { arn: queue.arn, region: stack.region });
  let out: InvokeCommandOutput;
  try {
    out = await stack.clients.get(LambdaClient).send(
      new InvokeCommand({
        FunctionName: names.functionName,
        InvocationType: 'RequestResponse',
        LogType: 'Tail',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
  } catch (error) {
    const why = isNotFound(error)
      ? `the function ${names.functionName} does not exist: run init first`
      : `Lambda refused the invocation: ${awsMessage(error)}`;
    for (const m of batch) state.settle(m, 'failed', why);
    return why;
  }
  const answer = answerOf(out);
  if (answer.error) {
    for (const m of batch) state.settle(m, 'failed', `the function failed: ${answer.error}`);
    return `the function failed: ${answer.error}`;
  }
  const ids = batch.map((m) => m.MessageId ?? '');
  const failed = batchFailures(answer.payload, ids);
  const reasons = notPostedReasons(answer.tail);
  const delivered = batch.filter((m) => !failed.has(m.MessageId ?? ''));
  for (const m of batch)
    if (failed.has(m.MessageId ?? ''))
      state.settle(
        m,
        'failed',
        reasons.get(m.MessageId ?? '') ?? 'the function reported it as not delivered',
      );
  if (delivered.length > 0) {
    // Delivered ones leave the held list: they are deleted, not put back.
    state.held.splice(0, state.held.length, ...state.held.filter((m) => !delivered.includes(m)));
    let notDeleted: Array<{ messageId: string; error: string }>;
    try {
      notDeleted = await deleteMessages(stack, queue.url, delivered);
    } catch (error) {
      notDeleted = delivered.map((m) => ({ messageId: m.MessageId ?? '', error: awsMessage(error) }));
    }
    const bad = new Map(notDeleted.map((n) => [n.messageId, n.error]));
    for (const m of delivered) {
      const why = bad.get(m.MessageId ?? '');
      state.settle(m, why ? 'not-deleted' : 'delivered', why && `posted, but not deleted (${why})`);
    }
    if (bad.size > 0)
      io.progress.warn(
        `${bad.size} delivered alert(s) could not be deleted from ${names.queue}: the mapping may post them again.`,
      );
  }
  return delivered.length === 0
    ? `none of the ${batch.length} alert(s) of the last batch was delivered, so the pass stopped there`
    : undefined;
}
