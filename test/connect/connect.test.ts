import type { CompositeAlarm, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { seedStack } from '../fake-aws/seed.js';
import { seedAlarm } from '../fake-aws/seed-extras.js';
import { useFakeAws } from '../fake-aws/vitest.js';
import {
  alarmArn,
  alb5xxAnomaly,
  albP99,
  lambdaErrorRate,
  OPS_ARN,
  PAGER_ARN,
  rdsStorage,
  TOPIC_ARN,
} from '../resources/alarm-fixtures.js';
import { described, putDescribed, putTeamAlarms, runCommand, TEAM_ALARM_NAMES } from './harness.js';

/**
 * `connect` and `disconnect` on alarms a team already has: the exact Put… input sent for each kind of
 * alarm, the limits and refusals, and the round trip back to the original alarm.
 */
const aws = useFakeAws({ setup: (fake) => void seedStack(fake) });

const writesOf = () => aws.writes();

describe('connect, by name', () => {
  it('sends, for each kind of alarm, the alarm as DescribeAlarms showed it with only the topic added to ALARM and OK', async () => {
    putTeamAlarms(aws.fake);
    const run = await runCommand('connect', { alarms: TEAM_ALARM_NAMES }, { yes: true, json: true });
    expect(run.exitCode, run.message).toBe(0);
    const metric = new Map(aws.inputs<MetricAlarm>('PutMetricAlarm').map((i) => [i.AlarmName, i]));
    // Single metric: every field as it was, the topic after the existing actions.
    expect(metric.get('orders-db-free-storage')).toStrictEqual({
      AlarmName: 'orders-db-free-storage',
      AlarmDescription: 'orders-db has less than 10 GiB free',
      ActionsEnabled: true,
      OKActions: [PAGER_ARN, TOPIC_ARN],
      AlarmActions: [PAGER_ARN, OPS_ARN, TOPIC_ARN],
      InsufficientDataActions: [],
      MetricName: 'FreeStorageSpace',
      Namespace: 'AWS/RDS',
      Statistic: 'Minimum',
      Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'orders-db' }],
      Period: 300,
      Unit: 'Bytes',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 10737418240,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      EvaluationWindow: { WallClockWindow: { Timezone: 'Asia/Seoul' } },
      WarmUpConfiguration: {
        WarmUpPeriodDurationInMinutes: 15,
        OnlyStartEvaluatingAfterWarmUpPeriodEnds: true,
      },
      ActionConfiguration: { AlarmTagsPropagation: { Enabled: true, IncludedTagKeys: ['team'] } },
    });
    // Extended statistic, actions disabled, OK list absent before: created with the topic only.
    expect(metric.get('web-alb-p99-latency')).toStrictEqual({
      AlarmName: 'web-alb-p99-latency',
      ActionsEnabled: false,
      AlarmActions: [OPS_ARN, TOPIC_ARN],
      OKActions: [TOPIC_ARN],
      MetricName: 'TargetResponseTime',
      Namespace: 'AWS/ApplicationELB',
      ExtendedStatistic: 'p99',
      Dimensions: [
        { Name: 'LoadBalancer', Value: 'app/web/0123456789abcdef' },
        { Name: 'TargetGroup', Value: 'targetgroup/web/fedcba9876543210' },
      ],
      Period: 60,
      Unit: 'Seconds',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      Threshold: 1.5,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'missing',
      EvaluateLowSampleCountPercentile: 'ignore',
    });
    // Metric math: Metrics and none of the single-metric fields (not even the empty Dimensions).
    expect(metric.get('checkout-lambda-error-rate')).toStrictEqual({
      AlarmName: 'checkout-lambda-error-rate',
      AlarmDescription: 'More than 5% of checkout invocations fail',
      ActionsEnabled: true,
      OKActions: [TOPIC_ARN],
      AlarmActions: [PAGER_ARN, TOPIC_ARN],
      InsufficientDataActions: [OPS_ARN],
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      Metrics: lambdaErrorRate().Metrics,
    });
    // Anomaly band: ThresholdMetricId, no Threshold.
    expect(metric.get('web-alb-5xx-anomaly')).toStrictEqual({
      AlarmName: 'web-alb-5xx-anomaly',
      AlarmDescription: 'Unusually many 5xx from the web targets',
      ActionsEnabled: true,
      OKActions: [PAGER_ARN, TOPIC_ARN],
      AlarmActions: [PAGER_ARN, TOPIC_ARN],
      InsufficientDataActions: [],
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanUpperThreshold',
      TreatMissingData: 'ignore',
      Metrics: alb5xxAnomaly().Metrics,
      ThresholdMetricId: 'ad1',
    });
    // Composite: the rule, the suppressor and its periods, the tag propagation; no suppression state.
    expect(aws.inputs<CompositeAlarm>('PutCompositeAlarm')).toStrictEqual([
      {
        AlarmName: 'checkout-service-degraded',
        AlarmDescription: 'Checkout is failing or slow',
        ActionsEnabled: true,
        OKActions: [PAGER_ARN, TOPIC_ARN],
        AlarmActions: [PAGER_ARN, OPS_ARN, TOPIC_ARN],
        InsufficientDataActions: [],
        AlarmRule: `ALARM("${alarmArn('checkout-lambda-error-rate')}") OR\n  (ALARM(web-alb-p99-latency) AND NOT ALARM(deploy-in-progress))`,
        ActionsSuppressor: 'maintenance-window',
        ActionsSuppressorWaitPeriod: 120,
        ActionsSuppressorExtensionPeriod: 180,
        ActionConfiguration: { AlarmTagsPropagation: { Enabled: true, ExcludedTagKeys: ['cost-center'] } },
      },
    ]);
    expect(metric.size).toBe(4);
    expect(run.json).toMatchObject({
      ok: true,
      connected: [...TEAM_ALARM_NAMES].sort(),
      unchanged: [],
      failed: [],
      states: ['ALARM', 'OK'],
      actionsDisabled: ['web-alb-p99-latency'],
    });
  });

  it('reads each alarm again right before writing it, and keeps at most 3 writes in flight', async () => {
    for (let i = 0; i < 8; i++) await seedAlarm(aws.fake, { kind: 'metric', name: `svc-${i}` });
    let inFlight = 0;
    let most = 0;
    const { PutMetricAlarmCommand } = await import('@aws-sdk/client-cloudwatch');
    aws.mocks.cloudwatch.on(PutMetricAlarmCommand).callsFake(async (input) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return aws.fake.answer('cloudwatch', 'PutMetricAlarmCommand', input);
    });
    const run = await runCommand('connect', { prefix: 'svc-' }, { yes: true, json: true });
    expect(run.exitCode, run.message).toBe(0);
    expect(run.json.connected).toHaveLength(8);
    expect(most).toBe(3);
    // One listing, then per alarm a DescribeAlarms of that alarm alone before its PutMetricAlarm.
    const names = aws.callNames().filter((n) => n.startsWith('cloudwatch.'));
    const perAlarm = aws
      .inputs<{ AlarmNames?: string[] }>('DescribeAlarms')
      .filter((i) => i.AlarmNames?.length === 1 && i.AlarmNames[0]?.startsWith('svc-'));
    expect(perAlarm.map((i) => i.AlarmNames?.[0]).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `svc-${i}`),
    );
    expect(names.filter((n) => n === 'cloudwatch.PutMetricAlarm')).toHaveLength(8);
    expect(names.indexOf('cloudwatch.DescribeAlarms')).toBeLessThan(
      names.indexOf('cloudwatch.PutMetricAlarm'),
    );
  });

  it('Ctrl-C: the writes already started finish, no other starts, exit 130 naming what was left', async () => {
    for (let i = 0; i < 8; i++) await seedAlarm(aws.fake, { kind: 'metric', name: `svc-${i}` });
    const controller = new AbortController();
    const { PutMetricAlarmCommand } = await import('@aws-sdk/client-cloudwatch');
    aws.mocks.cloudwatch.on(PutMetricAlarmCommand).callsFake(async (input) => {
      controller.abort(new Error('SIGINT'));
      return aws.fake.answer('cloudwatch', 'PutMetricAlarmCommand', input);
    });
    const run = await runCommand(
      'connect',
      { prefix: 'svc-' },
      { yes: true, json: true, signal: controller.signal },
    );
    expect(run.exitCode).toBe(130);
    const written = aws.inputs<MetricAlarm>('PutMetricAlarm').length;
    expect(written).toBeGreaterThanOrEqual(1);
    expect(written).toBeLessThanOrEqual(3);
    expect(run.json.ok).toBe(false);
    expect((run.json.connected as string[]).length).toBe(written);
    expect(run.json.failed).toHaveLength(8 - written);
    expect((run.json.failed as Array<{ error: string }>)[0]?.error).toBe('not changed (interrupted)');
  });

  it('a second run changes nothing and says so per alarm', async () => {
    putTeamAlarms(aws.fake);
    await runCommand('connect', { alarms: TEAM_ALARM_NAMES }, { yes: true });
    aws.clearCalls();
    const run = await runCommand('connect', { alarms: TEAM_ALARM_NAMES }, { yes: true, json: true });
    expect(run.exitCode, run.message).toBe(0);
    expect(writesOf()).toEqual([]);
    expect(run.json).toMatchObject({
      ok: true,
      connected: [],
      unchanged: [...TEAM_ALARM_NAMES].sort(),
      failed: [],
    });
    const human = await runCommand('connect', { alarms: ['orders-db-free-storage'] }, { yes: true });
    expect(human.stdout).toMatch(
      /= unchanged\s+orders-db-free-storage\s+already notifies mission-sns on ALARM, OK/,
    );
  });

  it('adds INSUFFICIENT_DATA when asked, and only the states that lack the topic', async () => {
    putDescribed(aws.fake, { ...rdsStorage(), OKActions: [PAGER_ARN, TOPIC_ARN] });
    const run = await runCommand(
      'connect',
      { alarms: ['orders-db-free-storage'], states: 'alarm,insufficient_data,ok' },
      { yes: true, json: true },
    );
    expect(run.exitCode, run.message).toBe(0);
    const [input] = aws.inputs<MetricAlarm>('PutMetricAlarm');
    expect(input?.AlarmActions).toEqual([PAGER_ARN, OPS_ARN, TOPIC_ARN]);
    expect(input?.OKActions).toEqual([PAGER_ARN, TOPIC_ARN]);
    expect(input?.InsufficientDataActions).toEqual([TOPIC_ARN]);
    expect(run.json.states).toEqual(['ALARM', 'OK', 'INSUFFICIENT_DATA']);
  });

  it('warns that an alarm with actions disabled will not notify until they are enabled, and connects it', async () => {
    putDescribed(aws.fake, albP99());
    const run = await runCommand('connect', { alarms: ['web-alb-p99-latency'] }, { yes: true });
    expect(run.exitCode, run.message).toBe(0);
    expect(aws.inputs('PutMetricAlarm')).toHaveLength(1);
    expect(run.stderr).toContain(
      '! web-alb-p99-latency has its actions disabled: it will not notify Slack (or anyone) until they are enabled.',
    );
    expect(run.stdout).toContain(
      '! web-alb-p99-latency has its actions disabled: it will not notify Slack until they are enabled (aws cloudwatch enable-alarm-actions --alarm-names web-alb-p99-latency).',
    );
    // The plan said so too, before the write.
    expect(run.stderr).toMatch(/add\s+web-alb-p99-latency\s+ALARM, OK: \+ mission-sns \(actions disabled/);
  });
});

