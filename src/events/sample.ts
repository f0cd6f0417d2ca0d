/**
 * A realistic sample of what CloudWatch publishes for the stack's CPU alarm (the shape of
 * test/fixtures/alarm-cpu-*.json: threshold-crossed reasons, OK → ALARM → OK), for `preview`.
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

function sampleAlarmMessage(opts: SampleAlarmOptions): CloudWatchAlarmMessage {
  const names = stackNames(opts.stack);
  const account = opts.account ?? SAMPLE_ACCOUNT;
  const arns = stackArns(names, { partition: partitionOf(opts.region), region: opts.region, account });
  // The last full minute: CloudWatch stamps a datapoint with the start of its period.
  const datapoint = new Date(Math.floor(opts.now.getTime() / 60_000) * 60_000 - 60_000);
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
