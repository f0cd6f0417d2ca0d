import {
  CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
  paginateGetMetricData,
} from '@aws-sdk/client-cloudwatch';
import type { AwsClients } from './clients.js';

/** The function's Invocations and Errors over a window (default the last 24 hours), from AWS/Lambda. */
export interface FunctionMetrics {
  invocations: number;
  errors: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const PERIOD_S = 3600;

function query(id: string, metricName: string, functionName: string): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/Lambda',
        MetricName: metricName,
        Dimensions: [{ Name: 'FunctionName', Value: functionName }],
      },
      Period: PERIOD_S,
      Stat: 'Sum',
    },
    ReturnData: true,
  };
}

/** One GetMetricData (hourly sums, all pages), summed over the window. */
export async function functionMetrics(
  clients: AwsClients,
  functionName: string,
  now: number,
  windowMs = DAY_MS,
): Promise<FunctionMetrics> {
  const totals: Record<string, number> = { invocations: 0, errors: 0 };
  const pages = paginateGetMetricData(
    { client: clients.get(CloudWatchClient) },
    {
      MetricDataQueries: [
        query('invocations', 'Invocations', functionName),
        query('errors', 'Errors', functionName),
      ],
      StartTime: new Date(now - windowMs),
      EndTime: new Date(now),
    },
  );
  for await (const page of pages) {
    for (const result of page.MetricDataResults ?? []) {
      if (result.Id && result.Id in totals)
        totals[result.Id] = (totals[result.Id] ?? 0) + (result.Values ?? []).reduce((a, b) => a + b, 0);
    }
  }
  return { invocations: totals.invocations ?? 0, errors: totals.errors ?? 0 };
}

/**
 * The age in seconds of the oldest message of a queue: SQS's ApproximateAgeOfOldestMessage, its latest
 * 1-minute maximum over the last 15 minutes; undefined when CloudWatch has no datapoint (yet).
 */
export async function queueAgeSeconds(
  clients: AwsClients,
  queueName: string,
  now: number,
): Promise<number | undefined> {
  const out = await clients.get(CloudWatchClient).send(
    new GetMetricDataCommand({
      MetricDataQueries: [
        {
          Id: 'age',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/SQS',
              MetricName: 'ApproximateAgeOfOldestMessage',
              Dimensions: [{ Name: 'QueueName', Value: queueName }],
            },
            Period: 60,
            Stat: 'Maximum',
          },
          ReturnData: true,
        },
      ],
      StartTime: new Date(now - 15 * 60_000),
      EndTime: new Date(now),
      ScanBy: 'TimestampDescending',
    }),
  );
  return out.MetricDataResults?.[0]?.Values?.[0];
}