describe('connect, the 5-action limit', () => {
  it('fails the full alarm naming it and the limit, connects the others, exits 1', async () => {
    const full = [1, 2, 3, 4, 5].map((i) => `arn:aws:sns:ap-northeast-2:123456789012:team-${i}`);
    putDescribed(aws.fake, { ...rdsStorage(), AlarmActions: full });
    putDescribed(aws.fake, lambdaErrorRate());
    const run = await runCommand(
      'connect',
      { alarms: ['orders-db-free-storage', 'checkout-lambda-error-rate'] },
      { yes: true, json: true },
    );
    expect(run.exitCode).toBe(1);
    expect(aws.inputs<MetricAlarm>('PutMetricAlarm').map((i) => i.AlarmName)).toEqual([
      'checkout-lambda-error-rate',
    ]);
    expect(run.json.ok).toBe(false);
    expect(run.json.connected).toEqual(['checkout-lambda-error-rate']);
    expect(run.json.failed).toEqual([
      {
        alarm: 'orders-db-free-storage',
        error: expect.stringMatching(
          /^Alarm "orders-db-free-storage" already has 5 actions for ALARM \(AlarmActions\), the most CloudWatch allows per state/,
        ),
      },
    ]);
    expect(run.message).toBe('1 of 2 alarm(s) could not be connected: orders-db-free-storage.');
    // The stored alarm is as it was.
    expect(described(aws.fake, 'orders-db-free-storage')).toEqual({ ...rdsStorage(), AlarmActions: full });
  });
});

