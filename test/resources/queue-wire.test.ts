import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/aws/clients.js';
import { ensureQueue, findQueue } from '../../src/resources/queue.js';
import { ACCOUNT, REGION, testStackContext } from '../helpers/aws.js';

/**
 * The real SQS client against a loopback server that answers as SQS's JSON protocol does (the error
 * reply documented in "Interpreting Amazon SQS JSON API responses": HTTP 400, `x-amzn-query-error`,
 * `__type`), so that the error names the module relies on are the SDK's, not the mocks' assumption.
 */
let server: Server;
let endpointUrl: string;
const received: Array<{ target: string; body: unknown }> = [];
const replies: Record<string, Array<{ status: number; code?: string; body: unknown }>> = {};

function sqsError(type: string, code: string, message: string) {
  return {
    status: 400,
    code: `AWS.SimpleQueueService.${code};Sender`,
    body: { __type: `com.amazonaws.sqs#${type}`, message },
  };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString();
    });
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      received.push({ target, body: JSON.parse(raw || '{}') });
      const reply = replies[target]?.shift() ?? { status: 500, body: { message: `unexpected ${target}` } };
      res.writeHead(reply.status, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': 'req-1',
        ...(reply.code ? { 'x-amzn-query-error': reply.code } : {}),
      });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpointUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
  for (const key of Object.keys(replies)) delete replies[key];
});

const context = () =>
  testStackContext('mission', { clients: createAwsClients({ region: REGION, endpointUrl }) });

describe('SQS replies as the SDK reads them', () => {
  it('a missing queue (AWS.SimpleQueueService.NonExistentQueue) is undefined, not an error', async () => {
    replies['AmazonSQS.GetQueueUrl'] = [
      sqsError('QueueDoesNotExist', 'NonExistentQueue', 'The specified queue does not exist.'),
    ];
    const { ctx } = context();
    expect(await findQueue(ctx)).toBeUndefined();
    expect(received).toEqual([
      { target: 'AmazonSQS.GetQueueUrl', body: { QueueName: 'mission-undelivered' } },
    ]);
  });

  it('QueueDeletedRecently is waited through, then the queue is created', async () => {
    const url = `${endpointUrl}/${ACCOUNT}/mission-undelivered`;
    replies['AmazonSQS.CreateQueue'] = [
      sqsError(
        'QueueDeletedRecently',
        'QueueDeletedRecently',
        'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
      ),
      { status: 200, body: { QueueUrl: url } },
    ];
    const { ctx, sleeps, notes } = context();
    const result = await ensureQueue(ctx, undefined);
    expect(result).toMatchObject({ change: 'created', value: { url } });
    expect(sleeps).toEqual([5000]);
    expect(notes).toHaveLength(1);
    expect(received.map((r) => r.target)).toEqual(['AmazonSQS.CreateQueue', 'AmazonSQS.CreateQueue']);
    expect(received[0]?.body).toEqual({
      QueueName: 'mission-undelivered',
      Attributes: {
        MessageRetentionPeriod: '1209600',
        VisibilityTimeout: '90',
        SqsManagedSseEnabled: 'true',
      },
      tags: { 'alarm-to-slack:stack': 'mission' },
    });
  });

  it('another error (AccessDenied) surfaces with its name', async () => {
    replies['AmazonSQS.GetQueueUrl'] = [
      {
        status: 400,
        code: 'AccessDenied;Sender',
        body: { __type: 'com.amazon.coral.service#AccessDeniedException', message: 'not allowed' },
      },
    ];
    const { ctx } = context();
    await expect(findQueue(ctx)).rejects.toThrow('not allowed');
  });
});
