import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_CREDENTIALS } from './aws.js';
import { type AwsCall, startCallRecorder } from './call-recorder.js';
import { e2e } from './config.js';

/**
 * Runs the built CLI (`node dist/cli.js …`) as a user would: a subprocess with its own temporary HOME
 * and working folder, a clean environment (no profile, no real credentials: test ones, and the
 * loopback endpoint in AWS_ENDPOINT_URL), no TTY. Every run of a test file is kept, so that a test can
 * check afterwards that no output of any run showed a secret, and no file a run wrote holds one.
 */
export interface CliRun {
  args: string[];
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  home: string;
  cwd: string;
  /** The AWS calls the run made, with `record: true`. */
  calls: AwsCall[];
}

interface RunOptions {
  /** Extra environment (e.g. SLACK_WEBHOOK_URL); `undefined` values remove a variable. */
  env?: Record<string, string | undefined>;
  /** Route the CLI's AWS calls through a recorder (CliRun.calls). */
  record?: boolean;
  /** Milliseconds before the run is killed (then code is null). */
  timeoutMs?: number;
}

const runs: CliRun[] = [];

/** Every run made so far by this test file. */
export function allRuns(): readonly CliRun[] {
  return runs;
}

export async function runCli(args: string[], opts: RunOptions = {}): Promise<CliRun> {
  const config = e2e();
  const home = mkdtempSync(join(tmpdir(), 'e2e-home-'));
  const cwd = mkdtempSync(join(tmpdir(), 'e2e-cwd-'));
  const recorder = opts.record ? await startCallRecorder(config.endpoint) : undefined;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    TMPDIR: home,
    NO_COLOR: '1',
    CI: 'true',
    AWS_ENDPOINT_URL: recorder?.url ?? config.endpoint,
    AWS_REGION: config.region,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const [key, value] of Object.entries(opts.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const started = Date.now();
  const child = spawn(process.execPath, [config.cli, ...args], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 180_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exit) => resolve(exit));
  }).finally(() => clearTimeout(timer));
  await recorder?.close();
  const run: CliRun = {
    args,
    code,
    stdout,
    stderr,
    ms: Date.now() - started,
    home,
    cwd,
    calls: recorder?.calls ?? [],
  };
  runs.push(run);
  return run;
}

/** Removes the runs' temporary HOME and working folders (after the file's last look at them). */
export function removeRunFolders(): void {
  for (const run of runs)
    for (const dir of [run.home, run.cwd]) rmSync(dir, { recursive: true, force: true });
}

/** A run's output for an assertion message: what to look at when the exit code is not the one expected. */
export function show(run: CliRun): string {
  return `alarm-to-slack ${run.args.join(' ')} → exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}

/** The JSON document a `--json` run printed on stdout. */
export function jsonOf<T = Record<string, unknown>>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`expected one JSON document on stdout:\n${show(run)}`);
  }
}
