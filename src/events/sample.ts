/**
 * A realistic sample of what CloudWatch publishes for the stack's CPU alarm, for `preview`: the SNS
 * notification (the shape of test/fixtures/alarm-cpu-*.json: threshold-crossed reasons, OK → ALARM → OK)
 * and the "CloudWatch Alarm State Change" event EventBridge delivers (test/fixtures/eventbridge-*.json).
 */
import { partitionOf, stackArns, stackNames } from '../names.js';
import type { AlarmState } from '../validate.js';
import {
  buildSnsEvent,
  type CloudWatchAlarmMessage,
  cloudWatchTime,
  regionDisplayName,
  type SnsTestEvent,
} from './alarm-message.js';

interface SampleAlarmOptions {
  stack: string;
  state: AlarmState;
  region: string;
  /** A placeholder account unless given. */
  account?: string;
  now: Date;
}

const SAMPLE_ACCOUNT = '123456789012';
const SAMPLE_INSTANCE = 'i-0123456789abcdef0';
const THRESHOLD = 50;

/** "24/11/26 10:41:00": how CloudWatch dates datapoints in a reason. */
function datapointTime(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(2, 4)} ${iso.slice(11, 19)}`;
}

const REASONS: Record<AlarmState, (at: string) => string> = {
  ALARM: (at) =>
    `Threshold Crossed: 1 out of the last 1 datapoints [87.5 (${at})] was greater than or equal to the threshold (${THRESHOLD}.0) (minimum 1 datapoint for OK -> ALARM transition).`,
  OK: (at) =>
    `Threshold Crossed: 1 out of the last 1 datapoints [3.2 (${at})] was not greater than or equal to the threshold (${THRESHOLD}.0) (minimum 1 datapoint for ALARM -> OK transition).`,
  INSUFFICIENT_DATA: () => 'Insufficient Data: 1 datapoint was unknown.',
};

const PREVIOUS: Record<AlarmState, AlarmState> = { ALARM: 'OK', OK: 'ALARM', INSUFFICIENT_DATA: 'OK' };
/** The datapoint each state's reason quotes (none for INSUFFICIENT_DATA). */
const DATAPOINT: Record<AlarmState, number | undefined> = {
  ALARM: 87.5,
  OK: 3.2,
  INSUFFICIENT_DATA: undefined,
};
/** How long the previous state lasted, in the sample. */
const PREVIOUS_FOR_MS = 5 * 60_000;

/** The last full minute before `at`: CloudWatch stamps a datapoint with the start of its period. */
function datapointOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000 - 60_000);
}

function sampleAlarmMessage(opts: SampleAlarmOptions): CloudWatchAlarmMessage {
  const names = stackNames(opts.stack);
  const account = opts.account ?? SAMPLE_ACCOUNT;
  const arns = stackArns(names, { partition: partitionOf(opts.region), region: opts.region, account });
  const datapoint = datapointOf(opts.now);
  return {
    AlarmName: names.alarm,
    AlarmDescription: `CPU of ${SAMPLE_INSTANCE} at or above ${THRESHOLD}% for 1 minute (alarm-to-slack stack "${opts.stack}")`,
    AWSAccountId: account,
    NewStateValue: opts.state,
    NewStateReason: REASONS[opts.state](datapointTime(datapoint)),
    StateChangeTime: cloudWatchTime(opts.now),
    Region: regionDisplayName(opts.region),
    AlarmArn: arns.alarmArn,
    OldStateValue: PREVIOUS[opts.state],
    OKActions: [arns.topicArn],
    AlarmActions: [arns.topicArn],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: 'CPUUtilization',
      Namespace: 'AWS/EC2',
      StatisticType: 'Statistic',
      Statistic: 'AVERAGE',
      Unit: null,
      Dimensions: [{ value: SAMPLE_INSTANCE, name: 'InstanceId' }],
      Period: 60,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: THRESHOLD,
      TreatMissingData: 'missing',
      EvaluateLowSampleCountPercentile: '',
    },
  };
}

/** The sample wrapped in the SNS event Lambda would receive. */
export function sampleSnsEvent(opts: SampleAlarmOptions & { newId: () => string }): SnsTestEvent {
  const { newId } = opts;
  const account = opts.account ?? SAMPLE_ACCOUNT;
  const names = stackNames(opts.stack);
  const { topicArn } = stackArns(names, {
    partition: partitionOf(opts.region),
    region: opts.region,
    account,
  });
  return buildSnsEvent({
    region: opts.region,
    topicArn,
    message: sampleAlarmMessage(opts),
    messageId: newId(),
    subscriptionId: newId(),
    now: opts.now,
  });
}

/** `detail.state` / `detail.previousState` of the event: value, reason, its data (JSON text) and time. */
function eventState(state: AlarmState, at: Date) {
  const datapoint = datapointOf(at);
  const value = DATAPOINT[state];
  const reasonData = {
    version: '1.0',
    queryDate: cloudWatchTime(at),
    ...(value === undefined ? {} : { startDate: cloudWatchTime(datapoint) }),
    statistic: 'Average',
    period: 60,
    recentDatapoints: value === undefined ? [] : [value],
    threshold: THRESHOLD,
    evaluatedDatapoints: [
      { timestamp: cloudWatchTime(datapoint), ...(value === undefined ? {} : { sampleCount: 1, value }) },
    ],
  };
  return {
    reason: REASONS[state](datapointTime(datapoint)),
    reasonData: JSON.stringify(reasonData),
    timestamp: cloudWatchTime(at),
    value: state,
  };
}

/** The "CloudWatch Alarm State Change" event of the sample, as a rule's Lambda target receives it. */
export function sampleEventBridgeEvent(opts: SampleAlarmOptions & { newId: () => string }) {
  const names = stackNames(opts.stack);
  const account = opts.account ?? SAMPLE_ACCOUNT;
  const { alarmArn } = stackArns(names, {
    partition: partitionOf(opts.region),
    region: opts.region,
    account,
  });
  const previousAt = new Date(opts.now.getTime() - PREVIOUS_FOR_MS);
  return {
    version: '0',
    id: opts.newId(),
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account,
    // EventBridge's event time has no milliseconds.
    time: opts.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: opts.region,
    resources: [alarmArn],
    detail: {
      alarmName: names.alarm,
      configuration: {
        description: `CPU of ${SAMPLE_INSTANCE} at or above ${THRESHOLD}% for 1 minute (alarm-to-slack stack "${opts.stack}")`,
        metrics: [
          {
            id: opts.newId(),
            metricStat: {
              metric: {
                dimensions: { InstanceId: SAMPLE_INSTANCE },
                name: 'CPUUtilization',
                namespace: 'AWS/EC2',
              },
              period: 60,
              stat: 'Average',
            },
            returnData: true,
          },
        ],
      },
      previousState: eventState(PREVIOUS[opts.state], previousAt),
      state: eventState(opts.state, opts.now),
    },
  };
}
