import { DeleteAlarmsCommand, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  GetEventSourceMappingCommand,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  accountId,
  aws,
  e2e,
  initArgs,
  itKeepsWebhookSecrets,
  jsonOf,
  messageText,
  newStack,
  requires,
  runCli,
  show,
  slackControl,
  slackMark,
  slackSince,
  useE2EHooks,
  waitFor,
  webhookEnv,
} from '../harness/index.js';

/**
 * Journey 8: no alert is lost while Slack is down. With Slack failing every request, two alarms fire:
 * Lambda's two retries fail, the alerts land in `<name>-undelivered` and `status` says so; once Slack
 * answers, the event source mapping delivers each exactly once without `replay`. With the mapping
 * disabled (so that it does not race the replay), alerts that failed again wait: `replay --dry-run`
 * lists them, `replay` while Slack still fails exits 1 and leaves them, and once Slack is back
 * `replay` delivers each once and empties the queue. Needs HARNESS_ASYNC=1 (Lambda's retries and the
 * on-failure destination); HARNESS_TIME_SCALE=0.05 makes it take about two minutes.
 */
const s = newStack('undeliv');
useE2EHooks(() => [s]);

/** Someone else's alarm connected to the stack's topic, beside the stack's own CPU alarm. */
const other = `${s.stack}-other`;
const alarms = () => [s.alarm, other];
/** Slack down: every request answers 500 (the count only runs out long after this file). */
const DOWN = 1_000_000;
/** Lambda's retries at 60 s and 120 s (scaled), three runs of the notifier's own ~9 s of Slack retries. */
const QUEUED_WITHIN_MS = 120_000;

let queueUrl = '';
let mappingUuid = '';

async function queueCounts() {
  const out = await aws().sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const n = (k: 'ApproximateNumberOfMessages' | 'ApproximateNumberOfMessagesNotVisible') =>
    Number(out.Attributes?.[k] ?? 0);
  return { visible: n('ApproximateNumberOfMessages'), inFlight: n('ApproximateNumberOfMessagesNotVisible') };
}

const setState = (AlarmName: string, StateValue: 'ALARM' | 'OK') =>
  aws().cloudwatch.send(new SetAlarmStateCommand({ AlarmName, StateValue, StateReason: 'journey 8' }));

/** The messages Slack accepted since `mark` for `alarm`. */
const accepted = (mark: number, alarm: string) =>
  slackSince(mark, { path: s.webhook.path }).filter(
    (r) => r.status === 200 && messageText(r).includes(alarm),
  );

async function setMapping(enabled: boolean) {
  await aws().lambda.send(new UpdateEventSourceMappingCommand({ UUID: mappingUuid, Enabled: enabled }));
  await waitFor(`the mapping ${enabled ? 'Enabled' : 'Disabled'}`, async () => {
    const m = await aws().lambda.send(new GetEventSourceMappingCommand({ UUID: mappingUuid }));
    return m.State === (enabled ? 'Enabled' : 'Disabled');
  });
}

afterAll(async () => {
  await aws()
    .cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: [other] }))
    .catch(() => undefined);
});

