import { STACK, STACK_TAG } from './constants.js';
import type { FakeAws } from './core.js';
import { type Owner, type StackSpec, stackResources, stackSpec } from './seed-spec.js';
import { makeCiphertext } from './services/kms.js';
import type { FunctionConfig, PolicyStatement, Tags } from './types.js';

/**
 * A deployed stack put straight into the fake's state: the resources `init` creates for stack
 * `name`, each varied by a StackSpec (present or missing, tagged for this stack, another one or not
 * at all, and the details status checks). The function's environment holds a ciphertext that the
 * fake's Decrypt turns back into `webhookUrl` under the EncryptionContext {LambdaFunctionName}.
 */
const tagsOf = (owner: Owner, stack: string): Tags =>
  owner === 'ours' ? { [STACK_TAG]: stack } : owner === 'other' ? { [STACK_TAG]: 'payments' } : {};

/**
 * Puts the stack `name` into the fake, as `spec` (the complete stack, with `overrides`) says; what the
 * fake held of that stack before (same names, its subscriptions, the key its alias named) is replaced.
 */
export function seedStack(fake: FakeAws, name = STACK, overrides: Partial<StackSpec> = {}) {
  const s: StackSpec = { ...stackSpec(fake, name), ...overrides };
  const r = stackResources(fake, name);
  const { state } = fake;
  const now = fake.now();
  forget(fake, r);
  const keyArn = `arn:${fake.partition}:kms:${fake.region}:${fake.account}:key/${s.keyId}`;
  if (s.topic) state.topics.set(r.topicArn, { tags: tagsOf(s.topic, name), attributes: { DisplayName: '' } });
  if (s.topic)
    for (const arn of s.subscriptions)
      state.subscriptions.set(arn, { topicArn: r.topicArn, protocol: 'lambda', endpoint: r.functionArn });
  if (s.topic)
    for (const f of s.foreignSubscriptions)
      state.subscriptions.set(f.arn, { topicArn: r.topicArn, protocol: f.protocol, endpoint: f.endpoint });
  if (s.key) {
    state.keys.set(s.keyId, {
      arn: keyArn,
      state: s.keyState,
      description: `alarm-to-slack: encrypts the Slack webhook URL of stack "${name}"`,
      tags: tagsOf(s.key, name),
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'Enable IAM User Permissions',
            Effect: 'Allow',
            Principal: { AWS: `arn:${fake.partition}:iam::${fake.account}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
        ],
      }),
      creationDate: new Date('2026-11-20T09:00:00.000Z'),
      ...(s.keyState === 'PendingDeletion' ? { deletionDate: new Date(now + 7 * 86_400_000) } : {}),
    });
    state.aliases.set(r.alias, s.keyId);
  }
  if (s.role)
    state.roles.set(r.roleName, {
      arn: r.roleArn,
      trust: JSON.stringify(s.trust),
      attached: [...s.attached],
      inline: new Map(s.decrypt ? [[r.policyName, JSON.stringify(s.decrypt)]] : []),
      tags: tagsOf(s.role, name),
      description: `alarm-to-slack: execution role of the Slack notifier function of stack "${name}"`,
      createDate: new Date('2026-11-20T09:00:00.000Z'),
    });
  if (s.logGroup)
    state.logGroups.set(r.logGroup, {
      retention: s.retentionDays,
      tags: tagsOf(s.logGroup, name),
      events: [],
      creationTime: now,
    });
  if (s.fn) seedFunction(fake, s, s.fn, r);
  if (s.alarm) seedCpuAlarm(fake, s, s.alarm, r);
  const hour = 3_600_000;
  for (const [metricName, values] of [
    ['Invocations', s.metrics.invocations],
    ['Errors', s.metrics.errors],
  ] as const)
    for (const [i, value] of values.entries())
      state.metrics.push({
        namespace: 'AWS/Lambda',
        metricName,
        dimensions: { FunctionName: r.functionName },
        timestamp: now - (i + 1) * hour,
        value,
      });
  return { ...r, keyId: s.keyId, keyArn, spec: s };
}

function forget(fake: FakeAws, r: ReturnType<typeof stackResources>): void {
  const { state } = fake;
  state.topics.delete(r.topicArn);
  for (const [arn, sub] of state.subscriptions)
    if (sub.topicArn === r.topicArn || sub.endpoint === r.functionArn) state.subscriptions.delete(arn);
  const keyId = state.aliases.get(r.alias);
  if (keyId !== undefined) state.keys.delete(keyId);
  state.aliases.delete(r.alias);
  state.roles.delete(r.roleName);
  state.logGroups.delete(r.logGroup);
  state.functions.delete(r.functionName);
  state.alarms.delete(r.alarmName);
  state.metrics = state.metrics.filter((m) => m.dimensions.FunctionName !== r.functionName);
}

function seedFunction(fake: FakeAws, s: StackSpec, owner: Owner, r: ReturnType<typeof stackResources>): void {
  const context = { LambdaFunctionName: r.functionName };
  const ciphertext = Buffer.from(
    makeCiphertext(s.keyId, new TextEncoder().encode(s.webhookUrl), context, 0),
  ).toString('base64');
  const config: FunctionConfig = {
    FunctionName: r.functionName,
    FunctionArn: r.functionArn,
    Runtime: s.runtime as FunctionConfig['Runtime'],
    Role: r.roleArn,
    Handler: 'index.handler',
    CodeSize: 4096,
    Description: `Posts CloudWatch alarms from ${r.name}-sns to Slack (alarm-to-slack stack ${r.name})`,
    Timeout: s.timeout,
    MemorySize: 128,
    LastModified: s.lastModified,
    CodeSha256: 'c2VlZGVkLWNvZGUtc2hhMjU2LW9mLXRoZS1ub3RpZmllcg==',
    Version: '$LATEST',
    Environment: {
      Variables: {
        kmsEncryptedHookUrl: ciphertext,
        ...(s.channel ? { slackChannel: s.channel } : {}),
        ...(s.mention ? { slackMention: s.mention } : {}),
      },
    },
    ...(s.kmsKeyArn ? { KMSKeyArn: s.kmsKeyArn } : {}),
    TracingConfig: { Mode: 'PassThrough' },
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: ['x86_64'],
    EphemeralStorage: { Size: 512 },
    LoggingConfig: { LogFormat: 'Text', LogGroup: r.logGroup },
  };
  const statements: PolicyStatement[] =
    s.permission === 'none'
      ? []
      : [
          {
            Sid: r.permissionSid,
            Effect: 'Allow',
            Principal: { Service: 'sns.amazonaws.com' },
            Action: 'lambda:InvokeFunction',
            Resource: r.functionArn,
            ...(s.permission === 'scoped'
              ? {
                  Condition: {
                    StringEquals: { 'AWS:SourceAccount': fake.account },
                    ArnLike: { 'AWS:SourceArn': r.topicArn },
                  },
                }
              : {}),
          },
        ];
  fake.state.functions.set(r.functionName, { config, tags: tagsOf(owner, r.name), statements });
}

function seedCpuAlarm(fake: FakeAws, s: StackSpec, owner: Owner, r: ReturnType<typeof stackResources>): void {
  const at = new Date('2026-11-20T09:12:30.000Z');
  fake.state.alarms.set(r.alarmName, {
    type: 'MetricAlarm',
    tags: tagsOf(owner, r.name),
    alarm: {
      AlarmName: r.alarmName,
      AlarmArn: r.alarmArn,
      AlarmDescription: s.alarmDescription,
      AlarmConfigurationUpdatedTimestamp: at,
      ActionsEnabled: true,
      OKActions: [...s.okActions],
      AlarmActions: [...s.alarmActions],
      InsufficientDataActions: [],
      StateValue: s.alarmState,
      StateReason: 'Threshold Crossed',
      StateUpdatedTimestamp: at,
      StateTransitionedTimestamp: at,
      MetricName: 'CPUUtilization',
      Namespace: 'AWS/EC2',
      Statistic: 'Average',
      Dimensions: [{ Name: 'InstanceId', Value: s.instanceId }],
      Period: s.period,
      EvaluationPeriods: s.evaluationPeriods,
      Threshold: s.threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'missing',
    },
  });
}
