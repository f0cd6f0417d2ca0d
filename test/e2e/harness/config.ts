import { inject, type TestContext } from 'vitest';

/**
 * What the global setup found out about the environment, handed to every test file (vitest's
 * provide/inject). Test files read it through `e2e()` and `caps()`, never from process.env directly.
 */
export interface E2EConfig {
  /** The AWS endpoint (always loopback: the suite refuses anything else). */
  endpoint: string;
  region: string;
  /** The repository root; the CLI under test is `<repoRoot>/dist/cli.js`. */
  repoRoot: string;
  cli: string;
  slack: {
    /** Origin of the Slack stand-in, e.g. http://127.0.0.1:8810 (webhook paths are made per stack). */
    origin: string;
    /** Its request log: one JSON line per request ({at, method, path, headers, body, status}). */
    log: string;
    /** 'emulator': the emulator's slack-sink.mjs; 'local': the harness's own receiver. */
    kind: 'emulator' | 'local';
  };
  /** Set when the endpoint is the project's emulator (moto_local.py): fault injection and its logs. */
  emulator: {
    runDir: string;
    faultsFile: string;
    /** HARNESS_ASYNC=1: asynchronous invocation as in AWS (SNS deliveries are queued). */
    async: boolean;
    timeScale: number;
  } | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2e: E2EConfig;
  }
}

export function e2e(): E2EConfig {
  return inject('e2e');
}

/** What this environment can do beyond plain AWS APIs; tests that need more skip with the reason. */
export function caps() {
  const config = e2e();
  return {
    /** Injected AWS errors ($EMULATOR_RUN_DIR/faults.json): only on the emulator. */
    faults: config.emulator !== null,
    /** The emulator's own logs can be searched (for leaked secrets). */
    emulatorLogs: config.emulator !== null,
    async: config.emulator?.async ?? false,
  };
}

/** The reason a capability-dependent test gives when it skips. */
export const NEEDS = {
  faults: 'needs the emulator (fault injection through $EMULATOR_RUN_DIR/faults.json)',
  async:
    "needs the emulator started with HARNESS_ASYNC=1 (AWS's asynchronous invocation: retries, destinations)",
} as const;

/** Skips the test, visibly and with the reason, unless this environment has `capability`. */
export function requires(ctx: TestContext, capability: keyof typeof NEEDS): void {
  if (!caps()[capability]) ctx.skip(NEEDS[capability]);
}

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** True for http(s) URLs whose host is a loopback address: the only endpoints the suite accepts. */
export function isLoopbackUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOST.test(url.hostname);
  } catch {
    return false;
  }
}
