import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  GetFunctionEventInvokeConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
} from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  ALARM_ARN,
  BASIC,
  FUNCTION_ARN,
  KEY_ARN,
  KEY_ID,
  LOG_GROUP,
  LOG_GROUP_ARN,
  REGION,
  ROLE_ARN,
  STACK_TAG,
  SUB_ARN,
  TOPIC_ARN,
  WEBHOOK,
} from './constants.js';
import { seedStack } from './seed.js';
import {
  type ForeignAlarm,
  seedAlarm,
  seedEventInvokeConfig,
  seedMapping,
  seedQueue,
  seedRule,
} from './seed-extras.js';
import { type Owner, type StackSpec, stackResources, stackSpec } from './seed-spec.js';
import type { SubscriptionRecord } from './types.js';
import { useFakeAws } from './vitest.js';

const aws = useFakeAws();
const lambda = new LambdaClient({ region: REGION });

describe('seedStack', () => {
  it('puts the complete stack `mission` with the exported ARNs, every resource tagged for it', async () => {
    const seeded = seedStack(aws.fake);
    expect(seeded).toMatchObject({
      topicArn: TOPIC_ARN,
      keyArn: KEY_ARN,
      roleArn: ROLE_ARN,
      functionArn: FUNCTION_ARN,
      alarmArn: ALARM_ARN,
    });
    const s = aws.fake.state;
    const ours = { [STACK_TAG]: 'mission' };
    for (const tags of [
      s.topics.get(TOPIC_ARN)?.tags,
      s.keys.get(KEY_ID)?.tags,
      s.roles.get('mission-lambda-role')?.tags,
      s.logGroups.get(LOG_GROUP)?.tags,
      s.functions.get('mission-lambda')?.tags,
      s.alarms.get('mission-cpu-alarm')?.tags,
    ])
      expect(tags).toEqual(ours);
    expect(s.aliases.get('alias/mission-kms-key')).toBe(KEY_ID);
    expect(aws.fake.find.role('mission-lambda-role').attached).toEqual([BASIC]);
    expect([...aws.fake.find.role('mission-lambda-role').inline.keys()]).toEqual([
      'mission-kms-decrypt',
      'mission-undelivered-queue',
    ]);
    const r = stackResources(aws.fake);
    const queue = aws.fake.find.queue(r.queueName);
    expect(queue.tags).toEqual(ours);
    expect(queue.messages).toEqual([]);
    expect(
      await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'mission-lambda' })),
    ).toMatchObject({ DestinationConfig: { OnFailure: { Destination: r.queueArn } } });
    const mappings = await lambda.send(
      new ListEventSourceMappingsCommand({ FunctionName: 'mission-lambda' }),
    );
    expect(mappings.EventSourceMappings).toEqual([
      expect.objectContaining({ UUID: r.mappingUuid, State: 'Enabled', EventSourceArn: r.queueArn }),
    ]);
    expect(s.rules.size).toBe(0);
    const sub: SubscriptionRecord | undefined = s.subscriptions.get(SUB_ARN);
    expect(sub).toEqual({ topicArn: TOPIC_ARN, protocol: 'lambda', endpoint: FUNCTION_ARN });
    expect(seeded.logGroupArn).toBe(LOG_GROUP_ARN);
    expect(aws.fake.find.logGroup(LOG_GROUP).retention).toBe(30);
  });

  it("is stackSpec's complete stack unless told otherwise", () => {
    const spec = stackSpec(aws.fake);
    expect(seedStack(aws.fake).spec).toEqual(spec);
    expect(spec).toMatchObject({
      permission: 'scoped',
      keyState: 'Enabled',
      alarmState: 'OK',
      retentionDays: 30,
      kmsKeyArn: KEY_ARN,
    });
  });

  it.each<Owner>(['ours', 'other', 'untagged'])('tags every resource for its owner: %s', (owner) => {
    const spec: Partial<StackSpec> = {
      topic: owner,
      key: owner,
      role: owner,
      logGroup: owner,
      fn: owner,
      alarm: owner,
    };
    seedStack(aws.fake, 'mission', spec);
    const expected =
      owner === 'ours' ? { [STACK_TAG]: 'mission' } : owner === 'other' ? { [STACK_TAG]: 'payments' } : {};
    const s = aws.fake.state;
    expect([
      s.topics.get(TOPIC_ARN)?.tags,
      s.keys.get(KEY_ID)?.tags,
      s.roles.get('mission-lambda-role')?.tags,
      s.logGroups.get(LOG_GROUP)?.tags,
      s.functions.get('mission-lambda')?.tags,
      s.alarms.get('mission-cpu-alarm')?.tags,
    ]).toEqual(Array(6).fill(expected));
  });

  it("the function's ciphertext decrypts to the webhook URL under its EncryptionContext, pinned to the key", async () => {
    seedStack(aws.fake);
    const ciphertext =
      aws.fake.find.function('mission-lambda').config.Environment.Variables.kmsEncryptedHookUrl ?? '';
    const out = await new KMSClient({ region: REGION }).send(
      new DecryptCommand({
        CiphertextBlob: Buffer.from(ciphertext, 'base64'),
        EncryptionContext: { LambdaFunctionName: 'mission-lambda' },
        KeyId: KEY_ARN,
      }),
    );
    expect(new TextDecoder().decode(out.Plaintext)).toBe(WEBHOOK);
  });

  it("varies each resource by the spec: missing, another stack's, untagged, states and details", async () => {
    seedStack(aws.fake, 'mission', {
      topic: false,
      key: 'other',
      keyState: 'PendingDeletion',
      role: 'untagged',
      decrypt: undefined,
      queuePolicy: undefined,
      logGroup: false,
      retentionDays: undefined,
      runtime: 'nodejs20.x',
      kmsKeyArn: undefined,
      permission: 'unscoped',
      alarmState: 'ALARM',
      okActions: [],
    });
    const s = aws.fake.state;
    expect(s.topics.size + s.logGroups.size + s.subscriptions.size).toBe(0);
    expect(aws.fake.find.key(KEY_ID)).toMatchObject({
      state: 'PendingDeletion',
      tags: { [STACK_TAG]: 'payments' },
    });
    expect(aws.fake.find.key(KEY_ID).deletionDate).toEqual(new Date(aws.fake.now() + 7 * 86_400_000));
    expect(aws.fake.find.role('mission-lambda-role')).toMatchObject({ tags: {}, inline: new Map() });
    const fn = aws.fake.find.function('mission-lambda');
    expect(fn.config.Runtime).toBe('nodejs20.x');
    expect(fn.config.KMSKeyArn).toBeUndefined();
    const policy = JSON.parse(
      (await lambda.send(new GetPolicyCommand({ FunctionName: 'mission-lambda' }))).Policy ?? '{}',
    );
    expect(policy.Statement[0].Condition).toBeUndefined();
    expect(aws.fake.find.alarm('mission-cpu-alarm').alarm).toMatchObject({
      StateValue: 'ALARM',
      OKActions: [],
    });
  });

  it('seeds another stack beside it, and re-seeding replaces only that stack', () => {
    seedStack(aws.fake);
    const other = seedStack(aws.fake, 'payments', { alarm: false });
    expect(other).toMatchObject(stackResources(aws.fake, 'payments'));
    expect(other.keyId).not.toBe(KEY_ID);
    seedStack(aws.fake, 'mission', { subscriptions: [] });
    expect(
      [...aws.fake.state.subscriptions.values()]
        .filter((x) => x.protocol === 'lambda')
        .map((x) => x.topicArn),
    ).toEqual([other.topicArn]);
    expect(aws.fake.state.functions.size).toBe(2);
  });
});

