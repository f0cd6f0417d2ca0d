import { describe, expect, it } from 'vitest';
import { alarmSummary, duration, shortRule } from '../../src/resources/alarm-summary.js';
import {
  alarmArn,
  alb5xxAnomaly,
  albP99,
  lambdaErrorRate,
  promqlAlarm,
  rdsStorage,
  serviceDegraded,
} from './alarm-fixtures.js';

const metric = (alarm: ReturnType<typeof rdsStorage>) => alarmSummary({ kind: 'metric', name: 'x', alarm });

describe('alarmSummary', () => {
  it('words a single-metric alarm: metric, namespace, dimensions, statistic, threshold, M of N × period', () => {
    expect(metric(rdsStorage())).toBe(
      'FreeStorageSpace of AWS/RDS DBInstanceIdentifier=orders-db Minimum < 10737418240 Bytes for 2 of 3 × 5 min',
    );
    expect(
      metric({
        AlarmName: 'cpu',
        Namespace: 'AWS/EC2',
        MetricName: 'CPUUtilization',
        Dimensions: [{ Name: 'InstanceId', Value: 'i-0123456789abcdef0' }],
        Statistic: 'Average',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 80,
        EvaluationPeriods: 3,
        Period: 300,
      }),
    ).toBe('CPUUtilization of AWS/EC2 InstanceId=i-0123456789abcdef0 Average ≥ 80 for 3 of 3 × 5 min');
  });

  it('words an extended statistic, and says when actions are disabled', () => {
    expect(metric(albP99())).toBe(
      'TargetResponseTime of AWS/ApplicationELB LoadBalancer=app/web/0123456789abcdef, ' +
        'TargetGroup=targetgroup/web/fedcba9876543210 p99 > 1.5 Seconds for 5 of 5 × 1 min (actions disabled)',
    );
  });

  it('words metric math by the label and expression of the entry it returns', () => {
    expect(metric(lambdaErrorRate())).toBe(
      'Error rate (%) (100 * errors / invocations) ≥ 5 for 2 of 3 × 1 min',
    );
  });

  it('words an anomaly-band alarm by its metric and the band', () => {
    expect(metric(alb5xxAnomaly())).toBe(
      'HTTPCode_Target_5XX_Count of AWS/ApplicationELB LoadBalancer=app/web/0123456789abcdef Sum ' +
        'above the anomaly band (width 2) for 2 of 2 × 5 min',
    );
  });

  it('words a PromQL alarm by its query', () => {
    expect(metric(promqlAlarm())).toBe(
      'PromQL sum by (pod) (rate(kube_pod_container_status_restarts_total[5m])) > 0 for 5 min',
    );
  });

  it('words a composite alarm by its rule, shortened, and its suppressor', () => {
    expect(alarmSummary({ kind: 'composite', name: 'x', alarm: serviceDegraded() })).toBe(
      'composite: ALARM("checkout-lambda-error-rate") OR (ALARM(web-alb-p99-latency) AND NOT…, ' +
        'suppressed by maintenance-window',
    );
  });
});

describe('shortRule', () => {
  it('drops alarm ARN prefixes, collapses blanks and cuts long rules, at a word when it can', () => {
    expect(shortRule(`ALARM(${alarmArn('a')})  AND\n ALARM(b)`)).toBe('ALARM(a) AND ALARM(b)');
    const long = Array.from({ length: 20 }, (_, i) => `ALARM(alarm-${i})`).join(' OR ');
    expect(shortRule(long, 30)).toBe('ALARM(alarm-0) OR…');
    expect(shortRule('ALARM(a-very-long-alarm-name-indeed)', 20)).toBe('ALARM(a-very-long-a…');
  });
});

describe('duration', () => {
  it('uses the largest whole unit', () => {
    expect([10, 30, 60, 90, 300, 3600, 7200, 86_400, 604_800].map(duration)).toEqual([
      '10 s',
      '30 s',
      '1 min',
      '90 s',
      '5 min',
      '1 h',
      '2 h',
      '1 day',
      '7 days',
    ]);
  });
});
