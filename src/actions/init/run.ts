import type { Identity } from '../../aws/identity.js';
import { awsMessage, CancelledError, CliError, describeError, EXIT, InterruptedError } from '../../errors.js';
import type { IO } from '../../io/types.js';
import type { PlanItem, StackContext } from '../../resources/context.js';
import { postToSlack, slackHint } from '../../slack.js';
import { maskWebhookUrl } from '../../validate.js';
import { cliCommand } from '../hints.js';
import type { TestAlarmOutcome } from '../test-alarm.js';
import type { InitAnswers } from './answers.js';
import { discover } from './discover.js';
import { buildPlan, hasChanges, planCiphertext, planTable } from './plan.js';
import { buildSteps, type InitReport } from './steps.js';
import {
  type InitResources,
  leftBehindList,
  type PickedConnection,
  resourcesAfter,
  type SummaryInput,
  summaryHuman,
  summaryJson,
} from './summary.js';

interface RunInitOptions {
  io: IO;
  stack: StackContext;
  identity: Identity;
  answers: InitAnswers;
  signal?: AbortSignal | undefined;
  /** Milliseconds to wait for Slack's answer to the verification message. */
  slackTimeoutMs?: number;
}

interface InitOutcome {
  ok: boolean;
  dryRun: boolean;
  plan: PlanItem[];
  report?: InitReport;
  resources?: InitResources;
  testAlarm?: TestAlarmOutcome;
}

/** The "connected" message: a Slack error stops the run before any AWS change, quoting Slack's answer. */
async function verifyWebhook(
  opts: RunInitOptions,
  url: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { io, stack, identity, answers } = opts;
  io.progress.start('verify-webhook', `Slack webhook ${maskWebhookUrl(url)}`);
  const started = stack.clock.now();
  const answer = await postToSlack(
    url,
    {
      text: `alarm-to-slack is connected to ${stack.names.stack} (account ${identity.account}, ${stack.region}).`,
      ...(answers.channel ? { channel: answers.channel } : {}),
    },
    { signal, ...(opts.slackTimeoutMs ? { timeoutMs: opts.slackTimeoutMs } : {}) },
  ).catch((error: unknown) => {
    if (signal?.aborted) throw new InterruptedError('Interrupted; nothing was changed.');
    throw error;
  });
  const ms = stack.clock.now() - started;
  if (!answer.ok) {
    const said = answer.status
      ? `Slack answered ${answer.status} ${answer.body || '(empty body)'}`
      : answer.body;
    io.progress.done('verify-webhook', { ok: false, text: said, ms });
    const hint = slackHint(answer);
    throw new CliError(
      `The Slack webhook did not accept the verification message: ${said}. Nothing was changed.`,
      {
        ...(hint ? { hint } : {}),
      },
    );
  }
  io.progress.done('verify-webhook', { ok: true, text: 'posted "connected"', ms });
}

/**
 * "Alarms picked from a list": the connect picker, once the stack is up. Ctrl-C at the list means none;
 * any other error is reported in the summary without failing the setup.
 */
async function offerConnect(opts: RunInitOptions): Promise<PickedConnection> {
  const { io, stack } = opts;
  const { connectAlarms } = await import('../connect.js');
  try {
    const report = await connectAlarms(io, stack, {
      direction: 'connect',
      selection: { by: 'picker' },
      states: ['ALARM', 'OK'],
      dryRun: false,
      yes: false,
    });
    return { report };
  } catch (error) {
    if (describeError(error).exitCode === EXIT.interrupted) return { error: 'cancelled at the list' };
    return { error: awsMessage(error) };
  }
}

