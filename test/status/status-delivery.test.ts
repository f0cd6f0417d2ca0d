import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/status.js';
import type { FakeAws } from '../fake-aws/core.js';
import { seedAlarm } from '../fake-aws/seed-extras.js';
import type { StackSpec } from '../fake-aws/seed-spec.js';
import { mockAws, REGION } from '../helpers/aws.js';
import { fakeClock } from '../helpers/clock.js';
import { scriptedIO } from '../helpers/io.js';
import { commandContext, mockStack, TOPIC_ARN } from '../teardown/mock-stack.js';

/**
 * status on what keeps and re-delivers alerts: the undelivered-alert queue, the failure destination,
 * the mapping, the role's queue policy, the every-alarm rule, and the other alarms notifying the topic.
 */
const aws = mockAws();
beforeEach(() => aws.reset());
afterAll(() => aws.restore());

const NOW = Date.parse('2026-11-25T12:00:00.000Z');
const INIT = `alarm-to-slack init --name mission --region ${REGION}`;
const QUEUE_URL = `https://sqs.${REGION}.amazonaws.com/123456789012/mission-undelivered`;
const QUEUE_ARN = `arn:aws:sqs:${REGION}:123456789012:mission-undelivered`;

interface StatusDoc {
  ok: boolean;
  resources: Array<{
    resource: string;
    present: boolean;
    healthy: boolean;
    details: Record<string, unknown>;
  }>;
  problems: Array<{ resource: string; problem: string; fix: string }>;
}

/** status of the stack as `spec` (then `change`) leaves it: the JSON document, the text, and the error. */
async function statusOf(spec: Partial<StackSpec>, change: (fake: FakeAws) => unknown = () => {}) {
  const { fake } = mockStack(aws, spec);
  await change(fake);
  const json = scriptedIO({ json: true });
  const error = await run({}, commandContext(json, { clock: fakeClock({ now: NOW }) })).then(
    () => undefined,
    (e: unknown) => e as { exitCode: number; message: string; hint?: string },
  );
  const human = scriptedIO();
  await run({}, commandContext(human, { clock: fakeClock({ now: NOW }) })).catch(() => undefined);
  const doc = json.resultJson as StatusDoc;
  return {
    doc,
    text: human.stdout.join('\n'),
    error,
    row: (name: string) => doc.resources.find((r) => r.resource === name),
    problems: (name: string) => doc.problems.filter((p) => p.resource === name),
  };
}

describe('status of the undelivered-alert queue', () => {
  it('alerts waiting: a problem saying they will be delivered automatically, fixed by replay, with the oldest age', async () => {
    const s = await statusOf({ queueMessages: 3 }, async (fake) => {
      // The mapping holds one of them right now, and CloudWatch has the queue's oldest age: 9 minutes.
      await fake.call('sqs', 'ReceiveMessage', { QueueUrl: QUEUE_URL });
      fake.state.metrics.push({
        namespace: 'AWS/SQS',
        metricName: 'ApproximateAgeOfOldestMessage',
        dimensions: { QueueName: 'mission-undelivered' },
        timestamp: NOW - 60_000,
        value: 540,
      });
    });
    expect(s.error).toMatchObject({
      exitCode: 1,
      message: expect.stringContaining('SQS queue: 3 alerts could not be posted to Slack yet'),
      hint: `Fix: alarm-to-slack replay --name mission --region ${REGION}`,
    });
    expect(s.doc.problems).toEqual([
      {
        resource: 'SQS queue',
        problem:
          '3 alerts could not be posted to Slack yet (the oldest 9 min ago): they will be delivered automatically; `replay` to force it now.',
        fix: `alarm-to-slack replay --name mission --region ${REGION}`,
      },
    ]);
    expect(s.row('SQS queue')).toMatchObject({
      present: true,
      healthy: false,
      details: { url: QUEUE_URL, waiting: 2, inFlight: 1, delayed: 0, oldestAgeSeconds: 540 },
    });
    expect(s.text).toMatch(/✖ SQS queue\s+mission-undelivered\s+3 alerts waiting \(oldest 9 min\)/);
    expect(s.text).toContain('they will be delivered automatically; `replay` to force it now.');
  });

  it('an empty queue is healthy; without an age metric the age is left out', async () => {
    const empty = await statusOf({});
    expect(empty.row('SQS queue')).toMatchObject({ healthy: true, details: { oldestAgeSeconds: null } });
    expect(empty.text).toMatch(/✔ SQS queue\s+mission-undelivered\s+empty/);
    const one = await statusOf({ queueMessages: 1 });
    expect(one.problems('SQS queue').map((p) => p.problem)).toEqual([
      '1 alert could not be posted to Slack yet: they will be delivered automatically; `replay` to force it now.',
    ]);
  });

  it('a missing queue: flagged with the init fix, the failure destination too, the mapping not counted', async () => {
    const s = await statusOf({ queue: false });
    expect(s.error?.exitCode).toBe(1);
    expect(s.doc.problems).toEqual([
      {
        resource: 'SQS queue',
        problem:
          "mission-undelivered is missing: an alert Slack does not take is lost after Lambda's 2 retries.",
        fix: INIT,
      },
      {
        resource: 'Failure destination',
        problem:
          "mission-lambda has no failure destination: an alert Slack does not take is lost after Lambda's 2 retries.",
        fix: INIT,
      },
    ]);
    expect(s.row('Event source mapping')).toMatchObject({ present: false, healthy: true });
    expect(s.text).toMatch(
      /- Event source mapping\s+mission-undelivered → mission-lambda\s+missing \(needs the function and the queue\)/,
    );
  });

  it('a queue not as init makes it (retention, visibility, encryption) is flagged; a missing tag is not', async () => {
    const s = await statusOf({
      queueAttributes: { MessageRetentionPeriod: '345600', VisibilityTimeout: '30' },
    });
    expect(s.problems('SQS queue')).toEqual([
      {
        resource: 'SQS queue',
        problem:
          'mission-undelivered is not as expected: retention 4 days → 14 days, visibility timeout 30 s → 90 s.',
        fix: INIT,
      },
    ]);
    const untagged = await statusOf({ queue: 'untagged' });
    expect(untagged.problems('SQS queue')).toEqual([]);
    expect(untagged.row('SQS queue')?.details).toMatchObject({ owner: null });
  });
});

