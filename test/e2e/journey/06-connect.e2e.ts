import {
  type CompositeAlarm,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  type MetricAlarm,
  PutCompositeAlarmCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { CreateTopicCommand, DeleteTopicCommand } from '@aws-sdk/client-sns';
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
  runCli,
  show,
  slackMark,
  slackSince,
  useE2EHooks,
  waitFor,
  webhookEnv,
} from '../harness/index.js';

/**
 * Journey 6: alarms a team already has (one of each kind, each with actions of its own) are connected
 * to the stack's topic with `connect`: DescribeAlarms shows them as before plus the topic, a state change
 * of a connected alarm reaches Slack, `disconnect` gives the originals back, and `teardown` keeps them.
 */
const s = newStack('connect');
useE2EHooks(() => [s]);

const name = (kind: string) => `${s.stack}-${kind}`;
const NAMES = ['single', 'p99', 'math', 'band', 'composite'].map(name);
const OTHER_TOPIC = `${s.stack}-team-pager`;
let otherArn = '';
let topicArn = '';

const metric = (MetricName: string) => ({
  Namespace: 'AWS/EC2',
  MetricName,
  Dimensions: [{ Name: 'InstanceId', Value: s.instanceId }],
});

async function createAlarms(): Promise<void> {
  const { cloudwatch } = aws();
  const actions = { AlarmActions: [otherArn], OKActions: [otherArn], InsufficientDataActions: [] };
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name('single'),
      AlarmDescription: 'CPU of the web instance above 80%',
      ...actions,
      ...metric('CPUUtilization'),
      Statistic: 'Average',
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 80,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'breaching',
      Unit: 'Percent',
    }),
  );
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name('p99'),
      ...actions,
      ...metric('NetworkPacketsIn'),
      ExtendedStatistic: 'p99',
      Period: 60,
      EvaluationPeriods: 5,
      Threshold: 1000,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      EvaluateLowSampleCountPercentile: 'ignore',
    }),
  );
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name('math'),
      AlarmDescription: 'More in than out',
      ...actions,
      EvaluationPeriods: 1,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'missing',
      Metrics: [
        {
          Id: 'in',
          MetricStat: { Metric: metric('NetworkIn'), Period: 300, Stat: 'Sum' },
          ReturnData: false,
        },
        {
          Id: 'out',
          MetricStat: { Metric: metric('NetworkOut'), Period: 300, Stat: 'Sum' },
          ReturnData: false,
        },
        { Id: 'ratio', Expression: 'in / out', Label: 'in per out', ReturnData: true },
      ],
    }),
  );
  await cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name('band'),
      ...actions,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      ComparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold',
      TreatMissingData: 'ignore',
      ThresholdMetricId: 'band',
      Metrics: [
        {
          Id: 'cpu',
          MetricStat: { Metric: metric('CPUUtilization'), Period: 300, Stat: 'Average' },
          ReturnData: true,
        },
        { Id: 'band', Expression: 'ANOMALY_DETECTION_BAND(cpu, 2)', ReturnData: true },
      ],
    }),
  );
  await cloudwatch.send(
    new PutCompositeAlarmCommand({
      AlarmName: name('composite'),
      AlarmDescription: 'Web degraded',
      ...actions,
      AlarmRule: `ALARM("${name('single')}") OR ALARM("${name('math')}")`,
    }),
  );
}

/**
 * DescribeAlarms of our alarms, by name: their configuration. The state is left out: the emulator puts a
 * re-put alarm back to OK (AWS leaves it unchanged: its README, "Where it differs"), and every update
 * sets AlarmConfigurationUpdatedTimestamp (on AWS too).
 */
async function configs(): Promise<Map<string, Record<string, unknown>>> {
  const out = await aws().cloudwatch.send(
    new DescribeAlarmsCommand({ AlarmNames: NAMES, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }),
  );
  const all: Array<MetricAlarm | CompositeAlarm> = [
    ...(out.MetricAlarms ?? []),
    ...(out.CompositeAlarms ?? []),
  ];
  const map = new Map<string, Record<string, unknown>>();
  for (const a of all) {
    const {
      StateValue: _v,
      StateReason: _r,
      StateReasonData: _d,
      StateUpdatedTimestamp: _u,
      StateTransitionedTimestamp: _t,
      AlarmConfigurationUpdatedTimestamp: _c,
      ...config
    } = a as MetricAlarm & CompositeAlarm;
    map.set(a.AlarmName ?? '', config);
  }
  return map;
}

