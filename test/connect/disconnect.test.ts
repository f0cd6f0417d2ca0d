import type { MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import {
  COMPOSITE_OUTPUT_ONLY,
  compositeAlarmInput,
  METRIC_OUTPUT_ONLY,
  metricAlarmInput,
} from '../../src/resources/alarm-input.js';
import { seedStack } from '../fake-aws/seed.js';
import { useFakeAws } from '../fake-aws/vitest.js';
import {
  alb5xxAnomaly,
  albP99,
  lambdaErrorRate,
  OPS_ARN,
  PAGER_ARN,
  rdsStorage,
  TOPIC_ARN,
} from '../resources/alarm-fixtures.js';
import {
  described,
  putDescribed,
  putTeamAlarms,
  runCommand,
  TEAM_ALARM_NAMES,
  TEAM_ALARMS,
} from './harness.js';

/** disconnect: only the topic leaves the alarms' actions; the picker of connect and disconnect; the JSON. */
const aws = useFakeAws({ setup: (fake) => void seedStack(fake) });

/**
 * The alarm's configuration as DescribeAlarms answers it, with its ARN and state (an update leaves the
 * state as it was), but without the state details AWS itself updates (the configuration timestamp, the
 * evaluation and suppression state). AWS answers `Metrics: []` beside a single metric and `Dimensions: []`
 * beside Metrics; the fake stores neither: absent and [] are the same here.
 */
const KEPT = new Set(['AlarmArn', 'StateValue', 'StateReason']);
const UPDATED_BY_AWS = [...Object.keys(METRIC_OUTPUT_ONLY), ...Object.keys(COMPOSITE_OUTPUT_ONLY)].filter(
  (k) => !KEPT.has(k),
);
const config = (name: string) => {
  const rest = described(aws.fake, name) as MetricAlarm & Record<string, unknown>;
  for (const key of UPDATED_BY_AWS) delete rest[key];
  if (rest.Metrics?.length === 0) delete rest.Metrics;
  if (rest.Metrics && rest.Dimensions?.length === 0) delete rest.Dimensions;
  return rest;
};

describe('disconnect', () => {
  it('connect then disconnect gives back each alarm exactly as DescribeAlarms showed it', async () => {
    putTeamAlarms(aws.fake);
    const before = new Map(TEAM_ALARM_NAMES.map((n) => [n, config(n)]));
    expect((await runCommand('connect', { alarms: TEAM_ALARM_NAMES }, { yes: true })).exitCode).toBe(0);
    for (const n of TEAM_ALARM_NAMES) expect(config(n)).not.toEqual(before.get(n));

    aws.clearCalls();
    const run = await runCommand('disconnect', { alarms: TEAM_ALARM_NAMES }, { yes: true, json: true });
    expect(run.exitCode, run.message).toBe(0);
    // What disconnect sends is exactly what re-creates each alarm as it was before connect.
    const sent = new Map(
      [
        ...aws.inputs<{ AlarmName: string }>('PutMetricAlarm'),
        ...aws.inputs<{ AlarmName: string }>('PutCompositeAlarm'),
      ].map((i) => [i.AlarmName, i]),
    );
    for (const f of TEAM_ALARMS) {
      const original = f();
      const expected =
        'AlarmRule' in original ? compositeAlarmInput(original) : metricAlarmInput(original as MetricAlarm);
      // An action list the answer lacked goes back as [] (connect created it): both mean "no actions".
      const filled = { OKActions: [], InsufficientDataActions: [], ...expected };
      expect(sent.get(original.AlarmName ?? '')).toStrictEqual(
        original.AlarmName === 'web-alb-p99-latency' ? filled : expected,
      );
    }
    for (const n of TEAM_ALARM_NAMES.filter((n) => n !== 'web-alb-p99-latency'))
      expect(config(n)).toStrictEqual(before.get(n));
    // The p99 alarm's answer had no OK and no INSUFFICIENT_DATA list and no TreatMissingData: AWS's own
    // defaults are what it has now ("no actions", "missing"), nothing else differs.
    expect(config('web-alb-p99-latency')).toStrictEqual({
      ...before.get('web-alb-p99-latency'),
      OKActions: [],
      InsufficientDataActions: [],
      TreatMissingData: 'missing',
    });
    expect(run.json).toStrictEqual({
      ok: true,
      disconnected: [...TEAM_ALARM_NAMES].sort(),
      unchanged: [],
      failed: [],
      topicArn: TOPIC_ARN,
    });
  });

  it('removes the topic from every state, leaves every other action in its order', async () => {
    putDescribed(aws.fake, {
      ...lambdaErrorRate(),
      AlarmActions: [TOPIC_ARN, PAGER_ARN],
      OKActions: [TOPIC_ARN],
      InsufficientDataActions: [OPS_ARN, TOPIC_ARN],
    });
    const run = await runCommand('disconnect', { alarms: ['checkout-lambda-error-rate'] }, { yes: true });
    expect(run.exitCode, run.message).toBe(0);
    const [input] = aws.inputs<MetricAlarm>('PutMetricAlarm');
    expect([input?.AlarmActions, input?.OKActions, input?.InsufficientDataActions]).toEqual([
      [PAGER_ARN],
      [],
      [OPS_ARN],
    ]);
    expect(run.stdout).toMatch(/✔ disconnected\s+checkout-lambda-error-rate\s+ALARM, OK, INSUFFICIENT_DATA/);
  });

  it('--all: every alarm that notifies the topic except the stack’s own CPU alarm; the others untouched', async () => {
    putTeamAlarms(aws.fake);
    await runCommand(
      'connect',
      { alarms: ['orders-db-free-storage', 'checkout-service-degraded'] },
      { yes: true },
    );
    const cpu = described(aws.fake, 'mission-cpu-alarm');
    aws.clearCalls();
    const run = await runCommand('disconnect', { all: true }, { yes: true, json: true });
    expect(run.exitCode, run.message).toBe(0);
    expect(run.json.disconnected).toEqual(['checkout-service-degraded', 'orders-db-free-storage']);
    expect(aws.writes().sort()).toEqual(['PutCompositeAlarm', 'PutMetricAlarm']);
    expect(described(aws.fake, 'mission-cpu-alarm')).toStrictEqual(cpu);
    expect((described(aws.fake, 'mission-cpu-alarm') as MetricAlarm).AlarmActions).toEqual([TOPIC_ARN]);
  });

  it('an alarm that does not notify the topic is unchanged (no write); unknown names exit 2', async () => {
    putTeamAlarms(aws.fake);
    const run = await runCommand(
      'disconnect',
      { alarms: ['orders-db-free-storage'] },
      { yes: true, json: true },
    );
    expect(run.exitCode, run.message).toBe(0);
    expect(run.json).toMatchObject({ disconnected: [], unchanged: ['orders-db-free-storage'] });
    expect(aws.writes()).toEqual([]);
    const unknown = await runCommand('disconnect', { alarms: ['gone'] }, { yes: true });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.message).toContain('No alarm named gone in ap-northeast-2');
    expect(aws.writes()).toEqual([]);
  });

  it('--dry-run writes nothing; without --yes off a TTY it exits 2; names with --all exit 2 with no call', async () => {
    putDescribed(aws.fake, { ...rdsStorage(), AlarmActions: [TOPIC_ARN] });
    const dry = await runCommand('disconnect', { all: true, dryRun: true }, { json: true });
    expect(dry.exitCode, dry.message).toBe(0);
    expect(dry.json).toMatchObject({
      dryRun: true,
      disconnected: [],
      wouldDisconnect: [{ alarm: 'orders-db-free-storage', states: ['ALARM'] }],
    });
    const noYes = await runCommand('disconnect', { all: true });
    expect(noYes.exitCode).toBe(2);
    expect(noYes.message).toContain('disconnect would change 1 alarm(s); pass --yes');
    expect(aws.writes()).toEqual([]);
    aws.clearCalls();
    const both = await runCommand('disconnect', { alarms: ['x'], all: true }, { yes: true });
    expect(both.exitCode).toBe(2);
    expect(aws.calls()).toEqual([]);
  });

  it('works with the topic gone (its ARN is still named by alarms)', async () => {
    seedStack(aws.fake, 'mission', { topic: false, alarm: false });
    putDescribed(aws.fake, { ...rdsStorage(), OKActions: [TOPIC_ARN, PAGER_ARN] });
    const run = await runCommand('disconnect', { all: true }, { yes: true, json: true });
    expect(run.exitCode, run.message).toBe(0);
    expect((described(aws.fake, 'orders-db-free-storage') as MetricAlarm).OKActions).toEqual([PAGER_ARN]);
  });
});