describe('status of the failure destination and the mapping', () => {
  it('an invoke config that does not point to the queue is flagged with init', async () => {
    const other = `arn:aws:sqs:${REGION}:123456789012:somewhere-else`;
    const s = await statusOf({}, (fake) => {
      const config = fake.find.function('mission-lambda').invokeConfigs?.$LATEST;
      if (config) config.DestinationConfig = { OnFailure: { Destination: other } };
    });
    expect(s.doc.problems).toEqual([
      {
        resource: 'Failure destination',
        problem: `mission-lambda does not keep what it fails to deliver in mission-undelivered: on-failure destination ${other} → ${QUEUE_ARN}.`,
        fix: INIT,
      },
    ]);
    expect(s.row('Failure destination')).toMatchObject({
      present: true,
      healthy: false,
      details: { onFailure: other, maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21600 },
    });
  });

  it('no invoke config: missing, with init', async () => {
    const s = await statusOf({ invokeConfig: false });
    expect(s.doc.problems).toEqual([
      {
        resource: 'Failure destination',
        problem:
          "mission-lambda has no failure destination: an alert Slack does not take is lost after Lambda's 2 retries.",
        fix: INIT,
      },
    ]);
    expect(s.text).toMatch(/✖ Failure destination\s+mission-lambda\s+missing/);
  });

  it('a healthy pair: 2 retries then the queue, the mapping enabled and paced', async () => {
    const s = await statusOf({});
    expect(s.text).toMatch(/✔ Failure destination\s+mission-lambda\s+2 retries, then mission-undelivered/);
    expect(s.text).toMatch(
      /✔ Event source mapping\s+mission-undelivered → mission-lambda\s+Enabled, re-delivers the queue paced/,
    );
    expect(s.row('Event source mapping')?.details).toMatchObject({
      uuid: 'b7e1f3a2-0000-4000-8000-000000000007',
      state: 'Enabled',
    });
  });

  it('a missing mapping: nothing re-delivers the queue, with init', async () => {
    const s = await statusOf({ mapping: false });
    expect(s.doc.problems).toEqual([
      {
        resource: 'Event source mapping',
        problem:
          'nothing re-delivers mission-undelivered: the alerts kept there wait until `replay` or until they expire (14 days).',
        fix: INIT,
      },
    ]);
    expect(s.row('Event source mapping')).toMatchObject({ present: false, healthy: false });
  });

  it('a Disabled mapping is flagged with init (which enables it)', async () => {
    const s = await statusOf({ mappingState: 'Disabled' });
    expect(s.doc.problems).toEqual([
      {
        resource: 'Event source mapping',
        problem: 'the queue is not re-delivered as expected: disabled → enabled.',
        fix: INIT,
      },
    ]);
    expect(s.text).toMatch(/✖ Event source mapping\s+.*Disabled; not as expected: disabled → enabled/);
  });

  it('a mapping whose last poll failed: flagged, with the command that shows why', async () => {
    const s = await statusOf({}, (fake) => {
      const m = fake.state.mappings.get('b7e1f3a2-0000-4000-8000-000000000007');
      if (m) m.LastProcessingResult = 'PROBLEM: Function call failed';
    });
    expect(s.problems('Event source mapping')).toEqual([
      {
        resource: 'Event source mapping',
        problem: 'its last poll of the queue failed (PROBLEM: Function call failed).',
        fix: `aws lambda get-event-source-mapping --uuid b7e1f3a2-0000-4000-8000-000000000007 --region ${REGION}`,
      },
    ]);
  });

  it('the role without its queue policy is flagged with init', async () => {
    const s = await statusOf({ queuePolicy: undefined });
    expect(s.doc.problems).toEqual([
      {
        resource: 'IAM role',
        problem:
          "the role's mission-undelivered-queue (send to, receive from and delete in mission-undelivered) is not as expected.",
        fix: INIT,
      },
    ]);
    expect(s.row('IAM role')?.details).toMatchObject({ queuePolicy: false });
  });
});

