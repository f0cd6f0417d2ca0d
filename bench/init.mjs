// `alarm-to-slack init` against AWS clients that answer after a fixed latency (50 ms per call) from an
// in-memory AWS: wall time, and the sequential round trips on the critical path outside waiters (the
// SDK's GetFunction polls). Runs src/ as modules (bench/modules.mjs); `node bench/init.mjs` runs it alone.
import { pathToFileURL } from 'node:url';
import { latencyMocks, median, SDK_CLIENTS } from './lib.mjs';
import { fakeAwsModule, modules } from './modules.mjs';

const LATENCY_MS = 50;
const RUNS = 3;
const REGION = 'ap-northeast-2';
const ACCOUNT = '123456789012';
/** Waiter polls (and findFunction's GetFunction, which shares the command) are not round trips we can shorten. */
const WAITER = /^GetFunction/;

const module = await modules();
const { run } = await import(module('commands/init.js'));
const { createAwsClients } = await import(module('aws/clients.js'));
const { systemClock } = await import(module('clock.js'));
const { createFakeAws } = await import(await fakeAwsModule());

/** A silent, non-interactive IO with --json (as in CI). */
function quietIO() {
  const noop = () => {};
  const plain = (t) => t;
  return {
    interactive: false,
    json: true,
    debug: false,
    ask: {},
    style: { ok: plain, fail: plain, warn: plain, dim: plain, bold: plain, code: plain },
    progress: { start: noop, done: noop, info: noop, warn: noop, debug: noop },
    result(_human, json) {
      this.doc = json;
    },
  };
}

async function initOnce(fake) {
  const mocks = latencyMocks(SDK_CLIENTS, LATENCY_MS, (key, name, input) => fake.answer(key, name, input));
  const io = quietIO();
  const ctx = {
    globals: { name: 'bench', region: REGION, json: true, yes: true, color: false, debug: false },
    io,
    env: {},
    signal: new AbortController().signal,
    connect: async () => ({ region: REGION, clients: createAwsClients({ region: REGION }) }),
    // Real time for the durations; backoff sleeps return at once (the fake has no propagation delay).
    clock: { ...systemClock, sleep: async () => {} },
  };
  const options = {
    webhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXX',
    instanceId: 'i-0123456789abcdef0',
    verifyWebhook: false,
  };
  const started = performance.now();
  try {
    await run(options, ctx);
  } finally {
    mocks.restore();
  }
  const ms = performance.now() - started;
  if (!io.doc?.ok) throw new Error(`init failed in the benchmark: ${JSON.stringify(io.doc)}`);
  const statuses = new Set(io.doc.steps.map((s) => s.status));
  return { ms, depth: mocks.timeline.depth(WAITER), calls: mocks.timeline.calls.length, statuses };
}

export async function bench() {
  const first = [];
  const again = [];
  for (let i = 0; i < RUNS; i++) {
    const fake = createFakeAws({ account: ACCOUNT, region: REGION });
    first.push(await initOnce(fake));
    again.push(await initOnce(fake));
  }
  if (again.some((r) => r.statuses.size !== 1 || !r.statuses.has('unchanged')))
    throw new Error('the re-run changed something');
  const [one] = first;
  const [two] = again;
  return [
    {
      name: `first run, wall time (${LATENCY_MS} ms per AWS call)`,
      value: median(first.map((r) => r.ms)),
      unit: 'ms',
    },
    {
      name: 'first run, sequential AWS round trips outside waiters',
      value: one.depth,
      unit: 'calls',
      target: 6,
    },
    { name: 'first run, AWS calls in all', value: one.calls, unit: 'calls' },
    {
      name: `re-run (unchanged), wall time (${LATENCY_MS} ms per AWS call)`,
      value: median(again.map((r) => r.ms)),
      unit: 'ms',
    },
    { name: 're-run (unchanged), sequential AWS round trips', value: two.depth, unit: 'calls', target: 6 },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const row of await bench()) {
    const target = row.target === undefined ? '' : `  (target ≤ ${row.target})`;
    console.log(`${row.name.padEnd(60)} ${String(Math.round(row.value)).padStart(6)} ${row.unit}${target}`);
  }
}