describe('connect refuses before any change', () => {
  it('unknown alarm names: exit 2 naming only those, zero writes', async () => {
    putTeamAlarms(aws.fake);
    const run = await runCommand(
      'connect',
      { alarms: ['orders-db-free-storage', 'nope-2', 'nope-1'] },
      { yes: true },
    );
    expect(run.exitCode).toBe(2);
    expect(run.message).toMatch(
      /^No alarm named nope-1, nope-2 in ap-northeast-2 \(alarm names are case-sensitive\)\. Nothing was changed\./,
    );
    expect(writesOf()).toEqual([]);
  });

  it.each([
    [
      { states: 'ALARM,BROKEN', all: true },
      '--states takes a comma-separated list of ALARM, OK, INSUFFICIENT_DATA; got "ALARM,BROKEN".',
    ],
    [{ alarms: ['a'], all: true }, 'Choose the alarms one way: by name, with --prefix, or with --all.'],
    [{ alarms: ['a'], prefix: 'web-' }, 'Choose the alarms one way'],
    [{ prefix: 'web-', all: true }, 'Choose the alarms one way'],
    [{ everyAlarm: true, alarms: ['a'] }, '--every-alarm covers every alarm of the region'],
    [{ everyAlarm: true, all: true }, '--every-alarm covers every alarm of the region'],
    [{}, 'Name the alarms to connect, or pass --prefix <prefix> or --all (or --every-alarm)'],
    [{ alarms: [''] }, 'is not an alarm name'],
  ])('%j: exit 2, no AWS call at all', async (options, message) => {
    const run = await runCommand('connect', options, { yes: true });
    expect(run.exitCode).toBe(2);
    expect(run.message).toContain(message);
    expect(aws.calls()).toEqual([]);
  });

  it("the stack's own CPU alarm by name: exit 2, zero writes", async () => {
    const run = await runCommand('connect', { alarms: ['mission-cpu-alarm'] }, { yes: true });
    expect(run.exitCode).toBe(2);
    expect(run.message).toContain("mission-cpu-alarm is the stack's own CPU alarm");
    expect(writesOf()).toEqual([]);
  });

  it('no stack in the region (no topic): exit 1 saying to run init first, zero writes', async () => {
    seedStack(aws.fake, 'mission', { topic: false });
    putTeamAlarms(aws.fake);
    const run = await runCommand('connect', { all: true }, { yes: true, json: true });
    expect(run.exitCode).toBe(1);
    expect(run.message).toContain(
      'There is no stack mission in ap-northeast-2 (no SNS topic mission-sns): run init first.',
    );
    expect(run.message).toContain('alarm-to-slack init --name mission --region ap-northeast-2 --no-alarm');
    expect(writesOf()).toEqual([]);
  });

  it('without a TTY and without --yes: shows the plan, exits 2, changes nothing', async () => {
    putTeamAlarms(aws.fake);
    const run = await runCommand('connect', { alarms: ['orders-db-free-storage'] });
    expect(run.exitCode).toBe(2);
    expect(run.message).toBe(
      'connect would change 1 alarm(s); pass --yes to confirm when not running interactively. Nothing was changed.',
    );
    expect(run.stderr).toMatch(/add\s+orders-db-free-storage\s+ALARM, OK: \+ mission-sns/);
    expect(writesOf()).toEqual([]);
  });

  it('--dry-run: the plan per alarm, zero writes, no --yes needed', async () => {
    putTeamAlarms(aws.fake);
    const run = await runCommand('connect', { alarms: TEAM_ALARM_NAMES, dryRun: true }, { json: true });
    expect(run.exitCode, run.message).toBe(0);
    expect(writesOf()).toEqual([]);
    expect(run.json).toMatchObject({
      ok: true,
      dryRun: true,
      connected: [],
      unchanged: [],
      failed: [],
      wouldConnect: [...TEAM_ALARM_NAMES].sort().map((alarm) => ({ alarm, states: ['ALARM', 'OK'] })),
    });
    const human = await runCommand('connect', { alarms: ['checkout-service-degraded'], dryRun: true });
    expect(human.stdout).toMatch(
      /^Dry run: nothing was changed; 1 of 1 alarm\(s\) would be connected to mission-sns:/,
    );
    expect(human.stderr).toContain(
      `Plan: add ${TOPIC_ARN} to the ALARM, OK actions of checkout-service-degraded (1 alarm(s)):`,
    );
  });
});

