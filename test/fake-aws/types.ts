import type { CompositeAlarm, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { KeyState } from '@aws-sdk/client-kms';
import type {
  DestinationConfig,
  EventSourceMappingConfiguration,
  FunctionConfiguration,
} from '@aws-sdk/client-lambda';

/** The state of the fake account: plain maps the writes change. Tests may read and edit it directly. */
export type Tags = Record<string, string>;

export interface TopicRecord {
  tags: Tags;
  attributes: Record<string, string>;
}

export interface SubscriptionRecord {
  topicArn: string;
  protocol: string;
  endpoint: string;
}

export interface KeyRecord {
  arn: string;
  state: KeyState;
  description: string | undefined;
  tags: Tags;
  policy: string | undefined;
  deletionDate?: Date | undefined;
  creationDate?: Date | undefined;
}

export interface RoleRecord {
  arn: string;
  /** The trust policy as sent (JSON text). */
  trust: string;
  attached: string[];
  /** Inline policies: name → JSON text. */
  inline: Map<string, string>;
  tags: Tags;
  description?: string | undefined;
  createDate?: Date | undefined;
}

export interface LogEvent {
  timestamp: number;
  message: string;
  logStreamName: string;
  ingestionTime: number;
  eventId: string;
}

export interface LogGroupRecord {
  retention: number | undefined;
  tags: Tags;
  events?: LogEvent[];
  /** Log streams made by CreateLogStream (Lambda's own streams need none). */
  streams?: string[];
  creationTime?: number;
}

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Principal: { Service: string } | { AWS: string };
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

/** A function's configuration, always with an environment (the tests read the ciphertext from it). */
export type FunctionConfig = FunctionConfiguration & {
  FunctionName: string;
  FunctionArn: string;
  Environment: { Variables: Record<string, string> };
};

export interface EventInvokeConfigRecord {
  MaximumRetryAttempts?: number | undefined;
  MaximumEventAgeInSeconds?: number | undefined;
  DestinationConfig?: DestinationConfig | undefined;
  LastModified: Date;
}

export interface FunctionRecord {
  config: FunctionConfig;
  tags: Tags;
  statements: PolicyStatement[];
  /** Event invoke configs by qualifier ($LATEST for the unqualified function). */
  invokeConfigs?: Record<string, EventInvokeConfigRecord>;
}

export type AlarmRecord =
  | { type: 'MetricAlarm'; alarm: MetricAlarm; tags: Tags }
  | { type: 'CompositeAlarm'; alarm: CompositeAlarm; tags: Tags };

export interface Datapoint {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  timestamp: number;
  value: number;
}

export interface Instance {
  id: string;
  name?: string | undefined;
  type?: string | undefined;
  /** Default "running". */
  state?: string | undefined;
}

export interface QueueMessage {
  id: string;
  body: string;
  md5: string;
  sentAt: number;
  /** When it is visible again (delay or visibility timeout). */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number | undefined;
  /** The handle of the latest receive; older handles delete nothing. */
  receiptHandle?: string | undefined;
  messageAttributes?: Record<string, { DataType?: string; StringValue?: string }> | undefined;
}

export interface QueueRecord {
  name: string;
  url: string;
  arn: string;
  /** The settable attributes, as strings (AWS's form). */
  attributes: Record<string, string>;
  tags: Tags;
  createdAt: number;
  modifiedAt: number;
  messages: QueueMessage[];
}

export interface RuleTarget {
  Id: string;
  Arn: string;
  Input?: string | undefined;
  InputPath?: string | undefined;
  RoleArn?: string | undefined;
}

export interface RuleRecord {
  name: string;
  arn: string;
  eventBusName: string;
  eventPattern?: string | undefined;
  scheduleExpression?: string | undefined;
  state: 'ENABLED' | 'DISABLED';
  description?: string | undefined;
  roleArn?: string | undefined;
  tags: Tags;
  targets: RuleTarget[];
}

export type MappingRecord = EventSourceMappingConfiguration & {
  UUID: string;
  FunctionArn: string;
  /** As asked at creation or update (the answer says it through State). */
  Enabled?: boolean;
  /** Reads left before a transitional state (Creating, Updating, Deleting) settles. */
  settleReads?: number;
  /** Mappings take tags (CreateEventSourceMapping's Tags; TagResource on the mapping's ARN). */
  tags?: Tags;
};

export interface FakeState {
  topics: Map<string, TopicRecord>;
  subscriptions: Map<string, SubscriptionRecord>;
  keys: Map<string, KeyRecord>;
  aliases: Map<string, string>;
  roles: Map<string, RoleRecord>;
  logGroups: Map<string, LogGroupRecord>;
  functions: Map<string, FunctionRecord>;
  alarms: Map<string, AlarmRecord>;
  metrics: Datapoint[];
  instances: Instance[];
  queues: Map<string, QueueRecord>;
  /** Queue name → when it was deleted (CreateQueue of that name is refused for 60 s). */
  deletedQueues: Map<string, number>;
  rules: Map<string, RuleRecord>;
  mappings: Map<string, MappingRecord>;
  /** Set to { StateReasonCode, StateReason } to make CreateFunction's function end up Failed. */
  newFunctionFails: Record<string, string> | undefined;
}

export function emptyState(): FakeState {
  return {
    topics: new Map(),
    subscriptions: new Map(),
    keys: new Map(),
    aliases: new Map(),
    roles: new Map(),
    logGroups: new Map(),
    functions: new Map(),
    alarms: new Map(),
    metrics: [],
    instances: [],
    queues: new Map(),
    deletedQueues: new Map(),
    rules: new Map(),
    mappings: new Map(),
    newFunctionFails: undefined,
  };
}
