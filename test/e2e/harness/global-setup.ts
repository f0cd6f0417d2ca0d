import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { type E2EConfig, isLoopbackUrl } from './config.js';
import { isMoto, type StartedEmulator, startEmulator, stopEmulator } from './emulator.js';
import { type SlackReceiver, startSlackReceiver } from './slack-receiver.js';

/**
 * Checks the environment before any test file runs, and hands the tests what it found (E2EConfig).
 * - E2E_START_EMULATOR=1: starts the project's emulator itself (free ports, a temporary folder) and
 *   stops it at the end; otherwise it uses the endpoint in AWS_ENDPOINT_URL (e.g. `. $RUN/env.sh`).
 * - Refuses, with one line and exit 1, to run without AWS_ENDPOINT_URL or with a non-loopback one:
 *   the suite creates and deletes resources and must never reach a real AWS account.
 * - Slack: the emulator's stand-in (EMULATOR_SLACK_URL, log $EMULATOR_RUN_DIR/sink.jsonl), else a
 *   local receiver started here on 127.0.0.1 with the same log format and /__control.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function refuse(message: string, started?: StartedEmulator): never {
  if (started) stopEmulator(started);
  process.stderr.write(`e2e: ${message}\n`);
  process.exit(1);
}

export default async function setup(project: TestProject) {
  const env = process.env;
  let started: StartedEmulator | undefined;
  if (env.E2E_START_EMULATOR === '1') {
    try {
      started = await startEmulator(repoRoot, env);
    } catch (error) {
      refuse(`could not start the emulator: ${error instanceof Error ? error.message : String(error)}`);
    }
    Object.assign(env, started.env);
  }

  const endpoint = env.AWS_ENDPOINT_URL;
  if (!endpoint)
    refuse(
      'AWS_ENDPOINT_URL is not set: the end-to-end suite runs only against a local AWS emulator on 127.0.0.1 (see README, "Testing end to end"), never against a real AWS account.',
    );
  if (!isLoopbackUrl(endpoint))
    refuse(
      `AWS_ENDPOINT_URL=${endpoint} is not a loopback address: refusing to run the end-to-end suite anywhere but a local emulator (it creates and deletes resources).`,
      started,
    );
  const cli = join(repoRoot, 'dist', 'cli.js');
  if (!existsSync(cli))
    refuse('dist/cli.js is missing: run `npm run build` (`npm run test:e2e` does).', started);
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(5000) }).then((r) => r.arrayBuffer());
  } catch {
    refuse(`nothing answers at AWS_ENDPOINT_URL=${endpoint}: start the emulator first.`, started);
  }

  const runDir = env.EMULATOR_RUN_DIR;
  const emulator = runDir && (await isMoto(endpoint)) ? runDir : undefined;
  let receiver: SlackReceiver | undefined;
  let slack: E2EConfig['slack'];
  if (env.EMULATOR_SLACK_URL) {
    if (!runDir)
      refuse('EMULATOR_SLACK_URL is set without EMULATOR_RUN_DIR (where its sink.jsonl is).', started);
    if (!isLoopbackUrl(env.EMULATOR_SLACK_URL)) refuse('EMULATOR_SLACK_URL is not a loopback URL.', started);
    slack = {
      origin: new URL(env.EMULATOR_SLACK_URL).origin,
      log: join(runDir, 'sink.jsonl'),
      kind: 'emulator',
    };
  } else {
    const log = join(mkdtempSync(join(tmpdir(), 'e2e-slack-')), 'sink.jsonl');
    writeFileSync(log, '');
    receiver = await startSlackReceiver(log);
    slack = { origin: receiver.origin, log, kind: 'local' };
  }

  const config: E2EConfig = {
    endpoint,
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    repoRoot,
    cli,
    slack,
    emulator: emulator
      ? {
          runDir: emulator,
          faultsFile: join(emulator, 'faults.json'),
          async: env.HARNESS_ASYNC === '1',
          timeScale: Number(env.HARNESS_TIME_SCALE || 1),
        }
      : null,
  };
  const mode = config.emulator
    ? `the emulator (${config.emulator.async ? `HARNESS_ASYNC=1, time scale ${config.emulator.timeScale}` : 'synchronous delivery'})`
    : 'an AWS-compatible endpoint without fault injection: emulator-only cases are skipped';
  process.stderr.write(`e2e: ${endpoint} is ${mode}; Slack: ${slack.kind} receiver at ${slack.origin}\n`);
  project.provide('e2e', config);

  return async () => {
    await receiver?.close();
    if (receiver) rmSync(dirname(slack.log), { recursive: true, force: true });
    // E2E_KEEP_EMULATOR=1 keeps the folder of an emulator started here, to read its logs.
    if (started) {
      stopEmulator(started, env.E2E_KEEP_EMULATOR === '1');
      if (env.E2E_KEEP_EMULATOR === '1')
        process.stderr.write(`e2e: the emulator's logs are in ${started.runDir}\n`);
    }
  };
}
