import { describe, expect, it } from 'vitest';
import { discoverStack } from '../../src/actions/discover-stack.js';
import { createAwsClients } from '../../src/aws/clients.js';
import type { Clock } from '../../src/clock.js';
import type { CommandContext } from '../../src/commands/context.js';
import { run as init } from '../../src/commands/init.js';
import { run as status } from '../../src/commands/status.js';
import { run as teardown } from '../../src/commands/teardown.js';
import { run as test } from '../../src/commands/test.js';
import { stackNames } from '../../src/names.js';
import { createStackContext } from '../../src/resources/context.js';
import { type ScriptedIO, scriptedIO } from '../helpers/io.js';
import { ACCOUNT, DELETION_DATE, KEY_ID, REGION, SUB_ARN, TOPIC_ARN, WEBHOOK } from './constants.js';
import { seedStack } from './seed.js';
import { useFakeAws } from './vitest.js';

/**
 * The product's own commands against the fake: what init, test, teardown and status tests will run
 * on once migrated. Waits are the fake's clock (the injected sleep advances it).
 */
const aws = useFakeAws();

/** The command's clock is the fake's: a sleep advances the fake's time. */
const clock = (): Clock => {
  let ids = 0;
  return {
    now: () => aws.fake.now(),
    sleep: async (ms) => aws.fake.advance(ms),
    random: () => 0,
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  };
};

function context(io: ScriptedIO): CommandContext {
  return {
    globals: { name: 'mission', region: REGION, json: io.json, yes: true, color: false, debug: false },
    io,
    env: {},
    signal: new AbortController().signal,
    clock: clock(),
    connect: async () => ({ region: REGION, clients: createAwsClients({ region: REGION }) }),
  };
}
const doc = (io: ScriptedIO) => io.resultJson as Record<string, unknown>;

describe('the product against the fake', () => {
  it('discovers a seeded stack as complete', async () => {
    seedStack(aws.fake);
    const ctx = createStackContext({
      clients: createAwsClients({ region: REGION }),
      names: stackNames('mission'),
      region: REGION,
      account: ACCOUNT,
      partition: 'aws',
      clock: clock(),
    });
    const found = await discoverStack(ctx);
    expect(found.topic?.tags).toEqual({ 'alarm-to-slack:stack': 'mission' });
    expect(found.key).toMatchObject({ keyId: KEY_ID, state: 'Enabled' });
    expect(found.role?.attachedPolicyArns).toHaveLength(1);
    expect(found.logGroup?.retentionDays).toBe(30);
    expect(found.permissions).toEqual([
      expect.objectContaining({ sourceArn: TOPIC_ARN, sourceAccount: ACCOUNT }),
    ]);
    expect(found.subscriptions.map((s) => s.arn)).toEqual([SUB_ARN]);
    expect(found.alarm?.alarmActions).toEqual([TOPIC_ARN]);
  });

  it('status: a seeded stack is healthy with 3 invocations; a broken one lists its problems', async () => {
    seedStack(aws.fake);
    const io = scriptedIO({ json: true });
    await status({}, context(io));
    expect(doc(io)).toMatchObject({ ok: true, problems: [], metrics: { invocations: 3, errors: 0 } });
    seedStack(aws.fake, 'mission', {
      keyState: 'PendingDeletion',
      permission: 'unscoped',
      retentionDays: undefined,
    });
    const broken = scriptedIO({ json: true });
    await expect(status({}, context(broken))).rejects.toMatchObject({ exitCode: 1 });
    const problems = (doc(broken).problems as Array<{ resource: string }>).map((p) => p.resource);
    expect(problems).toEqual(expect.arrayContaining(['KMS key', 'Lambda permission', 'Log group']));
  });

  it('init builds the stack, a re-run changes nothing, test sends through the alarm, teardown removes it all', async () => {
    const first = scriptedIO({ json: true });
    await init(
      { webhookUrl: WEBHOOK, instanceId: 'i-0123456789abcdef0', channel: '#ops', verifyWebhook: false },
      context(first),
    );
    expect(doc(first)).toMatchObject({ ok: true });
    expect(
      aws.fake.plaintextOf(
        aws.fake.find.function('mission-lambda').config.Environment.Variables.kmsEncryptedHookUrl ?? '',
      ),
    ).toBe(WEBHOOK);
    aws.clearCalls();
    const again = scriptedIO({ json: true });
    await init(
      { webhookUrl: WEBHOOK, instanceId: 'i-0123456789abcdef0', channel: '#ops', verifyWebhook: false },
      context(again),
    );
    expect(aws.writes()).toEqual([]);

    const through = scriptedIO({ json: true });
    await test({ state: 'ALARM', throughAlarm: true }, context(through));
    expect(doc(through)).toMatchObject({ ok: true, delivered: true, restoredToOk: true });
    expect(aws.fake.find.alarm('mission-cpu-alarm').alarm.StateValue).toBe('OK');

    const removed = scriptedIO({ json: true });
    await teardown({ pendingWindow: '7' }, context(removed));
    expect(doc(removed)).toMatchObject({ ok: true, failed: [], skipped: [] });
    const left = aws.fake.snapshot();
    expect(Object.values(left.keys ?? {})).toEqual([expect.objectContaining({ state: 'PendingDeletion' })]);
    expect({ ...left, keys: {} }).toEqual({
      topics: {},
      subscriptions: {},
      keys: {},
      aliases: {},
      roles: {},
      logGroups: {},
      functions: {},
      alarms: {},
      queues: {},
      rules: {},
      mappings: {},
    });
  });

  it('teardown of a seeded stack reports the deletion date and skips what another stack owns', async () => {
    seedStack(aws.fake, 'mission', { topic: 'other' });
    const io = scriptedIO({ json: true });
    await teardown({ pendingWindow: '7' }, context(io));
    expect(doc(io)).toMatchObject({
      ok: true,
      keyDeletionDate: DELETION_DATE.toISOString(),
      skipped: [expect.objectContaining({ resource: 'SNS topic' })],
    });
    expect(aws.fake.state.topics.has(TOPIC_ARN)).toBe(true);
    expect(aws.fake.state.functions.size).toBe(0);
  });
});