describe.sequential('alerts Slack did not take', () => {
  it('Slack failing every request while two alarms fire: after Lambda’s retries both wait in the queue, and status says so', async (ctx) => {
    requires(ctx, 'async');
    const init = await runCli(initArgs(s), { env: webhookEnv(s) });
    expect(init.code, show(init)).toBe(0);
    const account = await accountId();
    const topicArn = `arn:aws:sns:${e2e().region}:${account}:${s.topic}`;
    await aws().cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: other,
        Namespace: 'AWS/EC2',
        MetricName: 'StatusCheckFailed',
        Dimensions: [{ Name: 'InstanceId', Value: s.instanceId }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [topicArn],
        OKActions: [topicArn],
      }),
    );
    queueUrl = (await aws().sqs.send(new GetQueueUrlCommand({ QueueName: s.queue }))).QueueUrl ?? '';
    const mappings = await aws().lambda.send(
      new ListEventSourceMappingsCommand({ FunctionName: s.functionName }),
    );
    mappingUuid = mappings.EventSourceMappings?.[0]?.UUID ?? '';
    expect(mappingUuid).not.toBe('');

    await slackControl({ fail: DOWN });
    const mark = slackMark();
    for (const name of alarms()) await setState(name, 'ALARM');
    await waitFor(
      'both alerts in the undelivered queue',
      async () => {
        const c = await queueCounts();
        return c.visible + c.inFlight === 2;
      },
      { timeoutMs: QUEUED_WITHIN_MS, intervalMs: 1000 },
    );
    // Lambda ran the notifier three times per alert (the first try and two retries), each trying Slack.
    for (const name of alarms()) {
      const tries = slackSince(mark, { path: s.webhook.path }).filter((r) => messageText(r).includes(name));
      expect(tries.length, name).toBeGreaterThanOrEqual(3);
      expect(tries.every((r) => r.status === 500)).toBe(true);
    }

    const status = await runCli(['status', '--name', s.stack, '--json']);
    expect(status.code, show(status)).toBe(1);
    const doc = jsonOf<{
      problems: Array<{ resource: string; problem: string; fix: string }>;
      resources: Array<{ resource: string; details: { waiting?: number; inFlight?: number } }>;
    }>(status);
    expect(doc.problems).toContainEqual({
      resource: 'SQS queue',
      problem:
        '2 alerts could not be posted to Slack yet: they will be delivered automatically; `replay` to force it now.',
      fix: expect.stringMatching(new RegExp(`^alarm-to-slack replay --name ${s.stack} --region `)),
    });
    const queue = doc.resources.find((r) => r.resource === 'SQS queue');
    expect((queue?.details.waiting ?? 0) + (queue?.details.inFlight ?? 0)).toBe(2);
    const text = await runCli(['status', '--name', s.stack]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/✖ SQS queue\s+\S+-undelivered\s+2 alerts waiting/);
  });

  it('Slack back: the mapping delivers each alert exactly once, without replay, and the queue empties', async (ctx) => {
    requires(ctx, 'async');
    const mark = slackMark();
    await slackControl({ fail: 0 });
    await waitFor(
      'the queue drained by the mapping',
      async () => {
        const c = await queueCounts();
        return c.visible + c.inFlight === 0 && alarms().every((a) => accepted(mark, a).length > 0);
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    for (const name of alarms()) {
      const posted = accepted(mark, name);
      expect(posted, name).toHaveLength(1);
      expect(messageText(posted[0] as never)).toContain('ALARM');
    }
    const status = await runCli(['status', '--name', s.stack]);
    expect(status.code, show(status)).toBe(0);
    expect(status.stdout).toMatch(/✔ SQS queue\s+\S+-undelivered\s+empty/);
  });

  it('with the mapping disabled: replay --dry-run lists what failed again, replay while Slack fails exits 1 and keeps it', async (ctx) => {
    requires(ctx, 'async');
    await setMapping(false);
    await slackControl({ fail: DOWN });
    for (const name of alarms()) await setState(name, 'OK');
    await waitFor(
      'both OK alerts in the queue, visible (nothing drains it)',
      async () => (await queueCounts()).visible === 2,
      { timeoutMs: QUEUED_WITHIN_MS, intervalMs: 1000 },
    );

    const dry = await runCli(['replay', '--dry-run', '--json', '--name', s.stack]);
    expect(dry.code, show(dry)).toBe(0);
    const listed = jsonOf<{
      found: Array<{ alarm: string; state: string; condition: string; reason: string; outcome: string }>;
      dryRun: boolean;
      mapping: string;
    }>(dry);
    expect(listed).toMatchObject({ dryRun: true, mapping: 'disabled' });
    expect(listed.found.map((f) => f.alarm).sort()).toEqual(alarms().sort());
    for (const f of listed.found) {
      expect(f).toMatchObject({ state: 'OK', condition: 'RetriesExhausted', outcome: 'listed' });
      expect(f.reason).toMatch(/^RetriesExhausted after 3 attempts: Slack answered 500/);
    }
    expect((await queueCounts()).visible).toBe(2);

    const mark = slackMark();
    const failing = await runCli(['replay', '--name', s.stack]);
    expect(failing.code, show(failing)).toBe(1);
    expect(failing.stdout).toMatch(
      /Re-delivered 0 of 2 alerts through \S+; 2 alerts left in \S+-undelivered\./,
    );
    expect(failing.stderr).toContain('could not be delivered (Slack answered 500');
    expect(failing.stderr).toContain('the event source mapping is disabled, so nothing retries them');
    // Both back in the queue, visible at once; Slack was tried and took nothing.
    expect(await queueCounts()).toEqual({ visible: 2, inFlight: 0 });
    expect(slackSince(mark, { path: s.webhook.path }).length).toBeGreaterThan(0);
    for (const name of alarms()) expect(accepted(mark, name)).toEqual([]);
  });

  it('Slack back: replay delivers each alert once and empties the queue (exit 0); the mapping on again, status is healthy', async (ctx) => {
    requires(ctx, 'async');
    await slackControl({ fail: 0 });
    const mark = slackMark();
    const run = await runCli(['replay', '--json', '--name', s.stack]);
    expect(run.code, show(run)).toBe(0);
    expect(jsonOf(run)).toMatchObject({ ok: true, delivered: 2, failed: [], remaining: 0, inFlight: 0 });
    expect(await queueCounts()).toEqual({ visible: 0, inFlight: 0 });
    for (const name of alarms()) {
      const posted = accepted(mark, name);
      expect(posted, name).toHaveLength(1);
      expect(messageText(posted[0] as never)).toContain('RESOLVED');
    }
    const again = await runCli(['replay', '--name', s.stack]);
    expect(again.code, show(again)).toBe(0);
    expect(again.stdout).toContain(`Nothing to replay: the queue ${s.queue} is empty.`);

    await setMapping(true);
    const status = await runCli(['status', '--name', s.stack]);
    expect(status.code, show(status)).toBe(0);
  });
});

itKeepsWebhookSecrets(() => [s]);
