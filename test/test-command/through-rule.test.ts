import { DeleteAlarmsCommand, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NOTIFIER_FILTER } from '../../src/aws/notifier-log.js';
import { run } from '../../src/commands/test.js';
import { awsError } from '../fake-aws/errors.js';
import type { StackSpec } from '../fake-aws/seed-spec.js';
import type { FakeSlack } from '../handler/fake-slack.js';
import { mockAws } from '../helpers/aws.js';
import { scriptedIO } from '../helpers/io.js';
import { callNames, commandContext, LOG_GROUP, mockStack, writes } from '../teardown/mock-stack.js';
import { filters, interruptedClock, linkedClock, notifierStack, states } from './through-fixtures.js';

/**
 * `test --through-alarm` in every-alarm mode: the stack has the EventBridge rule and no CPU alarm (init
 * --every-alarm makes none), so a temporary alarm named to match the rule's prefix is created, driven and
 * deleted, and the state change reaches the function through the rule.
 */
const aws = mockAws();
let slack: FakeSlack | undefined;
beforeEach(() => aws.reset());
afterEach(async () => {
  await slack?.close();
  slack = undefined;
});
afterAll(() => aws.restore());

const EVERY: Partial<StackSpec> = { alarm: false, rule: { states: ['ALARM', 'OK'], prefix: 'prod-' } };
const TEMP = 'prod-mission-test-alarm';
const deletes = () => aws.cloudwatch.commandCalls(DeleteAlarmsCommand).map((c) => c.args[0].input);
const puts = () => aws.cloudwatch.commandCalls(PutMetricAlarmCommand).map((c) => c.args[0].input);

