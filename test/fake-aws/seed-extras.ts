import type { StateValue } from '@aws-sdk/client-cloudwatch';
import type { FakeAws } from './core.js';
import type { MappingRecord, Tags } from './types.js';

/**
 * Optional seeds beside the stack: alarms that are not the stack's (a plain metric alarm, one on an
 * extended statistic, metric math, an anomaly band, a composite), a queue with messages, an event
 * invoke config, an SQS event source mapping, and an EventBridge rule with targets and the function
 * permission that lets EventBridge invoke it. Alarms, queues and rules go through the fake's own
 * PutMetricAlarm / CreateQueue / PutRule (so they are as AWS would hold them); the invoke config and
 * the mapping are written directly (no role needs SQS permissions for a seed).
 */
type ForeignAlarmKind = 'metric' | 'extended' | 'math' | 'anomaly' | 'composite';

export interface ForeignAlarm {
  kind: ForeignAlarmKind;
  name: string;
  state?: StateValue;
  alarmActions?: string[];
  okActions?: string[];
  tags?: Tags;
  /** For a composite alarm: its rule (default: ALARM of the first metric alarm in the account). */
  rule?: string;
}

const metric = (name: string) => ({
  Namespace: 'AWS/EC2',
  MetricName: name,
  Dimensions: [{ Name: 'InstanceId', Value: 'i-0fedcba9876543210' }],
});

export async function seedAlarm(fake: FakeAws, a: ForeignAlarm): Promise<string> {
  const common = {
    AlarmName: a.name,
    AlarmActions: a.alarmActions ?? [],
    OKActions: a.okActions ?? [],
    ...(a.tags ? { Tags: Object.entries(a.tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
  };
  const single = {
    ...metric('CPUUtilization'),
    Period: 300,
    EvaluationPeriods: 2,
    Threshold: 80,
    ComparisonOperator: 'GreaterThanThreshold',
  };
  if (a.kind === 'metric')
    await fake.call('cloudwatch', 'PutMetricAlarm', { ...common, ...single, Statistic: 'Average' });
  if (a.kind === 'extended')
    await fake.call('cloudwatch', 'PutMetricAlarm', { ...common, ...single, ExtendedStatistic: 'p99' });
  if (a.kind === 'math')
    await fake.call('cloudwatch', 'PutMetricAlarm', {
      ...common,
      EvaluationPeriods: 1,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
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
    });
  if (a.kind === 'anomaly')
    await fake.call('cloudwatch', 'PutMetricAlarm', {
      ...common,
      EvaluationPeriods: 3,
      ComparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold',
      ThresholdMetricId: 'band',
      Metrics: [
        {
          Id: 'cpu',
          MetricStat: { Metric: metric('CPUUtilization'), Period: 300, Stat: 'Average' },
          ReturnData: true,
        },
        { Id: 'band', Expression: 'ANOMALY_DETECTION_BAND(cpu, 2)', ReturnData: true },
      ],
    });
  if (a.kind === 'composite') {
    const first =
      [...fake.state.alarms.values()].find((x) => x.type === 'MetricAlarm')?.alarm.AlarmName ?? 'none';
    await fake.call('cloudwatch', 'PutCompositeAlarm', {
      ...common,
      AlarmRule: a.rule ?? `ALARM("${first}")`,
    });
  }
  if (a.state)
    await fake.call('cloudwatch', 'SetAlarmState', {
      AlarmName: a.name,
      StateValue: a.state,
      StateReason: 'seeded',
    });
  return fake.find.alarm(a.name).alarm.AlarmArn ?? '';
}

export async function seedQueue(
  fake: FakeAws,
  name: string,
  opts: { messages?: number | string[]; attributes?: Record<string, string>; tags?: Tags } = {},
): Promise<{ url: string; arn: string }> {
  await fake.call('sqs', 'CreateQueue', { QueueName: name, Attributes: opts.attributes, tags: opts.tags });
  const q = fake.find.queue(name);
  const bodies =
    typeof opts.messages === 'number'
      ? Array.from({ length: opts.messages }, (_, i) => JSON.stringify({ seeded: i + 1 }))
      : (opts.messages ?? []);
  for (const MessageBody of bodies) await fake.call('sqs', 'SendMessage', { QueueUrl: q.url, MessageBody });
  return { url: q.url, arn: q.arn };
}

export function seedEventInvokeConfig(
  fake: FakeAws,
  functionName: string,
  opts: {
    onFailure?: string;
    onSuccess?: string;
    maximumRetryAttempts?: number;
    maximumEventAgeInSeconds?: number;
  } = {},
): void {
  const fn = fake.find.function(functionName);
  fn.invokeConfigs = {
    ...fn.invokeConfigs,
    $LATEST: {
      MaximumRetryAttempts: opts.maximumRetryAttempts,
      MaximumEventAgeInSeconds: opts.maximumEventAgeInSeconds,
      DestinationConfig: {
        ...(opts.onSuccess ? { OnSuccess: { Destination: opts.onSuccess } } : {}),
        ...(opts.onFailure ? { OnFailure: { Destination: opts.onFailure } } : {}),
      },
      LastModified: new Date(fake.now()),
    },
  };
}

export function seedMapping(
  fake: FakeAws,
  opts: {
    functionName: string;
    queueArn: string;
    batchSize?: number;
    state?: 'Enabled' | 'Disabled';
    uuid?: string;
  },
): string {
  const UUID =
    opts.uuid ?? `a1b2c3d4-5678-4000-8000-${String(fake.state.mappings.size + 1).padStart(12, '0')}`;
  const m: MappingRecord = {
    UUID,
    BatchSize: opts.batchSize ?? 10,
    MaximumBatchingWindowInSeconds: 0,
    EventSourceArn: opts.queueArn,
    FunctionArn: `arn:${fake.partition}:lambda:${fake.region}:${fake.account}:function:${opts.functionName}`,
    LastModified: new Date(fake.now()),
    State: opts.state ?? 'Enabled',
    StateTransitionReason: 'USER_INITIATED',
    FunctionResponseTypes: [],
    EventSourceMappingArn: `arn:${fake.partition}:lambda:${fake.region}:${fake.account}:event-source-mapping:${UUID}`,
    Enabled: (opts.state ?? 'Enabled') === 'Enabled',
  };
  fake.state.mappings.set(UUID, m);
  return UUID;
}

export async function seedRule(
  fake: FakeAws,
  opts: {
    name: string;
    pattern?: object;
    targets?: Array<{ id: string; arn: string }>;
    /** A function that EventBridge may invoke from this rule (AddPermission, events.amazonaws.com). */
    permitFunction?: string;
    tags?: Tags;
  },
): Promise<string> {
  const out = (await fake.call('eventbridge', 'PutRule', {
    Name: opts.name,
    EventPattern: JSON.stringify(
      opts.pattern ?? { source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'] },
    ),
    ...(opts.tags ? { Tags: Object.entries(opts.tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
  })) as { RuleArn: string };
  if (opts.targets?.length)
    await fake.call('eventbridge', 'PutTargets', {
      Rule: opts.name,
      Targets: opts.targets.map((t) => ({ Id: t.id, Arn: t.arn })),
    });
  if (opts.permitFunction)
    await fake.call('lambda', 'AddPermission', {
      FunctionName: opts.permitFunction,
      StatementId: `${opts.name}-invoke`,
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: out.RuleArn,
    });
  return out.RuleArn;
}
