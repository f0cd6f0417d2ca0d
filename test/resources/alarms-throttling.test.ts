import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { metricAlarmInput } from '../../src/resources/alarm-input.js';
import { putAlarm } from '../../src/resources/alarms.js';
import { testStackContext } from '../helpers/aws.js';
import { albP99 } from './alarm-fixtures.js';

// No aws-sdk-client-mock here: it replaces `send`, and with it the SDK's retry middleware. The real client
// (our factory's configuration) talks to a request handler that answers in memory, never on a socket.

interface FakeRequest {
  headers: Record<string, string>;
}

/** Answers `throttled` times with CloudWatch's throttling error (JSON protocol, query-compatible), then 200. */
function throttlingHandler(throttled: number) {
  const targets: string[] = [];
  return {
    targets,
    handle: async (request: FakeRequest) => {
      targets.push(request.headers['x-amz-target'] ?? '');
      const refuse = targets.length <= throttled;
      const body = refuse ? JSON.stringify({ __type: 'Throttling', message: 'Rate exceeded' }) : '{}';
      return {
        response: {
          statusCode: refuse ? 400 : 200,
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            ...(refuse ? { 'x-amzn-query-error': 'Throttling;Sender' } : {}),
          },
          body: new TextEncoder().encode(body),
        },
      };
    },
  };
}

describe('putAlarm under throttling', () => {
  it("is retried by the SDK's standard strategy until CloudWatch accepts it", async () => {
    const { ctx } = testStackContext('mission');
    const handler = throttlingHandler(2);
    const client = ctx.clients.get(CloudWatchClient);
    (client.config as unknown as { requestHandler: unknown }).requestHandler = handler;
    await putAlarm(ctx, 'metric', metricAlarmInput(albP99()));
    expect(handler.targets).toEqual(Array(3).fill('GraniteServiceVersion20100801.PutMetricAlarm'));
  });
});
