import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Starting and stopping the project's AWS emulator (/work/shared/emulator: moto's server with
 * moto_local.py, and the Slack stand-in) for `E2E_START_EMULATOR=1`, and recognising a running one.
 */
export interface StartedEmulator {
  dir: string;
  runDir: string;
  /** What its env.sh exports (AWS_ENDPOINT_URL, AWS_REGION, EMULATOR_RUN_DIR, EMULATOR_SLACK_URL, …). */
  env: Record<string, string>;
}

/** EMULATOR_DIR, else `<repo>/../shared/emulator` (where CI's clone finds it). */
function emulatorDir(repoRoot: string, env: NodeJS.ProcessEnv): string {
  return resolve(env.EMULATOR_DIR ?? join(repoRoot, '..', 'shared', 'emulator'));
}

/** Ports nobody listens on now, on 127.0.0.1. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((ok, fail) => {
          const s = createServer();
          s.once('error', fail);
          s.listen(0, '127.0.0.1', () => ok(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  return ports;
}

/** `export A=1 B=2` lines of env.sh as a map (unset lines ignored). */
function parseEnvSh(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^export\s+(.*)$/.exec(line.trim());
    if (!m?.[1]) continue;
    for (const pair of m[1].split(/\s+/)) {
      const eq = pair.indexOf('=');
      if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return out;
}

/** Runs start.sh from the repository root (functions import the AWS SDK from its node_modules). */
export async function startEmulator(repoRoot: string, env: NodeJS.ProcessEnv): Promise<StartedEmulator> {
  const dir = emulatorDir(repoRoot, env);
  if (!existsSync(join(dir, 'start.sh')))
    throw new Error(`no emulator at ${dir} (set EMULATOR_DIR to the folder holding start.sh)`);
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import boto3'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      "the emulator's moto needs boto3 for /usr/bin/python3: apt-get install -y python3-boto3 (.ci/run does it)",
    );
  }
  const runDir = mkdtempSync(join(tmpdir(), 'e2e-emulator-'));
  const [awsPort, slackPort] = await freePorts(2);
  execFileSync('bash', [join(dir, 'start.sh'), runDir, String(awsPort), String(slackPort)], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { dir, runDir, env: parseEnvSh(readFileSync(join(runDir, 'env.sh'), 'utf8')) };
}

/** Stops it; its folder (logs, faults, unpacked functions) goes too unless `keep`. */
export function stopEmulator(started: StartedEmulator, keep = false): void {
  execFileSync('bash', [join(started.dir, 'stop.sh'), started.runDir], { stdio: 'ignore' });
  if (!keep) rmSync(started.runDir, { recursive: true, force: true });
}

/** Whether the endpoint is moto's server (its /moto-api/ answers), i.e. the project's emulator. */
export async function isMoto(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(new URL('/moto-api/', endpoint), { signal: AbortSignal.timeout(3000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}
