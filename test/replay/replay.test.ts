import { InvokeCommand } from '@aws-sdk/client-lambda';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../handler-template/index.mjs';
import { run } from '../../src/commands/replay.js';
import type { StackSpec } from '../fake-aws/seed-spec.js';
import { type FakeSlack, fakeSlack, OK, type Reply } from '../handler/fake-slack.js';
import { fixture, invocationRecord } from '../handler/harness.js';
import { mockAws, REGION } from '../helpers/aws.js';
import { scriptedIO } from '../helpers/io.js';
import { awsError, callNames, commandContext, mockStack, writes } from '../teardown/mock-stack.js';

const aws = mockAws();
let slack: FakeSlack | undefined;
beforeEach(() => aws.reset());
afterEach(async () => {
  await slack?.close();
  slack = undefined;
});
afterAll(() => aws.restore());

const QUEUE_URL = `https://sqs.${REGION}.amazonaws.com/123456789012/mission-undelivered`;
const QUEUE_ARN = `arn:aws:sqs:${REGION}:123456789012:mission-undelivered`;
const FAIL_500: Reply[] = Array.from({ length: 6 }, () => ({ status: 500, body: 'internal_error' }));

/** The fixture's body (an SNS alarm notification Lambda gave up on), an EventBridge one, an OK one. */
const BODIES = {
  sns: (fixture('sqs-undelivered-batch') as { Records: Array<{ body: string }> }).Records[0]?.body ?? '',
  events: JSON.stringify(invocationRecord(fixture('eventbridge-metric-alarm'), 'EventAgeExceeded')),
  ok: JSON.stringify(
    invocationRecord({
      Records: [
        {
          EventSource: 'aws:sns',
          Sns: {
            MessageId: 'sns-ok-1',
            TopicArn: `arn:aws:sns:${REGION}:123456789012:mission-sns`,
            Subject: 'OK: "mission-cpu-alarm"',
            Message: JSON.stringify(fixture('alarm-cpu-ok')),
            Timestamp: '2026-11-24T10:50:00.000Z',
            MessageAttributes: {},
          },
        },
      ],
    }),
  ),
};

/**
 * The `mission` stack on the fake, its queue holding `bodies`, the function running the real notifier
 * against a Slack stand-in answering `script` (its sleeps and pacing skipped, nothing waits).
 */
async function stackWith(bodies: string[], script: Reply[] = [OK], spec: Partial<StackSpec> = {}) {
  slack = await fakeSlack(script);
  const s = mockStack(aws, { webhookUrl: slack.url, ...spec });
  for (const MessageBody of bodies)
    await s.fake.call('sqs', 'SendMessage', { QueueUrl: QUEUE_URL, MessageBody });
  s.fake.onInvoke(async ({ event, environment, log }) => {
    const handler = createHandler({ env: environment, log, paceMs: 0, sleep: async () => {} });
    return { payload: await handler(event as never) };
  });
  return s;
}

const queued = (s: Awaited<ReturnType<typeof stackWith>>) =>
  s.fake.find.queue('mission-undelivered').messages;
const invokes = () =>
  aws.lambda.commandCalls(InvokeCommand).map((c) => {
    const { Payload, ...rest } = c.args[0].input;
    return { ...rest, event: JSON.parse(new TextDecoder().decode(Payload as Uint8Array)) };
  });
const inputsOf = (name: string) =>
  writes(aws)
    .filter(([n]) => n === name)
    .map(([, input]) => input);

