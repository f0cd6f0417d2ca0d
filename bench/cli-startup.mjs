// `alarm-to-slack --help` start time: the median of fresh processes of the bundle (dist/cli.js), against an
// empty node process. The runs are interleaved (node, --help, --version, node, …) so that a busy machine
// slows all three alike rather than whichever happened to run during a burst.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './lib.mjs';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function once(args) {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, args, { stdio: 'ignore', env: { ...process.env, CI: 'true' } });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function bench({ runs = 31 } = {}) {
  const kinds = { baseline: ['-e', '0'], help: [cli, '--help'], version: [cli, '--version'] };
  for (const args of Object.values(kinds)) once(args); // warm the file cache
  const samples = { baseline: [], help: [], version: [] };
  for (let i = 0; i < runs; i++)
    for (const [kind, args] of Object.entries(kinds)) samples[kind].push(once(args));
  const [baseline, help, version] = ['baseline', 'help', 'version'].map((k) => median(samples[k]));
  return [
    { name: 'cli --help start (median, wall)', value: help, unit: 'ms' },
    { name: 'cli --version start (median, wall)', value: version, unit: 'ms' },
    { name: 'empty node process (median, wall)', value: baseline, unit: 'ms' },
    { name: 'cli --help over empty node', value: help - baseline, unit: 'ms', target: 15 },
    { name: 'cli --version over empty node', value: version - baseline, unit: 'ms' },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await bench()) console.log(`${row.name}: ${row.value.toFixed(1)} ${row.unit}`);
}
