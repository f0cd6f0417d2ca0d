import { createHash } from 'node:crypto';
import { STACK, STACK_TAG } from './constants.js';
import type { FakeAws } from './core.js';
import { type Owner, type StackSpec, stackResources, stackSpec } from './seed-spec.js';
import { makeCiphertext } from './services/kms.js';
import type { FunctionConfig, FunctionRecord, PolicyStatement, Tags } from './types.js';

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
      inline: new Map([
        ...(s.decrypt ? [[r.policyName, JSON.stringify(s.decrypt)] as [string, string]] : []),
        ...(s.queuePolicy ? [[r.queuePolicyName, JSON.stringify(s.queuePolicy)] as [string, string]] : []),
      ]),
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
  if (s.queue) seedQueueOf(fake, s, s.queue, r);
  if (s.fn) seedFunction(fake, s, s.fn, r);
  if (s.alarm) seedCpuAlarm(fake, s, s.alarm, r);
  if (s.mapping && s.queue) seedMappingOf(fake, s, s.mapping, r);
  if (s.rule) seedRuleOf(fake, s, s.rule, r);
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
  state.queues.delete(r.queueName);
  state.rules.delete(r.ruleName);
  for (const [uuid, m] of state.mappings) if (m.FunctionArn === r.functionArn) state.mappings.delete(uuid);
  state.metrics = state.metrics.filter((m) => m.dimensions.FunctionName !== r.functionName);
}

/** The undelivered-alert queue as init creates it, with `queueMessages` alerts waiting. */
function seedQueueOf(fake: FakeAws, s: StackSpec, owner: Owner, r: ReturnType<typeof stackResources>): void {
  const now = fake.now();
  fake.state.queues.set(r.queueName, {
    name: r.queueName,
    url: r.queueUrl,
    arn: r.queueArn,
    attributes: {
      VisibilityTimeout: '90',
      MessageRetentionPeriod: '1209600',
      DelaySeconds: '0',
      MaximumMessageSize: '262144',
      ReceiveMessageWaitTimeSeconds: '0',
      SqsManagedSseEnabled: 'true',
      ...s.queueAttributes,
    },
    tags: tagsOf(owner, r.name),
    createdAt: now,
    modifiedAt: now,
    messages: Array.from({ length: s.queueMessages }, (_, i) => {
      const body = JSON.stringify({ seeded: i + 1 });
      return {
        id: `00000000-5eed-4000-8000-${String(i + 1).padStart(12, '0')}`,
        body,
        md5: createHash('md5').update(body).digest('hex'),
        sentAt: now - (i + 1) * 60_000,
        visibleAt: now,
        receiveCount: 0,
      };
    }),
  });
}

/** The mapping that drains the queue into the function, as init creates it. */
function seedMappingOf(
  fake: FakeAws,
  s: StackSpec,
  owner: Owner,
  r: ReturnType<typeof stackResources>,
): void {
  const UUID = r.mappingUuid;
  fake.state.mappings.set(UUID, {
    UUID,
    BatchSize: 5,
    MaximumBatchingWindowInSeconds: 0,
    EventSourceArn: r.queueArn,
    FunctionArn: r.functionArn,
    LastModified: new Date(fake.now()),
    State: s.mappingState,
    StateTransitionReason: 'USER_INITIATED',
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    ScalingConfig: { MaximumConcurrency: 2 },
    EventSourceMappingArn: `arn:${fake.partition}:lambda:${fake.region}:${fake.account}:event-source-mapping:${UUID}`,
    Enabled: s.mappingState === 'Enabled',
    LastProcessingResult: 'No records processed',
    tags: tagsOf(owner, r.name),
  });
}

/** The every-alarm rule with our pattern, targeting the function. */
function seedRuleOf(
  fake: FakeAws,
  s: StackSpec,
  rule: { states: string[]; prefix?: string },
  r: ReturnType<typeof stackResources>,
): void {
  const detail = {
    state: { value: rule.states },
    ...(rule.prefix ? { alarmName: [{ prefix: rule.prefix }] } : {}),
  };
  fake.state.rules.set(r.ruleName, {
    name: r.ruleName,
    arn: r.ruleArn,
    eventBusName: 'default',
    eventPattern: JSON.stringify({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail,
    }),
    state: 'ENABLED',
    description: `alarm-to-slack stack ${r.name}: CloudWatch alarm state changes to ${r.functionName}`,
    tags: tagsOf('ours', r.name),
    targets: [{ Id: r.functionName, Arn: r.functionArn }],
  });
  void s;
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
        ...(s.queue ? { undeliveredQueueUrl: r.queueUrl } : {}),
        ...(s.rule
          ? {
              alarmEventsFilter: JSON.stringify({
                states: s.rule.states,
                ...(s.rule.prefix ? { prefix: s.rule.prefix } : {}),
              }),
            }
          : {}),
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
  if (s.rule)
    statements.push({
      Sid: `${r.ruleName}-invoke`,
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: r.functionArn,
      Condition: {
        StringEquals: { 'AWS:SourceAccount': fake.account },
        ArnLike: { 'AWS:SourceArn': r.ruleArn },
      },
    });
  const fn: FunctionRecord = { config, tags: tagsOf(owner, r.name), statements };
  if (s.invokeConfig && s.queue)
    fn.invokeConfigs = {
      $LATEST: {
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 21600,
        DestinationConfig: { OnFailure: { Destination: r.queueArn } },
        LastModified: new Date(fake.now()),
      },
    };
  fake.state.functions.set(r.functionName, fn);
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