describe('connect --all / --prefix', () => {
  it('reads every page of DescribeAlarms (both kinds) and connects every alarm but the stack’s own', async () => {
    for (let i = 0; i < 230; i++)
      await seedAlarm(aws.fake, { kind: 'metric', name: `bulk-${String(i).padStart(3, '0')}` });
    await seedAlarm(aws.fake, { kind: 'composite', name: 'zz-composite', rule: 'ALARM("bulk-000")' });
    aws.clearCalls();
    const run = await runCommand('connect', { all: true }, { yes: true, json: true });
    expect(run.exitCode, run.message).toBe(0);
    const listing = aws
      .inputs<{ AlarmNames?: string[]; NextToken?: string; MaxRecords?: number; AlarmTypes?: string[] }>(
        'DescribeAlarms',
      )
      .filter((i) => !i.AlarmNames);
    // 232 alarms at 100 a page (the SDK's paginator reuses one input object, so only the count is told apart).
    expect(listing).toHaveLength(3);
    expect(
      listing.every((i) => i.MaxRecords === 100 && i.AlarmTypes?.join() === 'MetricAlarm,CompositeAlarm'),
    ).toBe(true);
    expect(run.json.connected).toHaveLength(231);
    expect(run.json.connected).not.toContain('mission-cpu-alarm');
    expect(aws.inputs('PutCompositeAlarm')).toHaveLength(1);
    expect(aws.inputs<MetricAlarm>('PutMetricAlarm').map((i) => i.AlarmName)).not.toContain(
      'mission-cpu-alarm',
    );
  });

  it('--prefix connects only the alarms whose name starts with it', async () => {
    putTeamAlarms(aws.fake);
    const run = await runCommand('connect', { prefix: 'web-' }, { yes: true, json: true });
    expect(run.exitCode, run.message).toBe(0);
    expect(run.json.connected).toEqual(['web-alb-5xx-anomaly', 'web-alb-p99-latency']);
  });

  it('an empty selection changes nothing and says so (exit 0)', async () => {
    const run = await runCommand('connect', { prefix: 'nothing-' }, { yes: true });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe('No alarm chosen: nothing was changed.');
  });
});
