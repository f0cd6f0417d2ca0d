import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../handler-template/index.mjs';
import { type FakeSlack, fakeSlack } from '../handler/fake-slack.js';
import { LOG_GROUP, REGION } from './constants.js';
import type { FakeAws } from './core.js';
import { seedStack } from './seed.js';
import { seedQueue, seedRule } from './seed-extras.js';
import type { StackSpec } from './seed-spec.js';
import { useFakeAws } from './vitest.js';

/**
 * The path an alarm takes in AWS, played by the fake: SetAlarmState → the SNS topic among the new
 * state's actions → the subscribed function (if its resource policy lets SNS invoke it) → its log
 * group; and the state-change event → EventBridge rules → their targets.
 */
const aws = useFakeAws();
const cw = new CloudWatchClient({ region: REGION });
const logs = new CloudWatchLogsClient({ region: REGION });

const setState = (StateValue: 'ALARM' | 'OK') =>
  cw.send(new SetAlarmStateCommand({ AlarmName: 'mission-cpu-alarm', StateValue, StateReason: 'test' }));
const logLines = async () =>
  ((await logs.send(new FilterLogEventsCommand({ logGroupName: LOG_GROUP }))).events ?? []).map(
    (e) => e.message ?? '',
  );
const startLines = async () => (await logLines()).filter((l) => l.startsWith('START RequestId'));

function stack(fake: FakeAws, spec: Partial<StackSpec> = {}) {
  return seedStack(fake, 'mission', spec);
}

describe('alarm → SNS → Lambda', () => {
  let slack: FakeSlack | undefined;
  afterEach(async () => {
    await slack?.close();
    slack = undefined;
  });

  it('a change of state invokes the subscribed function once, and its run is in the log group', async () => {
    stack(aws.fake);
    await setState('ALARM');
    expect(await startLines()).toHaveLength(1);
    expect((await logLines()).some((l) => /^REPORT RequestId: [0-9a-f-]{36}\t/.test(l))).toBe(true);
    // No change of state, no notification.
    await setState('ALARM');
    expect(await startLines()).toHaveLength(1);
  });

  it('goes nowhere without the permission, the subscription, or with actions disabled', async () => {
    const cases: Array<(fake: FakeAws) => void> = [
      (fake) => stack(fake, { permission: 'none' }),
      (fake) => stack(fake, { subscriptions: [] }),
      (fake) => {
        stack(fake);
        fake.find.alarm('mission-cpu-alarm').alarm.ActionsEnabled = false;
      },
    ];
    for (const seed of cases) {
      aws.freshAccount();
      seed(aws.fake);
      await setState('ALARM');
      expect(await startLines()).toEqual([]);
      expect(aws.fake.find.alarm('mission-cpu-alarm').alarm.StateValue).toBe('ALARM');
    }
  });

  it('runs the real notifier: it decrypts the webhook URL with the fake KMS and posts to Slack', async () => {
    slack = await fakeSlack();
    stack(aws.fake, { webhookUrl: slack.url });
    aws.fake.onInvoke(async ({ event, environment, log }) => {
      const handler = createHandler({ env: environment, log });
      return { payload: await handler(event as never) };
    });
    await setState('ALARM');
    expect(slack.requests).toHaveLength(1);
    expect(slack.requests[0]?.body).toContain('mission-cpu-alarm');
    // Lambda's text format: time, request id, level, then the notifier's line.
    expect((await logLines()).some((l) => /^\S+\t[0-9a-f-]{36}\tINFO\tPosted to Slack: /.test(l))).toBe(true);
  });

  it('with the key pending deletion, the notifier fails and Invoke says so', async () => {
    slack = await fakeSlack();
    stack(aws.fake, { webhookUrl: slack.url, keyState: 'PendingDeletion' });
    aws.fake.onInvoke(async ({ event, environment, log }) => ({
      payload: await createHandler({ env: environment, log })(event as never),
    }));
    const out = await new LambdaClient({ region: REGION }).send(
      new InvokeCommand({
        FunctionName: 'mission-lambda',
        Payload: new TextEncoder().encode(JSON.stringify({ Records: [{ Sns: { Message: '{}' } }] })),
      }),
    );
    expect(out.FunctionError).toBe('Unhandled');
    const payload = JSON.parse(new TextDecoder().decode(out.Payload)) as { errorMessage: string };
    expect(payload.errorMessage).toMatch(
      /^Could not decrypt kmsEncryptedHookUrl \(KMSInvalidStateException: .* is pending deletion\.\)/,
    );
    expect(slack.requests).toEqual([]);
  });
});

describe('alarm → EventBridge', () => {
  it("the state-change event reaches a matching rule's SQS target, and not a disabled rule's", async () => {
    stack(aws.fake);
    const q = await seedQueue(aws.fake, 'undelivered');
    await seedRule(aws.fake, { name: 'every-alarm', targets: [{ id: 'queue', arn: q.arn }] });
    await seedRule(aws.fake, {
      name: 'other',
      pattern: { source: ['aws.ec2'] },
      targets: [{ id: 'queue', arn: q.arn }],
    });
    await setState('ALARM');
    aws.fake.find.rule('every-alarm').state = 'DISABLED';
    await setState('OK');
    const bodies = aws.fake.find.queue('undelivered').messages.map((m) => JSON.parse(m.body));
    expect(bodies).toEqual([
      expect.objectContaining({
        source: 'aws.cloudwatch',
        'detail-type': 'CloudWatch Alarm State Change',
        resources: [expect.stringMatching(/:alarm:mission-cpu-alarm$/)],
        detail: expect.objectContaining({
          alarmName: 'mission-cpu-alarm',
          state: expect.objectContaining({ value: 'ALARM' }),
        }),
      }),
    ]);
  });
});
