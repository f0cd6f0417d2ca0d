import type { GetMetricDataInput, MetricDataQuery, PutMetricDataInput } from '@aws-sdk/client-cloudwatch';
import type { DescribeInstancesRequest } from '@aws-sdk/client-ec2';
import { type Env, type Handlers, on, page } from '../env.js';
import { awsError } from '../errors.js';
import type { Datapoint } from '../types.js';

/**
 * CloudWatch metric data and EC2 instances. GetMetricData answers MetricStat queries from the
 * datapoints in state.metrics (seeded, PutMetricData, or written by the fake's Lambda per Invoke):
 * one value per Period bucket that has data, newest first (ScanBy's default, TimestampDescending).
 * Expressions are not evaluated: they answer StatusCode "Complete" with no values.
 * DescribeInstances lists state.instances with the instance-state-name and instance-id filters.
 */
function stat(values: number[], name: string | undefined): number {
  const sum = values.reduce((a, b) => a + b, 0);
  if (name === 'Sum') return sum;
  if (name === 'Minimum') return Math.min(...values);
  if (name === 'Maximum') return Math.max(...values);
  if (name === 'SampleCount') return values.length;
  return sum / values.length;
}

function answerQuery(env: Env, q: MetricDataQuery, start: number, end: number, ascending: boolean) {
  const s = q.MetricStat;
  if (!s?.Metric)
    return { Id: q.Id, Label: q.Label ?? q.Id, Timestamps: [], Values: [], StatusCode: 'Complete' };
  const dims = Object.fromEntries((s.Metric.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? '']));
  const period = (s.Period ?? 60) * 1000;
  const buckets = new Map<number, number[]>();
  for (const p of env.state.metrics as Datapoint[]) {
    const same =
      p.namespace === s.Metric.Namespace &&
      p.metricName === s.Metric.MetricName &&
      Object.keys(dims).length === Object.keys(p.dimensions).length &&
      Object.entries(dims).every(([k, v]) => p.dimensions[k] === v);
    if (!same || p.timestamp < start || p.timestamp >= end) continue;
    const at = start + Math.floor((p.timestamp - start) / period) * period;
    buckets.set(at, [...(buckets.get(at) ?? []), p.value]);
  }
  const times = [...buckets.keys()].sort((a, b) => (ascending ? a - b : b - a));
  return {
    Id: q.Id,
    Label: q.Label ?? s.Metric.MetricName,
    Timestamps: times.map((t) => new Date(t)),
    Values: times.map((t) => stat(buckets.get(t) ?? [], s.Stat)),
    StatusCode: 'Complete',
  };
}

export function metricsEc2Handlers(env: Env): Handlers {
  return {
    'cloudwatch.GetMetricData': on<GetMetricDataInput>((input) => {
      const start = new Date(input.StartTime ?? 0).getTime();
      const end = new Date(input.EndTime ?? 0).getTime();
      if (!(start < end))
        throw awsError(
          'InvalidParameterValueException',
          400,
          'The parameter StartTime must be less than the parameter EndTime.',
          'InvalidParameterValue',
        );
      const ascending = input.ScanBy === 'TimestampAscending';
      return {
        MetricDataResults: (input.MetricDataQueries ?? [])
          .filter((q) => q.ReturnData !== false)
          .map((q) => answerQuery(env, q, start, end, ascending)),
        Messages: [],
      };
    }),
    'cloudwatch.PutMetricData': on<PutMetricDataInput>(({ Namespace, MetricData }) => {
      for (const d of MetricData ?? [])
        env.state.metrics.push({
          namespace: Namespace ?? '',
          metricName: d.MetricName ?? '',
          dimensions: Object.fromEntries((d.Dimensions ?? []).map((x) => [x.Name ?? '', x.Value ?? ''])),
          timestamp: d.Timestamp ? new Date(d.Timestamp).getTime() : env.now(),
          value: d.Value ?? 0,
        });
      return {};
    }),

    'ec2.DescribeInstances': on<DescribeInstancesRequest>(
      ({ Filters, InstanceIds, MaxResults, NextToken }) => {
        const states = Filters?.find((f) => f.Name === 'instance-state-name')?.Values;
        const ids = [
          ...(InstanceIds ?? []),
          ...(Filters?.find((f) => f.Name === 'instance-id')?.Values ?? []),
        ];
        const unknown = (InstanceIds ?? []).find((id) => !env.state.instances.some((i) => i.id === id));
        if (unknown)
          throw awsError(
            'InvalidInstanceID.NotFound',
            400,
            `The instance ID '${unknown}' does not exist`,
            'InvalidInstanceID.NotFound',
          );
        const all = env.state.instances.filter(
          (i) =>
            (!states || states.includes(i.state ?? 'running')) && (ids.length === 0 || ids.includes(i.id)),
        );
        const p = page(all, NextToken, MaxResults ?? 1000);
        if (!p)
          throw awsError(
            'InvalidParameterValue',
            400,
            'Invalid value for NextToken',
            'InvalidParameterValue',
          );
        return {
          Reservations: p.items.map((i) => ({
            ReservationId: `r-${i.id.slice(2)}`,
            OwnerId: env.account,
            Instances: [
              {
                InstanceId: i.id,
                InstanceType: i.type,
                State: { Name: i.state ?? 'running', Code: (i.state ?? 'running') === 'running' ? 16 : 80 },
                Tags: i.name ? [{ Key: 'Name', Value: i.name }] : [],
              },
            ],
          })),
          ...(p.next ? { NextToken: p.next } : {}),
        };
      },
    ),
  };
}
