// `alarm-to-slack --help` start time: the median of fresh processes, against an empty node process.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './lib.mjs';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function time(args, runs) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, args, { stdio: 'ignore', env: { ...process.env, CI: 'true' } });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

export async function bench({ runs = 21 } = {}) {
  time([cli, '--help'], 2); // warm the file cache
  const help = time([cli, '--help'], runs);
  const version = time([cli, '--version'], runs);
  const baseline = time(['-e', '0'], runs);
  return [
    { name: 'cli --help start (median, wall)', value: help, unit: 'ms' },
    { name: 'cli --version start (median, wall)', value: version, unit: 'ms' },
    { name: 'empty node process (median, wall)', value: baseline, unit: 'ms' },
    { name: 'cli --help over empty node', value: help - baseline, unit: 'ms', target: 100 },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await bench()) console.log(`${row.name}: ${row.value.toFixed(1)} ${row.unit}`);
}