interface ConnectJson {
  ok: boolean;
  connected?: string[];
  disconnected?: string[];
  unchanged: string[];
  failed: Array<{ alarm: string; error: string }>;
}

afterAll(async () => {
  // The team's alarms and topic are the test's own: it removes them (teardown keeps them, as it must).
  const { cloudwatch, sns } = aws();
  await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: [name('composite')] })).catch(() => {});
  await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: NAMES })).catch(() => {});
  if (otherArn) await sns.send(new DeleteTopicCommand({ TopicArn: otherArn })).catch(() => {});
});

describe.sequential('connect and disconnect', () => {
  let before: Map<string, Record<string, unknown>>;

  it('init --yes exits 0; a team already has alarms of each kind with actions of their own', async () => {
    const run = await runCli(initArgs(s), { env: webhookEnv(s) });
    expect(run.code, show(run)).toBe(0);
    topicArn = `arn:aws:sns:${e2e().region}:${await accountId()}:${s.topic}`;
    otherArn = (await aws().sns.send(new CreateTopicCommand({ Name: OTHER_TOPIC }))).TopicArn ?? '';
    await createAlarms();
    before = await configs();
    expect([...before.keys()].sort()).toEqual([...NAMES].sort());
  });

  it('connect <names> --yes adds the topic to ALARM and OK and changes nothing else', async () => {
    const run = await runCli(['connect', ...NAMES, '--yes', '--json', '--name', s.stack]);
    expect(run.code, show(run)).toBe(0);
    expect(jsonOf<ConnectJson>(run)).toMatchObject({ ok: true, connected: [...NAMES].sort(), failed: [] });
    const after = await configs();
    for (const n of NAMES) {
      const was = before.get(n) as { AlarmActions: string[]; OKActions: string[] };
      expect(after.get(n), n).toStrictEqual({
        ...was,
        AlarmActions: [...was.AlarmActions, topicArn],
        OKActions: [...was.OKActions, topicArn],
      });
    }
  });

  it('a second connect changes nothing and says so', async () => {
    const run = await runCli(['connect', ...NAMES, '--yes', '--json', '--name', s.stack]);
    expect(run.code, show(run)).toBe(0);
    expect(jsonOf<ConnectJson>(run)).toMatchObject({ connected: [], unchanged: [...NAMES].sort() });
  });

  it('a connected metric alarm and a connected composite alarm reach Slack when their state changes', async () => {
    const mark = slackMark();
    const { cloudwatch } = aws();
    for (const AlarmName of [name('single'), name('composite')])
      await cloudwatch.send(
        new SetAlarmStateCommand({ AlarmName, StateValue: 'ALARM', StateReason: 'e2e connect' }),
      );
    const got = await waitFor('both ALARM messages', () => {
      const texts = slackSince(mark, { path: s.webhook.path })
        .filter((r) => r.status === 200)
        .map(messageText);
      return texts.length >= 2 && texts;
    });
    expect(got.some((t) => t.includes(`ALARM: ${name('single')}`))).toBe(true);
    expect(got.some((t) => t.includes(`ALARM: ${name('composite')}`))).toBe(true);
  });

  it('disconnect <names> --yes gives every alarm back exactly as it was', async () => {
    const run = await runCli(['disconnect', ...NAMES, '--yes', '--json', '--name', s.stack]);
    expect(run.code, show(run)).toBe(0);
    expect(jsonOf<ConnectJson>(run)).toMatchObject({ ok: true, disconnected: [...NAMES].sort(), failed: [] });
    const after = await configs();
    for (const n of NAMES) expect(after.get(n), n).toStrictEqual(before.get(n));
  });

  it('teardown keeps connected alarms: not deleted, only the topic removed from their actions', async () => {
    const connect = await runCli(['connect', name('single'), name('composite'), '--yes', '--name', s.stack]);
    expect(connect.code, show(connect)).toBe(0);
    const run = await runCli(['teardown', '--yes', '--json', '--name', s.stack]);
    expect(run.code, show(run)).toBe(0);
    expect(jsonOf<{ disconnected: string[] }>(run).disconnected.sort()).toEqual(
      [name('composite'), name('single')].sort(),
    );
    const after = await configs();
    for (const n of NAMES) expect(after.get(n), n).toStrictEqual(before.get(n));
  });
});

itKeepsWebhookSecrets(() => [s]);