describe('replay', () => {
  it('re-delivers every alert through the function as the mapping would, deletes them, and exits 0', async () => {
    const s = await stackWith([BODIES.sns, BODIES.events, BODIES.ok]);
    const before = queued(s).map((m) => ({ id: m.id, md5: m.md5, body: m.body, sentAt: m.sentAt }));
    const io = scriptedIO();
    await run({}, commandContext(io, { yes: true }));

    expect(aws.sqs.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input)[0]).toEqual({
      QueueUrl: QUEUE_URL,
      MaxNumberOfMessages: 5,
      VisibilityTimeout: 300,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    });
    const calls = invokes();
    expect(calls).toHaveLength(1);
    const receipt = (i: number) => calls[0]?.event.Records[i].receiptHandle as string;
    expect(calls[0]).toEqual({
      FunctionName: 'mission-lambda',
      InvocationType: 'RequestResponse',
      LogType: 'Tail',
      event: {
        Records: before.map((m) => ({
          messageId: m.id,
          receiptHandle: expect.any(String),
          body: m.body,
          attributes: {
            SenderId: 'AIDAFAKEUSERALICE',
            SentTimestamp: String(m.sentAt),
            ApproximateReceiveCount: '1',
            ApproximateFirstReceiveTimestamp: String(s.fake.now()),
          },
          messageAttributes: {},
          md5OfBody: m.md5,
          eventSource: 'aws:sqs',
          eventSourceARN: QUEUE_ARN,
          awsRegion: REGION,
        })),
      },
    });
    expect(inputsOf('sqs.DeleteMessageBatch')).toEqual([
      {
        QueueUrl: QUEUE_URL,
        Entries: [0, 1, 2].map((i) => ({ Id: String(i), ReceiptHandle: receipt(i) })),
      },
    ]);
    expect(inputsOf('sqs.ChangeMessageVisibilityBatch')).toEqual([]);
    expect(queued(s)).toEqual([]);
    expect(slack?.requests).toHaveLength(3);

    const out = io.stdout.join('\n');
    expect(out).toContain(`3 undelivered alerts in mission-undelivered (${REGION}):`);
    expect(out).toMatch(
      /✔ delivered\s+mission-cpu-alarm\s+ALARM\s+changed 2026-11-24 10:42 UTC\s+RetriesExhausted after 3 attempts: Slack answered 503 service_unavailable/,
    );
    expect(out).toMatch(
      /✔ delivered\s+orders-db-free-storage\s+ALARM\s+changed .*EventAgeExceeded after 3 attempts/,
    );
    expect(out).toMatch(/✔ delivered\s+mission-cpu-alarm\s+OK\s+/);
    expect(out).toContain('Re-delivered 3 of 3 alerts through mission-lambda; mission-undelivered is empty.');
    expect(io.stderr.join('\n')).toContain(
      'Re-delivering 3 alert(s) through mission-lambda: mission-cpu-alarm; orders-db-free-storage; mission-cpu-alarm…',
    );
  });

  it('leaves an alert that still fails in the queue, visible again, deletes the others, and exits 1', async () => {
    const s = await stackWith([BODIES.sns, BODIES.events, BODIES.ok], [OK, ...FAIL_500, OK]);
    const failing = queued(s)[1]?.id;
    const io = scriptedIO();
    await expect(run({}, commandContext(io, { yes: true }))).rejects.toMatchObject({
      exitCode: 1,
      message:
        '1 alert left in mission-undelivered: 1 could not be delivered (Slack answered 500 internal_error; gave up after 6 attempts).',
      hint: expect.stringContaining('the event source mapping keeps retrying them'),
    });
    expect(queued(s).map((m) => m.id)).toEqual([failing]);
    // Visible again at once, for the mapping.
    expect(queued(s)[0]?.visibleAt).toBeLessThanOrEqual(s.fake.now());
    const [deleted] = inputsOf('sqs.DeleteMessageBatch') as Array<{ Entries: unknown[] }>;
    expect(deleted?.Entries).toHaveLength(2);
    expect(inputsOf('sqs.ChangeMessageVisibilityBatch')).toEqual([
      {
        QueueUrl: QUEUE_URL,
        Entries: [
          { Id: '0', ReceiptHandle: invokes()[0]?.event.Records[1].receiptHandle, VisibilityTimeout: 0 },
        ],
      },
    ]);
    const out = io.stdout.join('\n');
    expect(out).toMatch(/✖ failed\s+orders-db-free-storage/);
    expect(out).toContain(
      '✖ orders-db-free-storage — Slack answered 500 internal_error; gave up after 6 attempts',
    );
    expect(out).toContain(
      'Re-delivered 2 of 3 alerts through mission-lambda; 1 alert left in mission-undelivered.',
    );
  });

  it('with --dry-run lists them and puts them back: no Invoke, no delete, exit 0', async () => {
    const s = await stackWith([BODIES.sns, BODIES.events]);
    const io = scriptedIO();
    await run({ dryRun: true }, commandContext(io, { yes: true }));
    expect(aws.lambda.commandCalls(InvokeCommand)).toEqual([]);
    expect(inputsOf('sqs.DeleteMessageBatch')).toEqual([]);
    expect(aws.sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toMatchObject({
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 60,
    });
    const [back] = inputsOf('sqs.ChangeMessageVisibilityBatch') as Array<{ Entries: unknown[] }>;
    expect(back?.Entries).toEqual([
      { Id: '0', ReceiptHandle: expect.any(String), VisibilityTimeout: 0 },
      { Id: '1', ReceiptHandle: expect.any(String), VisibilityTimeout: 0 },
    ]);
    expect(queued(s)).toHaveLength(2);
    expect(queued(s).every((m) => m.visibleAt <= s.fake.now())).toBe(true);
    expect(slack?.requests).toEqual([]);
    const out = io.stdout.join('\n');
    expect(out).toMatch(/· waiting\s+mission-cpu-alarm\s+ALARM/);
    expect(out).toContain('Dry run: nothing was re-delivered or deleted; they are back in the queue.');
  });

  it('says there is nothing to replay for an empty queue, receives nothing, and exits 0', async () => {
    await stackWith([]);
    const io = scriptedIO();
    await run({}, commandContext(io, { yes: true }));
    expect(io.stdout).toEqual(['Nothing to replay: the queue mission-undelivered is empty.']);
    expect(callNames(aws).filter((n) => /Receive|Invoke|Delete|Change/.test(n))).toEqual([]);
  });

  it('lists a malformed body as an unreadable record and still hands it to the function (as the mapping would)', async () => {
    const s = await stackWith(['not json{', BODIES.sns]);
    const io = scriptedIO({ json: true });
    await run({}, commandContext(io, { yes: true }));
    const doc = io.resultJson as { found: Array<Record<string, unknown>>; delivered: number };
    expect(doc.found[0]).toMatchObject({
      alarm: 'unreadable record',
      state: null,
      changedAt: null,
      reason: 'unreadable record: its body is not JSON',
      readable: false,
      outcome: 'delivered',
    });
    expect(invokes()[0]?.event.Records[0].body).toBe('not json{');
    expect(doc.delivered).toBe(2);
    expect(queued(s)).toEqual([]);
    // The notifier posts what it holds, saying where it came from.
    expect(slack?.requests[0]?.body).toContain('not json{');
  });

  it('with --json prints one document: what was found, delivered, failed, and what is left', async () => {
    const s = await stackWith([BODIES.sns, BODIES.events], [OK, ...FAIL_500]);
    const [first, second] = queued(s).map((m) => m.id);
    const io = scriptedIO({ json: true });
    await expect(run({}, commandContext(io, { yes: true }))).rejects.toMatchObject({ exitCode: 1 });
    expect(io.stdout).toHaveLength(1);
    expect(io.resultJson).toEqual({
      ok: false,
      stack: 'mission',
      region: REGION,
      queue: 'mission-undelivered',
      dryRun: false,
      found: [
        {
          messageId: first,
          alarm: 'mission-cpu-alarm',
          state: 'ALARM',
          changedAt: '2026-11-24T10:42:27.519Z',
          reason:
            'RetriesExhausted after 3 attempts: Slack answered 503 service_unavailable; gave up after 4 attempts',
          condition: 'RetriesExhausted',
          failedAt: '2026-11-24T10:45:31.602Z',
          readable: true,
          outcome: 'delivered',
        },
        {
          messageId: second,
          alarm: 'orders-db-free-storage',
          state: 'ALARM',
          changedAt: expect.any(String),
          reason: 'EventAgeExceeded after 3 attempts: Slack answered 503; gave up after 4 attempts',
          condition: 'EventAgeExceeded',
          failedAt: '2026-11-24T10:45:31.602Z',
          readable: true,
          outcome: 'failed',
        },
      ],
      delivered: 1,
      failed: [
        {
          messageId: second,
          alarm: 'orders-db-free-storage',
          error: 'Slack answered 500 internal_error; gave up after 6 attempts',
        },
      ],
      remaining: 1,
      inFlight: 0,
      mapping: 'enabled',
      stopped: null,
    });
  });

  it('exits 1 with "run init first" when the stack has no queue', async () => {
    mockStack(aws, { queue: false, invokeConfig: false, mapping: false });
    const io = scriptedIO();
    await expect(run({}, commandContext(io, { yes: true }))).rejects.toMatchObject({
      exitCode: 1,
      message: `The queue mission-undelivered does not exist in ${REGION}: nothing to replay.`,
      hint: `Run init first: alarm-to-slack init --name mission --region ${REGION}`,
    });
    expect(writes(aws)).toEqual([]);
  });
});

