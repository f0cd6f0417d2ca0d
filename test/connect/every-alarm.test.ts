import { describe, expect, it } from 'vitest';
import { ACCOUNT, FUNCTION_ARN, REGION } from '../fake-aws/constants.js';
import { seedStack } from '../fake-aws/seed.js';
import { useFakeAws } from '../fake-aws/vitest.js';
import { runCommand } from './harness.js';

/**
 * connect --every-alarm / disconnect --every-alarm: the EventBridge rule, its target and permission,
 * and the function's filter, with the exact inputs and in the order that never loses an alert.
 */
const aws = useFakeAws({ setup: (fake) => void seedStack(fake) });

const RULE = 'mission-alarm-events';
const RULE_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:rule/${RULE}`;
const SID = `${RULE}-invoke`;
const pattern = (states: string[], prefix?: string) =>
  `{"source":["aws.cloudwatch"],"detail-type":["CloudWatch Alarm State Change"],"detail":{"state":{"value":${JSON.stringify(states)}}${prefix ? `,"alarmName":[{"prefix":"${prefix}"}]` : ''}}}`;

type EnvUpdate = { FunctionName: string; Environment: { Variables: Record<string, string> } };
const envUpdates = () => aws.inputs<EnvUpdate>('UpdateFunctionConfiguration');
const variables = () => ({ ...aws.fake.find.function('mission-lambda').config.Environment?.Variables });

describe('connect --every-alarm', () => {
  it('creates the rule, its target and the events permission with the exact inputs, then sets the filter', async () => {
    const before = variables();
    const run = await runCommand('connect', { everyAlarm: true }, { yes: true, json: true });
    expect(run.exitCode, run.message).toBe(0);
    expect(aws.inputs('PutRule')).toStrictEqual([
      {
        Name: RULE,
        EventPattern: pattern(['ALARM', 'OK']),
        State: 'ENABLED',
        Description: 'alarm-to-slack stack mission: CloudWatch alarm state changes to mission-lambda',
        Tags: [{ Key: 'alarm-to-slack:stack', Value: 'mission' }],
      },
    ]);
    expect(aws.inputs('PutTargets')).toStrictEqual([
      { Rule: RULE, Targets: [{ Id: 'mission-lambda', Arn: FUNCTION_ARN }] },
    ]);
    expect(aws.inputs('AddPermission')).toStrictEqual([
      {
        FunctionName: 'mission-lambda',
        StatementId: SID,
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: RULE_ARN,
        SourceAccount: ACCOUNT,
      },
    ]);
    // The filter, last, once the rule delivers; every other variable as it was.
    expect(envUpdates()).toStrictEqual([
      {
        FunctionName: 'mission-lambda',
        Environment: { Variables: { ...before, alarmEventsFilter: '{"states":["ALARM","OK"]}' } },
      },
    ]);
    const writes = aws.writes();
    expect(writes.at(-1)).toBe('UpdateFunctionConfiguration');
    expect(writes.indexOf('PutTargets')).toBeGreaterThan(writes.indexOf('PutRule'));
    expect(writes.filter((w) => w !== 'UpdateFunctionConfiguration').sort()).toEqual([
      'AddPermission',
      'PutRule',
      'PutTargets',
    ]);
    expect(run.json).toMatchObject({
      ok: true,
      everyAlarm: true,
      rule: RULE,
      filter: { states: ['ALARM', 'OK'] },
      steps: [
        { id: 'function', status: 'unchanged' },
        { id: 'alarm-events-rule', status: 'created' },
        { id: 'alarm-events-target', status: 'created' },
        { id: 'alarm-events-permission', status: 'created' },
        { id: 'alarm-events-filter', status: 'updated' },
      ],
    });
    // No alarm is touched.
    expect(writes.filter((w) => /Alarm/.test(w))).toEqual([]);
  });

  it('--prefix and --states go into the pattern and the filter', async () => {
    const run = await runCommand(
      'connect',
      { everyAlarm: true, prefix: 'prod-', states: 'ALARM' },
      { yes: true },
    );
    expect(run.exitCode, run.message).toBe(0);
    expect(aws.inputs<{ EventPattern: string }>('PutRule')[0]?.EventPattern).toBe(
      pattern(['ALARM'], 'prod-'),
    );
    expect(variables().alarmEventsFilter).toBe('{"states":["ALARM"],"prefix":"prod-"}');
    expect(run.stdout).toContain(
      'Every alarm of ap-northeast-2 (states ALARM, prefix prod-) now reaches Slack through the rule mission-alarm-events; no alarm was changed.',
    );
  });

  it('a re-run changes nothing and says so', async () => {
    await runCommand('connect', { everyAlarm: true }, { yes: true });
    aws.clearCalls();
    const run = await runCommand('connect', { everyAlarm: true }, { yes: true, json: true });
    expect(run.exitCode, run.message).toBe(0);
    expect(aws.writes()).toEqual([]);
    expect(run.json).toMatchObject({ ok: true, steps: [] });
    const human = await runCommand('connect', { everyAlarm: true }, { yes: true });
    expect(human.stdout).toMatch(
      /^Nothing to change: every alarm state change of ap-northeast-2 \(states ALARM, OK\)/,
    );
  });

  it('narrowing the states holds the filter to what both rules deliver before the rule changes', async () => {
    seedStack(aws.fake, 'mission', { rule: { states: ['ALARM', 'OK'] } });
    const run = await runCommand('connect', { everyAlarm: true, states: 'ALARM' }, { yes: true });
    expect(run.exitCode, run.message).toBe(0);
    const writes = aws.writes();
    // The filter says ALARM before the rule stops delivering OK (no OK is skipped that nobody delivers).
    expect(envUpdates().map((u) => u.Environment.Variables.alarmEventsFilter)).toEqual([
      '{"states":["ALARM"]}',
    ]);
    expect(writes.indexOf('UpdateFunctionConfiguration')).toBeLessThan(writes.indexOf('PutRule'));
    expect(aws.inputs<{ EventPattern: string }>('PutRule')[0]?.EventPattern).toBe(pattern(['ALARM']));
    // The target and permission were in place already.
    expect(writes.filter((w) => w === 'PutTargets' || w === 'AddPermission')).toEqual([]);
  });

  it('--dry-run shows the rule and permission as plan rows and writes nothing', async () => {
    const run = await runCommand('connect', { everyAlarm: true, dryRun: true }, { json: true });
    expect(run.exitCode, run.message).toBe(0);
    expect(aws.writes()).toEqual([]);
    expect(run.json).toMatchObject({
      dryRun: true,
      plan: [
        { resource: 'EventBridge rule', name: RULE, action: 'create', changes: ['states ALARM, OK'] },
        { resource: 'EventBridge target', name: `${RULE} → mission-lambda`, action: 'create' },
        { resource: 'Lambda permission', name: SID, action: 'create' },
        {
          resource: 'Function filter',
          name: 'mission-lambda alarmEventsFilter',
          action: 'update',
          changes: ['(none) → states ALARM, OK'],
        },
      ],
    });
    const human = await runCommand('connect', { everyAlarm: true, dryRun: true });
    expect(human.stdout).toMatch(/EventBridge rule\s+mission-alarm-events\s+create\s+states ALARM, OK/);
    expect(human.stdout).toContain('Dry run: nothing was changed.');
  });

  it('needs the function: exit 1 saying to run init first, zero writes', async () => {
    seedStack(aws.fake, 'mission', { fn: false });
    const run = await runCommand('connect', { everyAlarm: true }, { yes: true });
    expect(run.exitCode).toBe(1);
    expect(run.message).toContain(
      'There is no function mission-lambda in ap-northeast-2 for the rule to deliver to: run init first.',
    );
    expect(run.message).toContain('alarm-to-slack init --name mission --region ap-northeast-2 --every-alarm');
    expect(aws.writes()).toEqual([]);
  });

  it('without a TTY and without --yes: exit 2, nothing changed', async () => {
    const run = await runCommand('connect', { everyAlarm: true });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/EventBridge rule\s+mission-alarm-events\s+create/);
    expect(aws.writes()).toEqual([]);
  });

  it('a failing step undoes what this run did', async () => {
    const { awsError } = await import('../fake-aws/errors.js');
    aws.fake.failAlways('lambda.AddPermission', awsError('AccessDeniedException', 403, 'not allowed'));
    const run = await runCommand('connect', { everyAlarm: true }, { yes: true, json: true });
    expect(run.exitCode).toBe(1);
    expect(aws.fake.state.rules.has(RULE)).toBe(false);
    expect(variables().alarmEventsFilter).toBeUndefined();
    expect(run.message).toContain(
      'connect --every-alarm failed at Lambda permission for EventBridge: AccessDeniedException',
    );
  });
});

describe('disconnect --every-alarm', () => {
  it('clears the filter first, then RemoveTargets, DeleteRule and RemovePermission, with the exact inputs', async () => {
    seedStack(aws.fake, 'mission', { rule: { states: ['ALARM', 'OK'], prefix: 'prod-' } });
    const before = variables();
    const run = await runCommand('disconnect', { everyAlarm: true }, { yes: true, json: true });
    expect(run.exitCode, run.message).toBe(0);
    expect(aws.writes()).toEqual([
      'UpdateFunctionConfiguration',
      'RemoveTargets',
      'DeleteRule',
      'RemovePermission',
    ]);
    const { alarmEventsFilter: _, ...rest } = before;
    expect(envUpdates()).toStrictEqual([
      { FunctionName: 'mission-lambda', Environment: { Variables: rest } },
    ]);
    expect(aws.inputs('RemoveTargets')).toStrictEqual([{ Rule: RULE, Ids: ['mission-lambda'] }]);
    expect(aws.inputs('DeleteRule')).toStrictEqual([{ Name: RULE }]);
    expect(aws.inputs('RemovePermission')).toStrictEqual([
      { FunctionName: 'mission-lambda', StatementId: SID },
    ]);
    expect(aws.fake.state.rules.has(RULE)).toBe(false);
    expect(run.json).toMatchObject({
      ok: true,
      steps: [
        { id: 'alarm-events-filter', status: 'updated' },
        { id: 'alarm-events-rule', status: 'updated' },
        { id: 'alarm-events-permission', status: 'updated' },
      ],
    });
    expect(run.stderr).toContain('✔ EventBridge rule mission-alarm-events and its targets — removed');
  });

  it('stops at the first failure and removes nothing after it', async () => {
    seedStack(aws.fake, 'mission', { rule: { states: ['ALARM', 'OK'] } });
    const { awsError } = await import('../fake-aws/errors.js');
    aws.fake.failAlways('eventbridge.DeleteRule', awsError('AccessDeniedException', 403, 'no'));
    const run = await runCommand('disconnect', { everyAlarm: true }, { yes: true });
    expect(run.exitCode).toBe(1);
    expect(aws.writes()).toEqual(['UpdateFunctionConfiguration', 'RemoveTargets', 'DeleteRule']);
    // The rule delivers nothing any more and the filter is none: every SNS copy is posted.
    expect(variables().alarmEventsFilter).toBeUndefined();
  });

  it('with no rule, no filter and no permission: nothing to do, no write', async () => {
    const run = await runCommand('disconnect', { everyAlarm: true }, { yes: true });
    expect(run.exitCode, run.message).toBe(0);
    expect(run.stdout).toBe(
      'Nothing to disconnect: the stack mission has no every-alarm rule in ap-northeast-2.',
    );
    expect(aws.writes()).toEqual([]);
  });

  it('--every-alarm with names is refused before any call (exit 2)', async () => {
    const run = await runCommand('disconnect', { everyAlarm: true, alarms: ['x'] }, { yes: true });
    expect(run.exitCode).toBe(2);
    expect(aws.calls()).toEqual([]);
  });
});
