import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { seedAlarm } from '../fake-aws/seed-extras.js';
import type { Answer } from '../helpers/io.js';
import { runInit, TOPIC_ARN, useFakeAws, WEBHOOK } from './harness.js';

/** Interactive init, "Alarms I pick from a list": the connect picker once the stack is up. */
const aws = useFakeAws();

const before: Answer[] = [
  { kind: 'password', match: /Slack incoming-webhook URL/, answer: WEBHOOK },
  { kind: 'input', match: /Channel label/, answer: '' },
  { kind: 'input', match: /Mention on ALARM/, answer: '' },
  { kind: 'select', match: /What should notify Slack\?/, answer: 'pick' },
  { kind: 'confirm', match: /Apply this plan\?/, answer: true },
];

describe('init, alarms picked from a list', () => {
  it('creates no CPU alarm, then offers the picker, connects the picked alarms and says so in the summary', async () => {
    await seedAlarm(aws.fake, {
      kind: 'metric',
      name: 'orders-5xx',
      alarmActions: ['arn:aws:sns:ap-northeast-2:123456789012:pager'],
    });
    await seedAlarm(aws.fake, { kind: 'math', name: 'checkout-errors' });
    const run = await runInit({
      interactive: true,
      options: { verifyWebhook: false },
      answers: [
        ...before,
        { kind: 'checkbox', match: /^Alarms to send to Slack through mission-sns/, answer: ['orders-5xx'] },
        { kind: 'confirm', match: /Add the topic to the actions of these 1 alarm\(s\)\?/, answer: true },
        { kind: 'confirm', match: /Send a test alarm/, answer: false },
      ],
    });
    expect(run.error).toBeUndefined();
    expect(run.io.remainingAnswers()).toBe(0);
    expect(aws.inputs('PutMetricAlarm').map((i) => i.AlarmName)).toEqual(['orders-5xx']);
    const alarm = aws.fake.find.alarm('orders-5xx').alarm as MetricAlarm;
    expect(alarm.AlarmActions).toEqual(['arn:aws:sns:ap-northeast-2:123456789012:pager', TOPIC_ARN]);
    expect(alarm.OKActions).toEqual([TOPIC_ARN]);
    // The picker came after the stack was built (the topic exists), before the test-alarm offer.
    const asked = run.io.asked.map((a) => a.kind);
    expect(asked.slice(-3)).toEqual(['checkbox', 'confirm', 'confirm']);
    const list = run.io.asked.find((a) => a.kind === 'checkbox');
    expect(list?.choices?.map((c) => c.value)).toEqual(['checkout-errors', 'orders-5xx']);
    const stdout = run.io.stdout.join('\n');
    expect(stdout).toMatch(
      /Connected 1 of 1 alarm\(s\) to mission-sns:\n\s+✔ connected\s+orders-5xx\s+ALARM, OK/,
    );
    expect(stdout).not.toContain('No CPU alarm was set up');
    expect(stdout).toMatch(
      /alarm-to-slack connect --name mission --region ap-northeast-2\s+send alarms you already have/,
    );
  });

  it('Ctrl-C at the list connects nothing and the setup still succeeds', async () => {
    await seedAlarm(aws.fake, { kind: 'metric', name: 'orders-5xx' });
    const abort = Object.assign(new Error('User force closed the prompt'), { name: 'ExitPromptError' });
    const run = await runInit({
      interactive: true,
      options: { verifyWebhook: false },
      json: true,
      answers: [
        ...before,
        { kind: 'checkbox', match: /Alarms to send/, answer: abort },
        { kind: 'confirm', match: /Send a test alarm/, answer: false },
      ],
    });
    expect(run.error).toBeUndefined();
    expect(aws.inputs('PutMetricAlarm')).toEqual([]);
    expect((run.io.resultJson as { connect: unknown }).connect).toEqual({
      ok: false,
      error: 'cancelled at the list',
    });
  });
});