async function offerTestAlarm(
  opts: RunInitOptions,
  topicArn: string | null,
): Promise<TestAlarmOutcome | undefined> {
  const { io, stack } = opts;
  // The setup is done: Ctrl-C (or Esc) at this last question means "no", not a failed run without a summary.
  const send = await io.ask
    .confirm({ message: 'Send a test alarm to Slack now?', default: true })
    .catch((error: unknown) => {
      if (describeError(error).exitCode === EXIT.interrupted) return false;
      throw error;
    });
  if (!send) return undefined;
  const { sendTestAlarm } = await import('../test-alarm.js');
  try {
    return await sendTestAlarm({ stack, io, state: 'ALARM', ...(topicArn ? { topicArn } : {}) });
  } catch (error) {
    return {
      ok: false,
      functionName: stack.names.functionName,
      state: 'ALARM',
      error: awsMessage(error),
      logTail: '',
    };
  }
}

/**
 * The init action: read what exists, decide the ciphertext, verify a new webhook URL (not in a dry run),
 * show the plan (and stop there with --dry-run), confirm on a TTY, run the steps, report. A failed run
 * writes its summary (what remains) and then throws: CliError (exit 1) or InterruptedError (exit 130).
 * A failed test alarm at the end does not fail the setup (exit 0; the summary says how to retry).
 */
export async function runInit(opts: RunInitOptions): Promise<InitOutcome> {
  const { io, stack, identity, answers } = opts;
  const signal = opts.signal ?? stack.signal;
  const now = () => stack.clock.now();
  const stopIfAborted = () => {
    if (signal?.aborted) throw new InterruptedError('Interrupted; nothing was changed.');
  };

  const discovered = await discover(stack);
  stopIfAborted();
  const cipher = await planCiphertext(stack, discovered, answers);
  // The "connected" message goes to a URL that is new (or re-encrypted for a new key), so a re-run with the
  // same answers posts nothing; a dry run has no side effects at all, not even that message.
  if (answers.verifyWebhook && !answers.dryRun && cipher.kind === 'encrypt')
    await verifyWebhook(opts, cipher.url, signal);
  stopIfAborted();

  const plan = buildPlan(stack, discovered, answers, cipher);
  const table = planTable(plan, io.style);
  const heading = `Plan for "${stack.names.stack}" in ${stack.region} (account ${identity.account}):`;

  if (answers.dryRun) {
    io.result(`${heading}\n${table}\n\nDry run: nothing was changed.`, {
      ok: true,
      dryRun: true,
      stack: stack.names.stack,
      region: stack.region,
      account: identity.account,
      plan,
    });
    return { ok: true, dryRun: true, plan };
  }

  io.progress.info(`${heading}\n${table}`);
  if (io.interactive && hasChanges(plan)) {
    const apply = await io.ask.confirm({ message: 'Apply this plan?', default: true });
    if (!apply) throw new CancelledError();
  }
  stopIfAborted();

  // The summary's duration is the work's, not the time spent reading prompts.
  const started = now();
  const report = await buildSteps(stack, discovered, answers, cipher).run({
    progress: io.progress,
    rollback: answers.rollback,
    signal,
    clock: stack.clock,
  });

  const ms = now() - started;
  const summary: SummaryInput = { stack, identity, answers, discovered, cipher, report, ms };
  const resources = resourcesAfter(summary);
  if (report.ok && io.interactive && answers.pickAlarms) summary.connect = await offerConnect(opts);
  if (report.ok && io.interactive) summary.testAlarm = await offerTestAlarm(opts, resources.topicArn);
  io.result(summaryHuman(summary, io.style), summaryJson(summary));
  const { testAlarm } = summary;

  if (report.interrupted) {
    throw new InterruptedError(
      answers.rollback
        ? 'Interrupted; what this run created was rolled back.'
        : 'Interrupted (--no-rollback).',
    );
  }
  if (report.failure) {
    const remains = Object.values(resources).some((v) => v !== null) || leftBehindList(report).length > 0;
    throw new CliError(`init failed at "${report.failure.title}": ${awsMessage(report.failure.error)}`, {
      hint: remains
        ? `\`${cliCommand(stack, 'teardown')}\` removes what remains of the stack.`
        : 'Nothing was left behind: fix the cause and run init again.',
      cause: report.failure.error,
    });
  }
  return { ok: true, dryRun: false, plan, report, resources, ...(testAlarm ? { testAlarm } : {}) };
}