describe('alarm-to-slack test --through-alarm in every-alarm mode', () => {
  it('creates the temporary alarm, sets ALARM, sees it posted through the rule, and deletes the alarm', async () => {
    const { fake } = mockStack(aws, EVERY);
    const io = scriptedIO({ json: true });
    await run({ state: 'ALARM', throughAlarm: true }, commandContext(io, { clock: linkedClock(fake) }));

    expect(puts()).toEqual([
      {
        AlarmName: TEMP,
        AlarmDescription:
          'Temporary alarm of `alarm-to-slack test --through-alarm` (stack mission): deleted when the test ends; safe to delete.',
        Namespace: 'alarm-to-slack',
        MetricName: 'ThroughAlarmTest',
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'ignore',
        Tags: [{ Key: 'alarm-to-slack:stack', Value: 'mission' }],
      },
    ]);
    // A new alarm starts INSUFFICIENT_DATA: one change to ALARM, no second one (the alarm is deleted instead).
    expect(states(aws)).toEqual([
      { AlarmName: TEMP, StateValue: 'ALARM', StateReason: expect.stringMatching(/^alarm-to-slack test/) },
    ]);
    expect(deletes()).toEqual([{ AlarmNames: [TEMP] }]);
    expect(fake.state.alarms.has(TEMP)).toBe(false);
    expect(filters(aws)).toEqual([
      { logGroupName: LOG_GROUP, startTime: fake.now(), filterPattern: NOTIFIER_FILTER },
    ]);
    // The writes: the alarm, its state, its deletion; nothing else of the stack is touched.
    expect(writes(aws).map(([n]) => n)).toEqual([
      'cloudwatch.PutMetricAlarm',
      'cloudwatch.SetAlarmState',
      'cloudwatch.DeleteAlarms',
    ]);
    expect(callNames(aws).filter((n) => n.startsWith('eventbridge.'))).toEqual([
      'eventbridge.DescribeRule',
      'eventbridge.ListTargetsByRule',
      'eventbridge.ListTagsForResource',
    ]);
    expect(io.resultJson).toMatchObject({
      ok: true,
      delivered: true,
      through: 'eventbridge',
      alarmName: TEMP,
      state: 'ALARM',
      restoredToOk: false,
      temporaryAlarm: { name: TEMP, removed: true },
    });
  });

  it('in human output: the chain through the rule, and the deletion; the real notifier posted exactly once', async () => {
    const stack = await notifierStack(aws, undefined, EVERY);
    slack = stack.slack;
    const io = scriptedIO();
    await run({ throughAlarm: true }, commandContext(io, { clock: linkedClock(stack.fake) }));
    expect(io.stdout.join('\n')).toBe(
      `✔ ${TEMP} → EventBridge rule mission-alarm-events → mission-lambda → Slack: the ALARM notification was delivered (seen in the logs after 0 s).\n` +
        `  The temporary alarm ${TEMP} was deleted.`,
    );
    expect(slack.requests.map((r) => (JSON.parse(r.body) as { text: string }).text)).toEqual([
      `🔴 ALARM: ${TEMP} in Asia Pacific (Seoul)`,
    ]);
    expect(io.stderr).toContain(
      `Creating the temporary alarm ${TEMP} (no actions; deleted when the test ends).`,
    );
  });

  it('names it <name>-test-alarm when the rule has no prefix, and takes --state OK straight from INSUFFICIENT_DATA', async () => {
    const { fake } = mockStack(aws, { alarm: false, rule: { states: ['ALARM', 'OK'] } });
    const io = scriptedIO({ json: true });
    await run({ state: 'OK', throughAlarm: true }, commandContext(io, { clock: linkedClock(fake) }));
    expect(states(aws).map((s) => [s.AlarmName, s.StateValue])).toEqual([['mission-test-alarm', 'OK']]);
    expect(io.resultJson).toMatchObject({ ok: true, alarmName: 'mission-test-alarm' });
    expect(deletes()).toEqual([{ AlarmNames: ['mission-test-alarm'] }]);
  });

  it('passes a leftover of ours through a state the rule does not send first, silently', async () => {
    const { fake } = mockStack(aws, { alarm: false, rule: { states: ['ALARM'], prefix: 'prod-' } });
    await fake.call('cloudwatch', 'PutMetricAlarm', {
      AlarmName: TEMP,
      Namespace: 'alarm-to-slack',
      MetricName: 'ThroughAlarmTest',
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Tags: [{ Key: 'alarm-to-slack:stack', Value: 'mission' }],
    });
    await fake.call('cloudwatch', 'SetAlarmState', {
      AlarmName: TEMP,
      StateValue: 'ALARM',
      StateReason: 'x',
    });
    const io = scriptedIO({ json: true });
    await run({ throughAlarm: true }, commandContext(io, { clock: linkedClock(fake) }));
    expect(states(aws).map((s) => s.StateValue)).toEqual(['OK', 'ALARM']);
    expect(io.stderr).toContain(`${TEMP} is ALARM; setting it to OK first (the rule does not send it).`);
    expect(io.resultJson).toMatchObject({ ok: true, temporaryAlarm: { name: TEMP, removed: true } });
  });

  it('deletes the temporary alarm when nothing arrives, and says the permission is missing', async () => {
    const { fake } = mockStack(aws, EVERY);
    const fn = fake.find.function('mission-lambda');
    fn.statements = fn.statements.filter((s) => s.Sid !== 'mission-alarm-events-invoke');
    const io = scriptedIO({ json: true });
    await expect(
      run({ throughAlarm: true }, commandContext(io, { clock: linkedClock(fake) })),
    ).rejects.toMatchObject({
      exitCode: 1,
      message: 'Not delivered: the chain stopped at the permission.',
      hint: 'Re-run alarm-to-slack init --name mission --region ap-northeast-2 --every-alarm to restore it.',
    });
    expect(io.resultJson).toMatchObject({
      through: 'eventbridge',
      waitedMs: 60_000,
      error: expect.stringContaining(
        'EventBridge is not allowed to invoke mission-lambda from mission-alarm-events',
      ),
      temporaryAlarm: { name: TEMP, removed: true },
    });
    expect(deletes()).toEqual([{ AlarmNames: [TEMP] }]);
    expect(fake.state.alarms.has(TEMP)).toBe(false);
  });

  it('says the rule does not target the function when its target is gone', async () => {
    const { fake } = mockStack(aws, EVERY);
    fake.find.rule('mission-alarm-events').targets = [];
    const io = scriptedIO({ json: true });
    await expect(
      run({ throughAlarm: true }, commandContext(io, { clock: linkedClock(fake) })),
    ).rejects.toMatchObject({ message: 'Not delivered: the chain stopped at the rule-target.' });
    expect(fake.state.alarms.has(TEMP)).toBe(false);
  });

  it('deletes the temporary alarm when an AWS call fails while it exists, and throws that error', async () => {
    const { fake } = mockStack(aws, EVERY);
    fake.fail('SetAlarmState', awsError('Throttling', 400, 'Rate exceeded'));
    const io = scriptedIO({ json: true });
    await expect(
      run({ throughAlarm: true }, commandContext(io, { clock: linkedClock(fake) })),
    ).rejects.toMatchObject({ name: 'Throttling', message: 'Rate exceeded' });
    expect(deletes()).toEqual([{ AlarmNames: [TEMP] }]);
    expect(fake.state.alarms.has(TEMP)).toBe(false);
  });

  it('names the alarm left behind when that deletion fails too', async () => {
    const { fake } = mockStack(aws, EVERY);
    fake.fail('SetAlarmState', awsError('Throttling', 400, 'Rate exceeded'));
    fake.fail('DeleteAlarms', awsError('AccessDenied', 403, 'not allowed to cloudwatch:DeleteAlarms'));
    const io = scriptedIO({ json: true });
    await expect(
      run({ throughAlarm: true }, commandContext(io, { clock: linkedClock(fake) })),
    ).rejects.toMatchObject({
      exitCode: 1,
      message: `Throttling: Rate exceeded; deleting it failed too (AccessDenied: not allowed to cloudwatch:DeleteAlarms): CloudWatch alarm ${TEMP} remains`,
    });
    expect(fake.state.alarms.has(TEMP)).toBe(true);
  });

  it('exits 1 saying how to delete it when the deletion after a delivery fails', async () => {
    const { fake } = mockStack(aws, EVERY);
    fake.fail('DeleteAlarms', awsError('AccessDenied', 403, 'no'));
    const io = scriptedIO({ json: true });
    await expect(
      run({ throughAlarm: true }, commandContext(io, { clock: linkedClock(fake) })),
    ).rejects.toMatchObject({
      exitCode: 1,
      message: `Delivered, but the temporary alarm ${TEMP} remains.`,
      hint: `Delete it: \`aws cloudwatch delete-alarms --alarm-names ${TEMP} --region ap-northeast-2\``,
    });
    expect(io.resultJson).toMatchObject({
      ok: false,
      delivered: true,
      temporaryAlarm: { name: TEMP, removed: false },
    });
  });

  it('deletes the temporary alarm and exits 130 on Ctrl-C while waiting', async () => {
    const { fake } = mockStack(aws, EVERY);
    const fn = fake.find.function('mission-lambda');
    fn.statements = fn.statements.filter((s) => s.Sid !== 'mission-alarm-events-invoke');
    const controller = new AbortController();
    const clock = interruptedClock(fake, controller);
    const io = scriptedIO({ json: true });
    await expect(
      run({ throughAlarm: true }, commandContext(io, { signal: controller.signal, clock })),
    ).rejects.toMatchObject({ exitCode: 130 });
    expect(deletes()).toEqual([{ AlarmNames: [TEMP] }]);
    expect(fake.state.alarms.has(TEMP)).toBe(false);
    expect(io.stdout).toEqual([]);
  });

  it('exits 2 before any write when the rule does not send the state asked for', async () => {
    const { fake } = mockStack(aws, EVERY);
    const io = scriptedIO({ json: true });
    await expect(
      run(
        { state: 'INSUFFICIENT_DATA', throughAlarm: true },
        commandContext(io, { clock: linkedClock(fake) }),
      ),
    ).rejects.toMatchObject({
      exitCode: 2,
      message:
        'The rule mission-alarm-events does not send INSUFFICIENT_DATA (it sends states ALARM, OK, prefix prod-): nothing would reach Slack.',
      hint: 'Use --state ALARM, or change the rule with init --every-alarm --states.',
    });
    expect(writes(aws)).toEqual([]);
  });

  it('leaves an alarm of that name alone when it is not tagged for the stack', async () => {
    const { fake } = mockStack(aws, EVERY);
    await fake.call('cloudwatch', 'PutMetricAlarm', {
      AlarmName: TEMP,
      Namespace: 'AWS/EC2',
      MetricName: 'CPUUtilization',
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 90,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    const io = scriptedIO({ json: true });
    await expect(
      run({ throughAlarm: true }, commandContext(io, { clock: linkedClock(fake) })),
    ).rejects.toMatchObject({ exitCode: 1, message: 'Not delivered: the chain stopped at the alarm.' });
    expect(io.resultJson).toMatchObject({ error: expect.stringContaining('is not tagged for this stack') });
    expect(writes(aws)).toEqual([]);
    expect((fake.find.alarm(TEMP).alarm as { MetricName?: string }).MetricName).toBe('CPUUtilization');
  });

  it('stops before any write when the function expects a rule that is gone', async () => {
    const { fake } = mockStack(aws, EVERY);
    fake.state.rules.delete('mission-alarm-events');
    const io = scriptedIO({ json: true });
    await expect(
      run({ throughAlarm: true }, commandContext(io, { clock: linkedClock(fake) })),
    ).rejects.toMatchObject({ exitCode: 1, message: 'Not delivered: the chain stopped at the rule.' });
    expect(io.resultJson).toMatchObject({
      error:
        'The function expects the EventBridge rule mission-alarm-events (its alarmEventsFilter is set), but the rule does not exist.',
    });
    expect(writes(aws)).toEqual([]);
    expect(aws.cloudwatch.commandCalls(SetAlarmStateCommand)).toEqual([]);
  });
});