describe('the picker (a TTY, no names)', () => {
  it('connect lists every alarm with its state, what it watches and a ticked mark on those connected', async () => {
    putTeamAlarms(aws.fake);
    putDescribed(aws.fake, { ...rdsStorage(), AlarmActions: [PAGER_ARN, TOPIC_ARN], OKActions: [TOPIC_ARN] });
    const run = await runCommand(
      'connect',
      {},
      {
        interactive: true,
        answers: [
          {
            kind: 'checkbox',
            match: /^Alarms to send to Slack through mission-sns/,
            answer: ['orders-db-free-storage', 'web-alb-5xx-anomaly'],
          },
          { kind: 'confirm', match: /Add the topic to the actions of these 1 alarm\(s\)\?/, answer: true },
        ],
      },
    );
    expect(run.exitCode, run.message).toBe(0);
    expect(run.io.remainingAnswers()).toBe(0);
    const list = run.io.asked.find((a) => a.kind === 'checkbox');
    expect(list?.message).toContain('unticking one does not disconnect it');
    // Sorted by name, the stack's own alarm left out; the names padded to one column.
    expect(list?.choices?.map((c) => [c.value, c.checked ?? false])).toEqual([
      ['checkout-lambda-error-rate', false],
      ['checkout-service-degraded', false],
      ['orders-db-free-storage', true],
      ['web-alb-5xx-anomaly', false],
      ['web-alb-p99-latency', false],
    ]);
    const line = (name: string) => list?.choices?.find((c) => c.value === name)?.name;
    expect(line('orders-db-free-storage')).toBe(
      'orders-db-free-storage      OK                 ✓ connected (ALARM, OK)  FreeStorageSpace of AWS/RDS DBInstanceIdentifier=orders-db Minimum < 10737418240 Bytes for 2 of 3 × 5 min',
    );
    expect(line('checkout-lambda-error-rate')).toBe(
      'checkout-lambda-error-rate  OK                 Error rate (%) (100 * errors / invocations) ≥ 5 for 2 of 3 × 1 min',
    );
    expect(line('web-alb-5xx-anomaly')).toContain('above the anomaly band (width 2) for 2 of 2 × 5 min');
    expect(line('web-alb-p99-latency')).toContain('TargetResponseTime of AWS/ApplicationELB');
    expect(line('web-alb-p99-latency')).toContain('p99 > 1.5 Seconds for 5 of 5 × 1 min (actions disabled)');
    expect(line('checkout-service-degraded')).toContain(
      'composite: ALARM("checkout-lambda-error-rate") OR (ALARM(web-alb-p99-latency) AND NOT…, suppressed by maintenance-window',
    );
    // Once answered, the question shows the names picked, not their lines.
    expect(list?.choices?.map((c) => c.short)).toEqual(list?.choices?.map((c) => c.value));
    expect(list?.choices?.find((c) => c.value === 'orders-db-free-storage')?.description).toBe(
      'orders-db-free-storage: orders-db has less than 10 GiB free',
    );
    // Only the one that lacked the topic is written; the ticked one was connected already.
    expect(aws.inputs<MetricAlarm>('PutMetricAlarm').map((i) => i.AlarmName)).toEqual([
      'web-alb-5xx-anomaly',
    ]);
    expect(run.stdout).toMatch(
      /= unchanged\s+orders-db-free-storage\s+already notifies mission-sns on ALARM, OK/,
    );
  });

  it('on a terminal, each choice is one line cut to its width, the connected mark kept', async () => {
    putTeamAlarms(aws.fake);
    putDescribed(aws.fake, { ...rdsStorage(), AlarmActions: [PAGER_ARN, TOPIC_ARN], OKActions: [TOPIC_ARN] });
    const run = await runCommand(
      'connect',
      {},
      {
        interactive: true,
        width: 100,
        answers: [{ kind: 'checkbox', match: /^Alarms to send to Slack/, answer: [] }],
      },
    );
    expect(run.exitCode).toBe(0);
    const names = run.io.asked.find((a) => a.kind === 'checkbox')?.choices?.map((c) => c.name) ?? [];
    expect(names).toHaveLength(5);
    // 100 columns less the list's own 3 (cursor, box, space).
    for (const name of names) expect([...name].length, name).toBeLessThanOrEqual(97);
    const rds = names.find((n) => n.startsWith('orders-db-free-storage'));
    expect(rds).toBe(
      'orders-db-free-storage      OK                 ✓ connected (ALARM, OK)  FreeStorageSpace of AWS/…',
    );
    const checkout =
      'checkout-lambda-error-rate  OK                 Error rate (%) (100 * errors / invocations) ≥ 5 for 2 of 3 × 1 min';
    expect(names).toContain(`${[...checkout].slice(0, 96).join('').trimEnd()}…`);
    // As wide as the longest line: every line whole, as off a terminal.
    const wide = await runCommand(
      'connect',
      {},
      {
        interactive: true,
        width: 200,
        answers: [{ kind: 'checkbox', match: /^Alarms to send to Slack/, answer: [] }],
      },
    );
    expect(wide.io.asked.find((a) => a.kind === 'checkbox')?.choices?.map((c) => c.name)).toContain(checkout);
  });

  it('disconnect lists only the connected alarms, none ticked; declining the plan changes nothing (exit 1)', async () => {
    putTeamAlarms(aws.fake);
    putDescribed(aws.fake, { ...albP99(), OKActions: [TOPIC_ARN] });
    const run = await runCommand(
      'disconnect',
      {},
      {
        interactive: true,
        answers: [
          {
            kind: 'checkbox',
            match: /^Alarms to disconnect from mission-sns/,
            answer: ['web-alb-p99-latency'],
          },
          {
            kind: 'confirm',
            match: /Remove the topic from the actions of these 1 alarm\(s\)\?/,
            answer: false,
          },
        ],
      },
    );
    expect(run.exitCode).toBe(1);
    expect(run.message).toBe('Cancelled; nothing was changed.');
    const list = run.io.asked.find((a) => a.kind === 'checkbox');
    expect(list?.choices?.map((c) => [c.value, c.checked ?? false])).toEqual([
      ['web-alb-p99-latency', false],
    ]);
    expect(list?.choices?.[0]?.name).toContain('✓ connected (OK)');
    expect(aws.writes()).toEqual([]);
  });

  it('picking nothing changes nothing (exit 0)', async () => {
    putTeamAlarms(aws.fake);
    const run = await runCommand(
      'connect',
      {},
      {
        interactive: true,
        answers: [{ kind: 'checkbox', match: /Alarms to send/, answer: [] }],
      },
    );
    expect(run.exitCode, run.message).toBe(0);
    expect(run.stdout).toBe('No alarm chosen: nothing was changed.');
    expect(aws.writes()).toEqual([]);
  });
});

