import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Slack played by a real HTTP server on 127.0.0.1. Each request takes the next scripted reply (the last one
 * repeats); every request is recorded with its method, path, headers and body.
 */
export type Reply =
  /** A function body sees the request, e.g. to echo its URL back as some servers do. */
  | { status: number; body?: string | ((req: SlackRequest) => string); headers?: Record<string, string> }
  /** Close the socket without answering: a network error for the client. */
  | 'reset'
  /** Never answer: the client's per-attempt timeout must fire. */
  | 'hang';

export interface SlackRequest {
  method: string | undefined;
  path: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

export const OK: Reply = { status: 200, body: 'ok' };

/** A placeholder webhook path (never a real-looking one). */
export const HOOK_PATH = '/services/T000/B000/XXXX';

export async function fakeSlack(script: Reply[] = [OK]) {
  const requests: SlackRequest[] = [];
  const replies = [...script];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = {
        method: req.method,
        path: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const reply = (replies.length > 1 ? replies.shift() : replies[0]) ?? OK;
      if (reply === 'reset') {
        req.socket.destroy();
        return;
      }
      if (reply === 'hang') return;
      res.writeHead(reply.status, { 'content-type': 'text/html', ...reply.headers });
      res.end(typeof reply.body === 'function' ? reply.body(request) : (reply.body ?? ''));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${HOOK_PATH}`,
    requests,
    /** Replaces the replies still to come. */
    script(next: Reply[]) {
      replies.splice(0, replies.length, ...next);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeSlack = Awaited<ReturnType<typeof fakeSlack>>;

/** When the fixtures' alarms changed state (2026-11-24T10:42:27.519Z), plus 30 s: their messages are not late. */
export const FIXTURE_NOW = Date.parse('2026-11-24T10:42:57.519Z');

/**
 * A Lambda context whose remaining time is a budget that only the recorded sleeps spend (no real waiting), and a
 * clock that only they move on (from `start`).
 */
export function virtualTime(budgetMs: number, start = FIXTURE_NOW) {
  const sleeps: number[] = [];
  let spent = 0;
  return {
    sleeps,
    context: { getRemainingTimeInMillis: () => budgetMs - spent },
    now: () => start + spent,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      spent += ms;
    },
  };
}
