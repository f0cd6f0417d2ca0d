import { DeleteAlarmsCommand, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, describe, expect, it } from 'vitest';
import {
  aws,
  inventory,
  itKeepsWebhookSecrets,
  jsonOf,
  leftovers,
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
 * Journey 7: every alarm of the region through EventBridge (`connect --every-alarm`): an alarm nobody
 * connected reaches Slack through the rule, once; an alarm connected both ways (its actions name the
 * topic and the rule matches it) is posted once too; --prefix and --states filter; `disconnect
 * --every-alarm` stops the rule's deliveries (the SNS path still posts); teardown leaves no rule, target
 * or permission. "Exactly once" is checked after a later state change of another alarm has arrived
 * through the rule: a second copy sent at the same time would have arrived by then.
 */
const s = newStack('every');
useE2EHooks(() => [s]);

const name = (label: string) => `${s.stack}-${label}`;
const LABELS = ['plain', 'both', 'sentinel', 'p-match', 'p-sentinel', 'other'];
type State = 'ALARM' | 'OK';

async function createAlarm(label: string): Promise<void> {
  await aws().cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name(label),
      Namespace: 'AWS/EC2',
      MetricName: 'CPUUtilization',
      Dimensions: [{ Name: 'InstanceId', Value: s.instanceId }],
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 90,
      ComparisonOperator: 'GreaterThanThreshold',
    }),
  );
}

const setState = (label: string, StateValue: State) =>
  aws().cloudwatch.send(
    new SetAlarmStateCommand({ AlarmName: name(label), StateValue, StateReason: 'e2e every-alarm' }),
  );

/** The Slack messages since `mark` whose headline is this state of this alarm. */
function posted(mark: number, label: string, state: State): number {
  const headline = new RegExp(`${state === 'ALARM' ? 'ALARM' : '(RESOLVED|OK)'}: ${name(label)} in `);
  return slackSince(mark, { path: s.webhook.path }).filter(
    (r) => r.status === 200 && headline.test(messageText(r)),
  ).length;
}

const arrives = (mark: number, label: string, state: State) =>
  waitFor(`${state} of ${name(label)} in Slack`, () => posted(mark, label, state) > 0);

interface EveryJson {
  ok: boolean;
  steps: Array<{ id: string; status: string }>;
}

afterAll(async () => {
  await aws()
    .cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: LABELS.map(name) }))
    .catch(() => {});
});

describe.sequential('every alarm through EventBridge', () => {
  it('init --no-alarm, then connect --every-alarm --yes creates the rule, its target and permission', async () => {
    const init = await runCli(['init', '--yes', '--name', s.stack, '--no-alarm'], { env: webhookEnv(s) });
    expect(init.code, show(init)).toBe(0);
    const run = await runCli(['connect', '--every-alarm', '--yes', '--json', '--name', s.stack]);
    expect(run.code, show(run)).toBe(0);
    expect(jsonOf<EveryJson>(run).ok).toBe(true);
    const inv = await inventory(s.stack);
    expect(inv.rule.named?.State).toBe('ENABLED');
    expect(JSON.parse(inv.rule.named?.EventPattern ?? '{}')).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: { state: { value: ['ALARM', 'OK'] } },
    });
    expect(inv.rule.named?.targets.map((t) => t.Arn)).toEqual([
      inv.function.named?.Configuration.FunctionArn,
    ]);
    expect(inv.function.named?.Configuration.Environment?.Variables?.alarmEventsFilter).toBe(
      '{"states":["ALARM","OK"]}',
    );
    for (const label of LABELS) await createAlarm(label);
  });

  it('a re-run changes nothing', async () => {
    const run = await runCli(['connect', '--every-alarm', '--yes', '--json', '--name', s.stack]);
    expect(run.code, show(run)).toBe(0);
    expect(jsonOf<EveryJson>(run).steps).toEqual([]);
  });

  it('an alarm with no actions at all reaches Slack through the rule, exactly once', async () => {
    const mark = slackMark();
    await setState('plain', 'ALARM');
    await arrives(mark, 'plain', 'ALARM');
    await setState('sentinel', 'ALARM');
    await arrives(mark, 'sentinel', 'ALARM');
    expect(posted(mark, 'plain', 'ALARM')).toBe(1);
  });

  it('an alarm connected both ways (actions name the topic, the rule matches) is posted once', async () => {
    const connect = await runCli(['connect', name('both'), '--yes', '--name', s.stack]);
    expect(connect.code, show(connect)).toBe(0);
    const mark = slackMark();
    await setState('both', 'ALARM');
    await arrives(mark, 'both', 'ALARM');
    await setState('sentinel', 'OK');
    await arrives(mark, 'sentinel', 'OK');
    expect(posted(mark, 'both', 'ALARM')).toBe(1);
  });

  it('--prefix and --states filter: other names and other states are not posted', async () => {
    const run = await runCli([
      'connect',
      '--every-alarm',
      '--prefix',
      name('p-'),
      '--states',
      'ALARM',
      '--yes',
      '--name',
      s.stack,
    ]);
    expect(run.code, show(run)).toBe(0);
    const mark = slackMark();
    await setState('p-match', 'ALARM');
    await arrives(mark, 'p-match', 'ALARM');
    await setState('other', 'ALARM');
    await setState('p-match', 'OK');
    await setState('plain', 'OK');
    await setState('p-sentinel', 'ALARM');
    await arrives(mark, 'p-sentinel', 'ALARM');
    expect(posted(mark, 'other', 'ALARM')).toBe(0);
    expect(posted(mark, 'p-match', 'OK')).toBe(0);
    expect(posted(mark, 'plain', 'OK')).toBe(0);
    expect(posted(mark, 'p-match', 'ALARM')).toBe(1);
  });

  it('disconnect --every-alarm stops the rule; an alarm whose actions name the topic still posts', async () => {
    const run = await runCli(['disconnect', '--every-alarm', '--yes', '--json', '--name', s.stack]);
    expect(run.code, show(run)).toBe(0);
    const inv = await inventory(s.stack);
    expect(inv.rule.named).toBeUndefined();
    expect(inv.function.named?.Configuration.Environment?.Variables?.alarmEventsFilter).toBeUndefined();
    const mark = slackMark();
    await setState('p-match', 'ALARM');
    await setState('both', 'OK');
    await arrives(mark, 'both', 'OK');
    expect(posted(mark, 'p-match', 'ALARM')).toBe(0);
  });

  it('teardown leaves no rule, target or permission (connect --every-alarm again first)', async () => {
    const again = await runCli(['connect', '--every-alarm', '--yes', '--name', s.stack]);
    expect(again.code, show(again)).toBe(0);
    const run = await runCli(['teardown', '--yes', '--name', s.stack]);
    expect(run.code, show(run)).toBe(0);
    expect(leftovers(await inventory(s.stack))).toEqual([]);
  });
});

itKeepsWebhookSecrets(() => [s]);
