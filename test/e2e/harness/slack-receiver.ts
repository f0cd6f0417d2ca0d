import { appendFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Slack incoming-webhook receiver on 127.0.0.1 for endpoints without the emulator's stand-in (e.g.
 * LocalStack): the same request log (one JSON line: at, method, path, headers, body, status), the same
 * answers (200 ok; 400 invalid_payload; 404 no_service outside /services/) and the same control
 * (GET /__control?fail=N&limit429=N&rate=R&burst=B) as the emulator's slack-sink.mjs.
 */
export interface SlackReceiver {
  origin: string;
  close(): Promise<void>;
}

type Payload = { text?: unknown; blocks?: unknown; attachments?: unknown };

function parsePayload(text: string): Payload | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Payload) : null;
  } catch {
    return null;
  }
}

export async function startSlackReceiver(log: string): Promise<SlackReceiver> {
  let failLeft = 0;
  let limitLeft = 0;
  let rate = 0;
  let burst = 1;
  const buckets = new Map<string, { tokens: number; at: number }>();
  // 0 when a token was taken, else the whole seconds until one is available
  const take = (path: string): number => {
    if (!(rate > 0)) return 0;
    const now = Date.now() / 1000;
    const b = buckets.get(path) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + (now - b.at) * rate);
    b.at = now;
    buckets.set(path, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate));
  };

  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/__control')) {
      const q = new URL(url, 'http://x').searchParams;
      failLeft = Number(q.get('fail') ?? failLeft);
      limitLeft = Number(q.get('limit429') ?? limitLeft);
      if (q.has('rate') || q.has('burst')) {
        rate = Number(q.get('rate') ?? rate);
        burst = Number(q.get('burst') ?? 0) || Math.max(1, Math.ceil(rate));
        buckets.clear();
      }
      res.writeHead(200);
      res.end(JSON.stringify({ failLeft, limitLeft, rate, burst }));
      return;
    }
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    req.on('end', () => {
      const json = parsePayload(text);
      const webhook = url.startsWith('/services/');
      // The order of slack-sink.mjs: forced failures, then the rate limit, then Slack's own answers.
      const answerFor = (): [number, string, Record<string, string>] => {
        if (failLeft > 0) {
          failLeft--;
          return [500, 'internal_error', {}];
        }
        if (limitLeft > 0) {
          limitLeft--;
          return [429, 'rate_limited', { 'Retry-After': '1' }];
        }
        const wait = req.method === 'POST' && webhook ? take(url) : 0;
        if (wait > 0) return [429, 'rate_limited', { 'Retry-After': String(wait) }];
        if (!webhook) return [404, 'no_service', {}];
        if (req.method !== 'POST' || !json || !(json.text || json.blocks || json.attachments))
          return [400, 'invalid_payload', {}];
        return [200, 'ok', {}];
      };
      const [status, answer, headers] = answerFor();
      const entry = { at: new Date().toISOString(), method: req.method, path: url, headers: req.headers };
      appendFileSync(log, `${JSON.stringify({ ...entry, body: json ?? text, status })}\n`);
      res.writeHead(status, headers);
      res.end(answer);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
