// `status` and `teardown --yes` of a stack that does not exist, the bundle (dist/cli.js) run as a fresh process
// with --endpoint-url against a loopback server that plays AWS (bench/aws-http.mjs, 50 ms per request): the
// time from spawning the process to the first AWS request, the services the command called, and (from the
// `[debug] AWS clients created: …` line that --debug prints, when the CLI prints one) the clients it created.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fakeAwsHttp } from './aws-http.mjs';
import { median } from './lib.mjs';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const LATENCY_MS = 50;
const RUNS = 7;
const COMMANDS = [
  { name: 'status', args: ['status'], exitCode: 1 }, // an absent stack is a problem
  { name: 'teardown --yes', args: ['teardown', '--yes'], exitCode: 0 }, // nothing to remove
];

function runCli(args, env, argv = [cli, ...args]) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ started, ended: performance.now(), code, stderr }));
  });
}

/** The services in the order of their first request, with the count of requests to each. */
function servicesCalled(requests) {
  const counts = new Map();
  for (const r of requests) counts.set(r.service, (counts.get(r.service) ?? 0) + 1);
  return [...counts].map(([service, n]) => `${service}×${n}`).join(', ');
}

async function measure(command, aws, env, baselines) {
  const firsts = [];
  const walls = [];
  let services = '';
  for (let i = 0; i < RUNS; i++) {
    const bare = await runCli([], env, ['-e', '0']); // interleaved, for scale on a busy machine
    baselines.push(bare.ended - bare.started);
    aws.clear();
    const run = await runCli([...command.args, '--endpoint-url', aws.url], env);
    if (run.code !== command.exitCode || aws.requests.length === 0)
      throw new Error(
        `bench: ${command.name} exited ${run.code} after ${aws.requests.length} requests:\n${run.stderr}`,
      );
    firsts.push(Math.min(...aws.requests.map((r) => r.at)) - run.started);
    walls.push(run.ended - run.started);
    services = servicesCalled(aws.requests);
  }
  aws.clear();
  const debug = await runCli([...command.args, '--endpoint-url', aws.url, '--debug'], env);
  const clients = /\[debug\] AWS clients created: (.*)/.exec(debug.stderr)?.[1]?.trim();
  return { first: median(firsts), wall: median(walls), services, clients };
}

export async function bench() {
  const home = await mkdtemp(join(tmpdir(), 'alarm-to-slack-bench-home-'));
  const aws = await fakeAwsHttp({ latencyMs: LATENCY_MS });
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    CI: 'true',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'bench-secret-access-key',
    AWS_REGION: 'ap-northeast-2',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const rows = [];
  const baselines = [];
  try {
    for (const command of COMMANDS) {
      const m = await measure(command, aws, env, baselines);
      rows.push(
        {
          name: `${command.name}: process start → first AWS request (median)`,
          value: m.first,
          unit: 'ms',
          target: 150,
        },
        {
          name: `${command.name}: wall, absent stack (${LATENCY_MS} ms/request, median)`,
          value: m.wall,
          unit: 'ms',
        },
        { name: `${command.name}: services called`, value: m.services.split(', ').length, unit: m.services },
        {
          name: `${command.name}: AWS clients created (--debug)`,
          value: m.clients ? m.clients.split(/,\s*/).length : 0,
          unit: m.clients ?? '(the CLI printed no "[debug] AWS clients created" line)',
        },
      );
    }
    rows.push({ name: 'empty node process, for scale (median, wall)', value: median(baselines), unit: 'ms' });
  } finally {
    await aws.close();
    await rm(home, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await bench()) console.log(`${row.name}: ${Math.round(row.value)} ${row.unit}`);
}