describe('replay, and what it cannot do', () => {
  it('counts what the mapping holds as in flight, and exits 1 while it does', async () => {
    const s = await stackWith([BODIES.sns, BODIES.events]);
    // The mapping has the first one right now.
    await s.fake.call('sqs', 'ReceiveMessage', { QueueUrl: QUEUE_URL, VisibilityTimeout: 90 });
    const io = scriptedIO();
    await expect(run({}, commandContext(io, { yes: true }))).rejects.toMatchObject({
      exitCode: 1,
      message: '1 alert left in mission-undelivered; 1 in flight (being delivered by the mapping).',
    });
    expect(io.stdout.join('\n')).toContain(
      'Re-delivered 1 of 1 alert through mission-lambda; 1 alert left in mission-undelivered; 1 in flight (being delivered by the mapping).',
    );
    expect(io.stderr.join('\n')).toContain('1 in flight (being delivered by the mapping)');
  });

  it('stops after a batch of which nothing was delivered, tries none twice, and puts all back', async () => {
    const s = await stackWith(
      Array.from({ length: 7 }, () => BODIES.sns),
      [{ status: 500, body: 'down' }],
    );
    const io = scriptedIO();
    await expect(run({}, commandContext(io, { yes: true }))).rejects.toMatchObject({ exitCode: 1 });
    expect(invokes()).toHaveLength(1);
    expect(invokes()[0]?.event.Records).toHaveLength(5);
    expect(queued(s)).toHaveLength(7);
    expect(queued(s).every((m) => m.visibleAt <= s.fake.now())).toBe(true);
    expect(io.stdout.join('\n')).toContain(
      'Stopped early: none of the 5 alert(s) of the last batch was delivered, so the pass stopped there.',
    );
    expect(io.resultJson).toMatchObject({
      delivered: 0,
      remaining: 7,
      stopped: 'none of the 5 alert(s) of the last batch was delivered, so the pass stopped there',
    });
  });

  it('says when nothing retries what is left: the mapping disabled or missing', async () => {
    await stackWith([BODIES.sns], FAIL_500, { mappingState: 'Disabled' });
    const io = scriptedIO();
    await expect(run({}, commandContext(io, { yes: true }))).rejects.toMatchObject({
      exitCode: 1,
      hint: `They stay in the queue (up to 14 days), but the event source mapping is disabled, so nothing retries them on its own: \`alarm-to-slack init --name mission --region ${REGION}\` enables it again; \`alarm-to-slack replay --name mission --region ${REGION}\` tries again now.`,
    });
    // Everything was tried: the pass did not stop early.
    expect(io.stdout.join('\n')).not.toContain('Stopped early');
    aws.reset();
    await slack?.close();
    await stackWith([BODIES.sns], FAIL_500, { mapping: false });
    await expect(run({}, commandContext(scriptedIO(), { yes: true }))).rejects.toMatchObject({
      hint: expect.stringContaining('no event source mapping drains it, so nothing retries them on its own'),
    });
  });

  it('goes on over several batches while they deliver (5, then 2)', async () => {
    const s = await stackWith(Array.from({ length: 7 }, () => BODIES.sns));
    await run({}, commandContext(scriptedIO(), { yes: true }));
    expect(invokes().map((c) => c.event.Records.length)).toEqual([5, 2]);
    expect(queued(s)).toEqual([]);
  });

  it('never tries one twice: an alert whose hold ran out during a long pass goes back untried', async () => {
    const s = await stackWith(
      Array.from({ length: 7 }, () => BODIES.sns),
      [OK],
    );
    const first = queued(s)[0]?.id;
    let calls = 0;
    s.fake.onInvoke(async ({ event, environment, log }) => {
      calls += 1;
      const records = (event as { Records: Array<{ messageId: string }> }).Records;
      const handler = createHandler({ env: environment, log, paceMs: 0, sleep: async () => {} });
      const answer = (await handler(event as never)) as { batchItemFailures: unknown[] };
      if (calls > 1) return { payload: answer };
      // The first batch keeps its first alert and takes longer than replay holds what it received.
      s.fake.advance(301_000);
      return { payload: { batchItemFailures: [{ itemIdentifier: records[0]?.messageId }] } };
    });
    const io = scriptedIO({ json: true });
    await expect(run({}, commandContext(io, { yes: true }))).rejects.toMatchObject({ exitCode: 1 });
    const ids = invokes().map((c) => c.event.Records.map((r: { messageId: string }) => r.messageId));
    expect(ids.map((b) => b.length)).toEqual([5, 2]);
    expect(ids.flat().filter((id) => id === first)).toHaveLength(1);
    expect(queued(s).map((m) => m.id)).toEqual([first]);
    expect(io.resultJson).toMatchObject({ delivered: 6, remaining: 1 });
  });

  it('Ctrl-C between batches: stops, puts back what it holds, and exits 130', async () => {
    const s = await stackWith(Array.from({ length: 7 }, () => BODIES.sns));
    const controller = new AbortController();
    s.fake.onInvoke(({ event }) => {
      controller.abort(); // Ctrl-C while the function runs: its answer still settles the batch
      const records = (event as { Records: Array<{ messageId: string }> }).Records;
      return { payload: { batchItemFailures: [{ itemIdentifier: records[4]?.messageId }] } };
    });
    const io = scriptedIO({ json: true });
    await expect(run({}, commandContext(io, { yes: true, signal: controller.signal }))).rejects.toMatchObject(
      { exitCode: 130 },
    );
    expect(invokes()).toHaveLength(1);
    expect(queued(s)).toHaveLength(3);
    expect(queued(s).every((m) => m.visibleAt <= s.fake.now())).toBe(true);
    expect(io.resultJson).toMatchObject({ ok: false, delivered: 4, remaining: 3 });
  });

  it('a function error fails the whole batch: all back in the queue, with its error', async () => {
    const s = await stackWith([BODIES.sns], [OK], { keyState: 'PendingDeletion' });
    const io = scriptedIO({ json: true });
    await expect(run({}, commandContext(io, { yes: true }))).rejects.toMatchObject({ exitCode: 1 });
    expect(queued(s)).toHaveLength(1);
    const doc = io.resultJson as { failed: Array<{ error: string }>; stopped: string };
    expect(doc.failed[0]?.error).toMatch(/^the function failed: Could not decrypt kmsEncryptedHookUrl/);
    expect(doc.stopped).toMatch(/^the function failed/);
    expect(inputsOf('sqs.DeleteMessageBatch')).toEqual([]);
  });

  it('without the function, says to run init first and puts the alerts back', async () => {
    const s = await stackWith([BODIES.sns], [OK], { fn: false, invokeConfig: false, mapping: false });
    const io = scriptedIO({ json: true });
    await expect(run({}, commandContext(io, { yes: true }))).rejects.toMatchObject({ exitCode: 1 });
    expect(queued(s)).toHaveLength(1);
    expect(queued(s)[0]?.visibleAt).toBeLessThanOrEqual(s.fake.now());
    expect(io.resultJson).toMatchObject({
      stopped: 'the function mission-lambda does not exist: run init first',
    });
  });

  it('reports a delivered alert SQS did not delete (it may be posted again)', async () => {
    const s = await stackWith([BODIES.sns]);
    s.fake.failAlways(
      'sqs.DeleteMessageBatch',
      awsError('AccessDenied', 403, 'not authorized to perform: sqs:DeleteMessage'),
    );
    const io = scriptedIO({ json: true });
    await expect(run({}, commandContext(io, { yes: true }))).rejects.toMatchObject({ exitCode: 1 });
    expect(io.resultJson).toMatchObject({
      delivered: 0,
      failed: [
        {
          alarm: 'mission-cpu-alarm',
          error: 'posted, but not deleted (AccessDenied: not authorized to perform: sqs:DeleteMessage)',
        },
      ],
      remaining: 1,
    });
    expect(io.stderr.join('\n')).toContain('the mapping may post them again');
  });
});