describe('--json', () => {
  it('connect: {ok, connected, unchanged, failed: [{alarm, error}]} and what was asked', async () => {
    putTeamAlarms(aws.fake);
    putDescribed(aws.fake, { ...alb5xxAnomaly(), OKActions: [TOPIC_ARN], AlarmActions: [TOPIC_ARN] });
    const full = [1, 2, 3, 4, 5].map((i) => `arn:aws:sns:ap-northeast-2:123456789012:t${i}`);
    putDescribed(aws.fake, { ...lambdaErrorRate(), OKActions: full });
    const run = await runCommand('connect', { alarms: TEAM_ALARM_NAMES }, { yes: true, json: true });
    expect(run.exitCode).toBe(1);
    expect(run.io.stdout).toHaveLength(1);
    expect(JSON.parse(run.io.stdout[0] ?? '')).toStrictEqual({
      ok: false,
      connected: ['checkout-service-degraded', 'orders-db-free-storage', 'web-alb-p99-latency'],
      unchanged: ['web-alb-5xx-anomaly'],
      failed: [
        {
          alarm: 'checkout-lambda-error-rate',
          error: expect.stringContaining('already has 5 actions for OK (OKActions)'),
        },
      ],
      topicArn: TOPIC_ARN,
      states: ['ALARM', 'OK'],
      actionsDisabled: ['web-alb-p99-latency'],
    });
  });
});