describe('the other seeds', () => {
  it("foreign alarms of every kind, through the fake's own PutMetricAlarm / PutCompositeAlarm", async () => {
    const alarms: ForeignAlarm[] = (['metric', 'extended', 'math', 'anomaly'] as const).map((kind) => ({
      kind,
      name: `x-${kind}`,
    }));
    for (const alarm of alarms) await seedAlarm(aws.fake, alarm);
    const arn = await seedAlarm(aws.fake, {
      kind: 'composite',
      name: 'x-composite',
      state: 'ALARM',
      tags: { team: 'ops' },
    });
    expect(arn).toBe(`arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:x-composite`);
    expect(aws.fake.find.alarm('x-composite')).toMatchObject({
      type: 'CompositeAlarm',
      tags: { team: 'ops' },
      alarm: { StateValue: 'ALARM', AlarmRule: 'ALARM("x-metric")' },
    });
    expect([...aws.fake.state.alarms.values()].map((a) => a.type)).toEqual([
      'MetricAlarm',
      'MetricAlarm',
      'MetricAlarm',
      'MetricAlarm',
      'CompositeAlarm',
    ]);
  });

  it('a queue with messages, an invoke config, a mapping, and a rule with targets and the permission', async () => {
    seedStack(aws.fake, 'mission', { queue: false, invokeConfig: false, mapping: false });
    const q = await seedQueue(aws.fake, 'undelivered', {
      messages: 3,
      attributes: { VisibilityTimeout: '90' },
    });
    expect(aws.fake.find.queue('undelivered').messages.map((m) => m.body)).toEqual([
      '{"seeded":1}',
      '{"seeded":2}',
      '{"seeded":3}',
    ]);
    seedEventInvokeConfig(aws.fake, 'mission-lambda', { onFailure: q.arn, maximumRetryAttempts: 0 });
    expect(
      await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'mission-lambda' })),
    ).toMatchObject({
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: q.arn } },
    });
    const uuid = seedMapping(aws.fake, { functionName: 'mission-lambda', queueArn: q.arn });
    const listed = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'mission-lambda' }));
    expect(listed.EventSourceMappings).toEqual([
      expect.objectContaining({ UUID: uuid, State: 'Enabled', EventSourceArn: q.arn }),
    ]);
    const ruleArn = await seedRule(aws.fake, {
      name: 'every-alarm',
      targets: [{ id: 'fn', arn: FUNCTION_ARN }],
      permitFunction: 'mission-lambda',
    });
    expect(aws.fake.find.rule('every-alarm').targets).toEqual([
      expect.objectContaining({ Id: 'fn', Arn: FUNCTION_ARN }),
    ]);
    expect(aws.fake.find.function('mission-lambda').statements.at(-1)).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Condition: { ArnLike: { 'AWS:SourceArn': ruleArn } },
    });
  });
});
