import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import {
  aws,
  inventory,
  jsonOf,
  messageText,
  newStack,
  runCli,
  show,
  slackMark,
  slackSince,
  useE2EHooks,
  waitFor,
  webhookEnv,
} from '../harness/index.js';

/**
 * Journey 9: `test --through-alarm` in every-alarm mode. `init --every-alarm` makes the EventBridge rule and
 * no CPU alarm, so the test creates a temporary alarm named to match the rule's prefix, sets it to ALARM,
 * sees the notifier post it through the rule, and deletes it: one message in Slack, no alarm left.
 */
const s = newStack('rule');
useE2EHooks(() => [s]);

// The prefix keeps the rule to this stack's alarms: other files' alarms never reach this webhook.
const prefix = `${s.stack}-`;
const temporary = `${prefix}${s.stack}-test-alarm`;

async function alarmNamed(name: string) {
  const out = await aws().cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
  return out.MetricAlarms?.find((a) => a.AlarmName === name);
}

interface ThroughJson {
  ok: boolean;
  delivered: boolean;
  through: string;
  alarmName: string;
  waitedMs: number;
  temporaryAlarm?: { name: string; removed: boolean };
}

describe.sequential('test --through-alarm through the every-alarm rule', () => {
  it('init --yes --every-alarm exits 0 with the rule and no CPU alarm', async () => {
    const run = await runCli(['init', '--yes', '--name', s.stack, '--every-alarm', '--prefix', prefix], {
      env: webhookEnv(s),
    });
    expect(run.code, show(run)).toBe(0);
    const inv = await inventory(s.stack);
    expect(inv.rule.named).toBeDefined();
    expect(inv.alarm.named).toBeUndefined();
  });

  it('exits 0 after the temporary alarm reached Slack through the rule, exactly once, and is gone', async () => {
    const mark = slackMark();
    const run = await runCli(['test', '--through-alarm', '--json', '--name', s.stack]);
    expect(run.code, show(run)).toBe(0);
    const doc = jsonOf<ThroughJson>(run);
    expect(doc).toMatchObject({
      ok: true,
      delivered: true,
      through: 'eventbridge',
      alarmName: temporary,
      temporaryAlarm: { name: temporary, removed: true },
    });
    expect(run.stderr).toContain(`"Posted to Slack: 🔴 ALARM: ${temporary} in `);
    // Nothing more comes: the alarm was deleted, not set back (deleting it changes no state).
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const got = slackSince(mark, { path: s.webhook.path });
    expect(got.map((r) => r.status)).toEqual([200]);
    expect(messageText(got[0] ?? ({} as never))).toContain(`ALARM: ${temporary}`);
    expect(await alarmNamed(temporary)).toBeUndefined();
  });

  it('--state INSUFFICIENT_DATA, which the rule does not send, exits 2 and creates nothing', async () => {
    const mark = slackMark();
    const run = await runCli(['test', '--through-alarm', '--state', 'INSUFFICIENT_DATA', '--name', s.stack]);
    expect(run.code, show(run)).toBe(2);
    expect(run.stderr).toContain(`The rule ${s.rule} does not send INSUFFICIENT_DATA`);
    expect(await alarmNamed(temporary)).toBeUndefined();
    expect(slackSince(mark, { path: s.webhook.path })).toEqual([]);
  });

  it('the direct test is posted too: its marker keeps the notifier from taking it for the rule', async () => {
    const mark = slackMark();
    const run = await runCli(['test', '--name', s.stack]);
    expect(run.code, show(run)).toBe(0);
    const got = await waitFor('the test message', () => {
      const all = slackSince(mark, { path: s.webhook.path });
      return all.length > 0 && all;
    });
    expect(got.map((r) => r.status)).toEqual([200]);
  });
});
