// `alarm-to-slack teardown --yes` of a complete stack (the fake AWS, seeded) against AWS clients that
// answer after a fixed latency: wall time, and the sequential round trips actually taken (discovery in parallel, then
// the removals, independent ones overlapping). Runs src/ as modules (bench/modules.mjs).
import { latencyMocks, median, SDK_CLIENTS } from './lib.mjs';
import { fakeAwsModule, modules } from './modules.mjs';

const LATENCY_MS = 50;
const ACCOUNT = '123456789012';
const REGION = 'ap-northeast-2';
const STACK = 'mission';
/** What a complete stack has for teardown to remove (the seed's stack: no every-alarm rule). */
const RESOURCES = 10;
function silentIO() {
  const noop = () => {};
  return {
    interactive: false,
    json: true,
    debug: false,
    ask: {},
    progress: { start: noop, done: noop, info: noop, warn: noop, debug: noop },
    style: null,
    document: undefined,
    result(_human, json) {
      this.document = json;
    },
  };
}

async function once({ run, createAwsClients, plainStyle, systemClock, createFakeAws, seedStack }) {
  const io = { ...silentIO(), style: plainStyle };
  const fake = createFakeAws({ account: ACCOUNT, region: REGION });
  seedStack(fake, STACK);
  const mocks = latencyMocks(SDK_CLIENTS, LATENCY_MS, (key, name, input) => fake.answer(key, name, input));
  const started = performance.now();
  try {
    await run(
      { pendingWindow: '7' },
      {
        globals: { name: STACK, json: true, yes: true, color: false, debug: false },
        io,
        env: {},
        signal: new AbortController().signal,
        clock: systemClock,
        connect: async () => ({ region: REGION, clients: createAwsClients({ region: REGION }) }),
      },
    );
  } finally {
    mocks.restore();
  }
  const ms = performance.now() - started;
  if (!io.document?.ok || io.document.removed.length !== RESOURCES)
    throw new Error(
      `bench: teardown did not remove the ${RESOURCES} resources: ${JSON.stringify(io.document)}`,
    );
  return { ms, depth: mocks.timeline.depth(), calls: mocks.timeline.calls.length };
}

export async function bench({ runs = 5 } = {}) {
  const module = await modules();
  const { run } = await import(module('commands/teardown.js'));
  const { createAwsClients } = await import(module('aws/clients.js'));
  const plainStyle = (await import(module('io/style.js'))).createStyle(false);
  const { systemClock } = await import(module('clock.js'));
  const { createFakeAws, seedStack } = await import(await fakeAwsModule());
  const deps = { run, createAwsClients, plainStyle, systemClock, createFakeAws, seedStack };
  await once(deps); // warm the module cache
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await once(deps));
  const depth = Math.max(...samples.map((s) => s.depth));
  return [
    {
      name: `teardown --yes, complete stack (${LATENCY_MS} ms/call, median wall)`,
      value: median(samples.map((s) => s.ms)),
      unit: 'ms',
      target: 9 * LATENCY_MS + 100,
    },
    { name: 'teardown sequential round trips', value: depth, unit: 'calls', target: 8 },
    { name: 'teardown AWS calls in all', value: samples[0]?.calls ?? 0, unit: 'calls' },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await bench()) console.log(`${row.name}: ${Number(row.value.toFixed(1))} ${row.unit}`);
}
