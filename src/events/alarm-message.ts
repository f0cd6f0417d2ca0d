/**
 * CloudWatch alarm notifications as SNS delivers them to Lambda: the test event `alarm-to-slack test`
 * sends (the shape of the tutorial's console test event, test/fixtures/sns-event-tutorial.json, wrapping
 * a message built from the stack's real alarm when it exists, otherwise a synthetic one for
 * `<name>-cpu-alarm`), and the samples `preview` formats (./sample.ts).
 */
import type { StackNames } from '../names.js';
import { REGION_NAMES } from '../regions.js';
import type { AlarmState } from '../validate.js';

export interface CloudWatchAlarmMessage {
  AlarmName: string;
  AlarmDescription: string;
  AWSAccountId: string;
  NewStateValue: AlarmState;
  NewStateReason: string;
  StateChangeTime: string;
  Region: string;
  AlarmArn: string;
  OldStateValue: string;
  OKActions: string[];
  AlarmActions: string[];
  InsufficientDataActions: string[];
  Trigger: {
    MetricName: string;
    Namespace: string;
    StatisticType: 'Statistic';
    Statistic: string;
    Unit: null;
    Dimensions: Array<{ value: string; name: string }>;
    Period: number;
    EvaluationPeriods: number;
    ComparisonOperator: string;
    Threshold: number;
    TreatMissingData: string;
    EvaluateLowSampleCountPercentile: string;
  };
}

export interface SnsTestEvent {
  Records: Array<{
    EventSource: 'aws:sns';
    EventVersion: '1.0';
    EventSubscriptionArn: string;
    Sns: {
      Type: 'Notification';
      MessageId: string;
      TopicArn: string;
      Subject: string;
      Message: string;
      Timestamp: string;
      SignatureVersion: '1';
      Signature: string;
      SigningCertUrl: string;
      UnsubscribeUrl: string;
      MessageAttributes: Record<string, SnsMessageAttribute>;
    };
  }>;
}

/** An SNS message attribute as Lambda receives it in `Records[].Sns.MessageAttributes`. */
interface SnsMessageAttribute {
  Type: 'String';
  Value: string;
}

/**
 * The message attribute that marks the CLI's test events (handler-template/route.mjs reads it): the notifier
 * never takes a test for the SNS copy of a state change its EventBridge rule delivers, so it posts it.
 */
export const TEST_ATTRIBUTE = 'alarm-to-slack-test';

/** The region's display name as CloudWatch writes it in alarm messages ("Asia Pacific (Seoul)"). */
export function regionDisplayName(region: string): string {
  return REGION_NAMES[region] ?? region;
}

/** CloudWatch's timestamp format in alarm messages: "2026-11-24T10:42:27.519+0000". */
export function cloudWatchTime(date: Date): string {
  return date.toISOString().replace(/Z$/, '+0000');
}

/** What a message says of the stack's alarm (resources/alarm.ts's AlarmFound adds its state and tags). */
export interface AlarmFacts {
  arn: string;
  name: string;
  description: string | undefined;
  namespace: string | undefined;
  metricName: string | undefined;
  statistic: string | undefined;
  instanceId: string | undefined;
  threshold: number | undefined;
  period: number | undefined;
  evaluationPeriods: number | undefined;
  comparisonOperator: string | undefined;
  alarmActions: string[];
  okActions: string[];
}

/** Where the stack is: its names, account, region and the alarm's derived ARN. */
interface StackWhere {
  names: StackNames;
  account: string;
  region: string;
  arns: { alarmArn: string };
}

/** Built from the real alarm when found; synthetic (the init defaults) otherwise. */
export function buildAlarmMessage(opts: {
  stack: StackWhere;
  alarm: AlarmFacts | undefined;
  state: AlarmState;
  now: Date;
  topicArn: string;
}): CloudWatchAlarmMessage {
  const { stack, alarm, state, now, topicArn } = opts;
  const time = cloudWatchTime(now);
  const statistic = (alarm?.statistic ?? 'Average').toUpperCase();
  return {
    AlarmName: alarm?.name ?? stack.names.alarm,
    AlarmDescription:
      alarm?.description ??
      `Test alarm of the alarm-to-slack stack "${stack.names.stack}" (the stack has no CPU alarm)`,
    AWSAccountId: stack.account,
    NewStateValue: state,
    NewStateReason:
      `This is a test sent by alarm-to-slack (\`alarm-to-slack test --state ${state}\`) at ${time}, ` +
      'not a real state change of the alarm.',
    StateChangeTime: time,
    Region: regionDisplayName(stack.region),
    AlarmArn: alarm?.arn ?? stack.arns.alarmArn,
    OldStateValue: state === 'OK' ? 'ALARM' : 'OK',
    OKActions: alarm ? alarm.okActions : [topicArn],
    AlarmActions: alarm ? alarm.alarmActions : [topicArn],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: alarm?.metricName ?? 'CPUUtilization',
      Namespace: alarm?.namespace ?? 'AWS/EC2',
      StatisticType: 'Statistic',
      Statistic: statistic,
      Unit: null,
      Dimensions: alarm?.instanceId ? [{ value: alarm.instanceId, name: 'InstanceId' }] : [],
      Period: alarm?.period ?? 60,
      EvaluationPeriods: alarm?.evaluationPeriods ?? 1,
      ComparisonOperator: alarm?.comparisonOperator ?? 'GreaterThanOrEqualToThreshold',
      Threshold: alarm?.threshold ?? 50,
      TreatMissingData: 'missing',
      EvaluateLowSampleCountPercentile: '',
    },
  };
}

/** The SNS notification Lambda receives for `message`, published on `topicArn`. */
export function buildSnsEvent(opts: {
  region: string;
  topicArn: string;
  message: CloudWatchAlarmMessage;
  messageId: string;
  subscriptionId: string;
  now: Date;
  /** Marks the event as the CLI's test (the TEST_ATTRIBUTE message attribute). */
  test?: boolean;
}): SnsTestEvent {
  const { region, topicArn, message, messageId, subscriptionId, now } = opts;
  const subscriptionArn = `${topicArn}:${subscriptionId}`;
  const host = `sns.${region}.amazonaws.com`;
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: topicArn,
          // SNS subjects are at most 100 characters; CloudWatch truncates the same way.
          Subject: `${message.NewStateValue}: "${message.AlarmName}" in ${message.Region}`.slice(0, 100),
          Message: JSON.stringify(message),
          Timestamp: now.toISOString(),
          SignatureVersion: '1',
          Signature: 'dGVzdCBldmVudCBzZW50IGJ5IGFsYXJtLXRvLXNsYWNr',
          SigningCertUrl: `https://${host}/SimpleNotificationService-alarm-to-slack-test.pem`,
          UnsubscribeUrl: `https://${host}/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
          MessageAttributes: opts.test ? { [TEST_ATTRIBUTE]: { Type: 'String', Value: 'true' } } : {},
        },
      },
    ],
  };
}