describe('status of the every-alarm rule', () => {
  const EVERY = `${INIT} --every-alarm`;

  it('present: enabled, its pattern in words, its target and permission', async () => {
    const s = await statusOf({ rule: { states: ['ALARM', 'OK'], prefix: 'prod-' } });
    expect(s.doc.ok).toBe(true);
    expect(s.text).toMatch(
      /✔ EventBridge rule\s+mission-alarm-events\s+enabled, every alarm state change \(states ALARM, OK, prefix prod-\) → mission-lambda$/m,
    );
    expect(s.row('EventBridge rule')?.details).toMatchObject({
      state: 'ENABLED',
      filter: { states: ['ALARM', 'OK'], prefix: 'prod-' },
      targets: [`arn:aws:lambda:${REGION}:123456789012:function:mission-lambda`],
      permission: 'scoped',
    });
  });

  it('without its target: flagged, and the function skips SNS copies nothing delivers', async () => {
    const s = await statusOf({ rule: { states: ['ALARM'] } }, (fake) => {
      fake.find.rule('mission-alarm-events').targets = [];
    });
    expect(s.doc.problems).toEqual([
      {
        resource: 'EventBridge rule',
        problem: 'mission-alarm-events: no target delivers its events to mission-lambda.',
        fix: EVERY,
      },
      {
        resource: 'Lambda function',
        problem: 'mission-lambda skips SNS copies the rule does not deliver: some alerts may be lost.',
        fix: INIT,
      },
    ]);
  });

  it('without the permission for EventBridge: flagged', async () => {
    const s = await statusOf({ rule: { states: ['ALARM'] } }, (fake) => {
      const fn = fake.find.function('mission-lambda');
      fn.statements = fn.statements.filter((st) => st.Sid !== 'mission-alarm-events-invoke');
    });
    expect(s.problems('EventBridge rule')).toEqual([
      {
        resource: 'EventBridge rule',
        problem: 'mission-alarm-events: EventBridge may not invoke the function.',
        fix: EVERY,
      },
    ]);
    expect(s.row('EventBridge rule')?.details).toMatchObject({ permission: 'missing' });
  });

  it('missing while the function expects it: those alerts are lost', async () => {
    const s = await statusOf({ rule: { states: ['ALARM'] } }, (fake) => {
      fake.state.rules.delete('mission-alarm-events');
    });
    expect(s.doc.problems).toEqual([
      {
        resource: 'EventBridge rule',
        problem:
          'mission-alarm-events is missing, yet mission-lambda skips the SNS copies it would deliver: those alerts are lost.',
        fix: EVERY,
      },
    ]);
  });

  it('no rule and none expected: no row at all', async () => {
    const s = await statusOf({});
    expect(s.row('EventBridge rule')).toBeUndefined();
  });
});

describe('status of the alarms connected to the topic', () => {
  it('counts and names them with their states, and warns about one whose actions are disabled', async () => {
    const s = await statusOf({}, async (fake) => {
      await seedAlarm(fake, {
        kind: 'metric',
        name: 'prod-api',
        alarmActions: [TOPIC_ARN],
        okActions: [TOPIC_ARN],
      });
      await seedAlarm(fake, { kind: 'metric', name: 'prod-db', alarmActions: [TOPIC_ARN] });
      await seedAlarm(fake, { kind: 'metric', name: 'unrelated', alarmActions: [] });
      fake.find.alarm('prod-db').alarm.ActionsEnabled = false;
      fake.find.alarm('prod-api').alarm.StateValue = 'ALARM';
    });
    expect(s.text).toMatch(
      /✖ Connected alarms\s+mission-sns\s+2 alarms notify the topic: prod-api \(ALARM\), prod-db \(INSUFFICIENT_DATA\)/,
    );
    expect(s.row('Connected alarms')?.details).toEqual({
      alarms: [
        { name: 'prod-api', state: 'ALARM', states: ['ALARM', 'OK'] },
        { name: 'prod-db', state: 'INSUFFICIENT_DATA', states: ['ALARM'] },
      ],
      actionsDisabled: ['prod-db'],
    });
    expect(s.doc.problems).toEqual([
      {
        resource: 'Connected alarms',
        problem: 'prod-db has its actions disabled: it notifies nobody.',
        fix: `aws cloudwatch enable-alarm-actions --alarm-names prod-db --region ${REGION}`,
      },
    ]);
  });

  it('one connected alarm with its actions on is healthy', async () => {
    const s = await statusOf({}, (fake) =>
      seedAlarm(fake, { kind: 'metric', name: 'prod-api', alarmActions: [TOPIC_ARN] }),
    );
    expect(s.doc.ok).toBe(true);
    expect(s.text).toMatch(/✔ Connected alarms\s+mission-sns\s+1 alarm notifies the topic: prod-api/);
  });
});
