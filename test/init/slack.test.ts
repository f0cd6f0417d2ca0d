import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postToSlack } from '../../src/slack.js';
import { firstRunOptions, runInit, useFakeAws } from './harness.js';

const aws = useFakeAws();

/** Slack played by a real HTTP server on 127.0.0.1: records each request, answers as scripted. */
let server: Server;
let base = '';
const received: Array<{ method: string; path: string; type: string; body: unknown }> = [];
let reply: (res: ServerResponse) => void = (res) => res.end('ok');

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        type: String(req.headers['content-type']),
        body: JSON.parse(text || 'null'),
      });
      reply(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
  reply = (res) => res.end('ok');
});

const SECRET = 'ZZZZlocalsecretZZZZ';
const hook = () => `${base}/services/T000/B000/${SECRET}`;

describe('init verifies the webhook before changing anything', () => {
  it('posts nothing in a dry run: a dry run has no side effects', async () => {
    const run = await runInit({
      options: firstRunOptions({ webhookUrl: hook(), verifyWebhook: true, dryRun: true }),
    });
    expect(run.exitCode).toBe(0);
    expect(received).toHaveLength(0);
    expect(aws.writes()).toEqual([]);
  });

  it('posts "alarm-to-slack is connected to <name>" as JSON, then sets up', async () => {
    const run = await runInit({ options: firstRunOptions({ webhookUrl: hook(), verifyWebhook: true }) });
    expect(run.exitCode).toBe(0);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      method: 'POST',
      path: `/services/T000/B000/${SECRET}`,
      type: 'application/json',
      body: { text: expect.stringMatching(/^alarm-to-slack is connected to mission\b/), channel: '#ops' },
    });
    expect(run.io.stderr.join('\n')).toMatch(
      /✔ Slack webhook 127\.0\.0\.1:\d+\/services\/T000\/\*\*\*\* — posted "connected"/,
    );
    expect(aws.writes()).toContain('CreateFunction');
    expect(run.allOutput).not.toContain(SECRET);
  });

  it.each([
    [404, 'no_service'],
    [403, 'invalid_token'],
    [410, 'channel_is_archived'],
  ])(
    'Slack answering %i %s stops the run before any AWS write, quoting the answer (exit 1)',
    async (status, body) => {
      reply = (res) => {
        res.statusCode = status;
        res.end(body);
      };
      const run = await runInit({ options: firstRunOptions({ webhookUrl: hook(), verifyWebhook: true }) });
      expect(run.exitCode).toBe(1);
      expect((run.error as Error).message).toContain(`Slack answered ${status} ${body}`);
      expect((run.error as Error).message).toContain('Nothing was changed');
      expect(aws.writes()).toEqual([]);
      expect(run.io.stdout).toEqual([]);
      expect(run.allOutput).not.toContain(SECRET);
    },
  );

  it('--no-verify-webhook posts nothing', async () => {
    const run = await runInit({ options: firstRunOptions({ webhookUrl: hook(), verifyWebhook: false }) });
    expect(run.exitCode).toBe(0);
    expect(received).toEqual([]);
  });

  it('a re-run with the same URL posts nothing (it is already verified); a new URL is verified', async () => {
    await runInit({ options: firstRunOptions({ webhookUrl: hook(), verifyWebhook: true }) });
    expect(received).toHaveLength(1);
    const again = await runInit({ options: firstRunOptions({ webhookUrl: hook(), verifyWebhook: true }) });
    expect(again.exitCode).toBe(0);
    expect(received).toHaveLength(1);
    expect(aws.writes()).not.toContain('UpdateFunctionConfiguration');
    const other = `${base}/services/T000/B000/OTHERsecretOTHER`;
    const changed = await runInit({ options: firstRunOptions({ webhookUrl: other, verifyWebhook: true }) });
    expect(changed.exitCode).toBe(0);
    expect(received).toHaveLength(2);
    expect(received[1]?.path).toBe('/services/T000/B000/OTHERsecretOTHER');
  });

  it('a new URL that Slack refuses stops a re-run before any write', async () => {
    await runInit({ options: firstRunOptions({ webhookUrl: hook(), verifyWebhook: false }) });
    aws.clearCalls();
    reply = (res) => {
      res.statusCode = 404;
      res.end('no_service');
    };
    const other = `${base}/services/T000/B000/OTHERsecretOTHER`;
    const run = await runInit({ options: firstRunOptions({ webhookUrl: other, verifyWebhook: true }) });
    expect(run.exitCode).toBe(1);
    expect(aws.writes()).toEqual([]);
  });

  it('a re-run without a URL has nothing to verify and posts nothing', async () => {
    await runInit({ options: firstRunOptions({ webhookUrl: hook(), verifyWebhook: false }) });
    const run = await runInit({ options: firstRunOptions({ webhookUrl: undefined, verifyWebhook: true }) });
    expect(run.exitCode).toBe(0);
    expect(received).toEqual([]);
  });
});

describe('postToSlack', () => {
  it("returns Slack's status and body", async () => {
    reply = (res) => {
      res.statusCode = 400;
      res.end('invalid_payload\n');
    };
    expect(await postToSlack(hook(), { text: 'x' })).toEqual({
      ok: false,
      status: 400,
      body: 'invalid_payload',
    });
  });

  it('gives up after the timeout, without the URL in the message', async () => {
    reply = () => {}; // never answers
    const answer = await postToSlack(hook(), { text: 'x' }, { timeoutMs: 50 });
    expect(answer.ok).toBe(false);
    expect(answer.status).toBe(0);
    expect(answer.body).toMatch(/no answer from 127\.0\.0\.1:\d+ within 50 ms/);
  });

  it('reports a refused connection by host only', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const answer = await postToSlack(`http://127.0.0.1:${port}/services/T000/B000/${SECRET}`, { text: 'x' });
    expect(answer).toMatchObject({ ok: false, status: 0 });
    expect(answer.body).toMatch(new RegExp(`could not reach 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    expect(answer.body).not.toContain(SECRET);
  });
});
