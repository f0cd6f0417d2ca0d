// The notifier's figures: the zip's size, the cold import of its handler module, and the warm per-invocation
// work of the handler itself (formatting, JSON, fetch bookkeeping) against a local Slack, network excluded.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { median } from './lib.mjs';
import { modules } from './modules.mjs';

const INDEX = new URL('../handler-template/index.mjs', import.meta.url).href;

/** Runs `code` as an ES module in a fresh node process; returns the wall time and what it printed. */
function fresh(code) {
  const start = process.hrtime.bigint();
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'], // the SDK's own warnings (e.g. about the Node version) are not figures
  });
  return { wall: Number(process.hrtime.bigint() - start) / 1e6, out };
}

function coldImport(runs) {
  const inProcess = `const t = performance.now(); await import(${JSON.stringify(INDEX)}); console.log(performance.now() - t);`;
  // What the first invocation adds by loading the KMS client (deferred from the import to the first decrypt).
  const kms = `await import(${JSON.stringify(INDEX)}); const t = performance.now();
    const { KMSClient } = await import('@aws-sdk/client-kms'); new KMSClient({ region: 'us-east-1' });
    console.log(performance.now() - t);`;
  fresh(inProcess); // warm the file cache
  const walls = [];
  const imports = [];
  const baselines = [];
  const kmsLoads = [];
  for (let i = 0; i < runs; i++) {
    baselines.push(fresh('0').wall);
    const run = fresh(inProcess);
    walls.push(run.wall);
    imports.push(Number(run.out));
    kmsLoads.push(Number(fresh(kms).out));
  }
  return {
    overBaseline: median(walls) - median(baselines),
    inProcess: median(imports),
    kmsLoad: median(kmsLoads),
  };
}

async function warmInvocation(iterations) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/html' }).end('ok'));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/services/T000/B000/XXXX`;

  // KMS is played in-process: the decrypt happens once per container and is not part of a warm invocation.
  // (the same module instance as the handler's own `import('@aws-sdk/client-kms')`)
  const { KMSClient } = await import('@aws-sdk/client-kms');
  const send = KMSClient.prototype.send;
  KMSClient.prototype.send = async () => ({ Plaintext: new TextEncoder().encode(url) });
  const { createHandler } = await import(INDEX);
  const { sampleSnsEvent } = await import((await modules())('events/sample.js'));
  // A new message each time: the handler skips an alert it has already posted (same MessageId).
  const { randomUUID } = await import('node:crypto');
  const now = new Date();
  const events = Array.from({ length: iterations + 100 }, () =>
    sampleSnsEvent({ stack: 'mission', state: 'ALARM', region: 'ap-northeast-2', now, newId: randomUUID }),
  );
  const handler = createHandler({
    env: { AWS_LAMBDA_FUNCTION_NAME: 'mission-lambda', kmsEncryptedHookUrl: 'Y2lwaGVydGV4dA==' },
    log: () => {},
  });
  const context = { getRemainingTimeInMillis: () => 15_000 };
  const body = JSON.stringify({ text: 'x'.repeat(1500) }); // about the size of an alarm payload
  const bare = async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    await response.text();
  };

  try {
    let n = 0;
    for (let i = 0; i < 100; i++) {
      await handler(events[n++], context);
      await bare();
    }
    const own = [];
    const fetches = [];
    for (let i = 0; i < iterations; i++) {
      const event = events[n++];
      let t = performance.now();
      await handler(event, context);
      own.push(performance.now() - t);
      t = performance.now();
      await bare();
      fetches.push(performance.now() - t);
    }
    return { invocation: median(own), fetch: median(fetches) };
  } finally {
    KMSClient.prototype.send = send;
    server.closeAllConnections();
    server.close();
  }
}

export async function bench({ runs = 15, iterations = 1000 } = {}) {
  const { buildHandlerZip } = await import((await modules())('handler-zip.js'));
  const { zip } = await buildHandlerZip();
  const cold = coldImport(runs);
  const warm = await warmInvocation(iterations);
  return [
    { name: 'handler zip size', value: zip.length, unit: 'bytes', target: 16384 },
    {
      name: 'cold import of index.mjs over empty node (median, wall)',
      value: cold.overBaseline,
      unit: 'ms',
      target: 50,
    },
    { name: 'cold import of index.mjs (median, in-process)', value: cold.inProcess, unit: 'ms' },
    { name: 'first decrypt: loading @aws-sdk/client-kms (median)', value: cold.kmsLoad, unit: 'ms' },
    { name: 'warm invocation, local Slack (median)', value: warm.invocation, unit: 'ms' },
    { name: 'bare fetch to the same server (median)', value: warm.fetch, unit: 'ms' },
    {
      name: 'warm invocation own work (median over bare fetch)',
      value: warm.invocation - warm.fetch,
      unit: 'ms',
      target: 1,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await bench()) {
    const target = row.target === undefined ? '' : ` (target ≤ ${row.target})`;
    console.log(
      `${row.name}: ${Number.isInteger(row.value) ? row.value : row.value.toFixed(3)} ${row.unit}${target}`,
    );
  }
}
