import { resolveRegion } from '../../src/aws/clients.js';
import type { CommandContext, GlobalOptions } from '../../src/commands/context.js';
import { type InitOptions, run } from '../../src/commands/init.js';
import { describeError } from '../../src/errors.js';
import { useFakeAws as useSharedFakeAws } from '../fake-aws/vitest.js';
import { ACCOUNT, REGION, testClients } from '../helpers/aws.js';
import { fakeClock } from '../helpers/clock.js';
import { type Answer, type ScriptedIO, scriptedIO } from '../helpers/io.js';

/** An obviously fake webhook URL; its last segment is what a leak scan looks for. */
export const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/XXXXsecretpathXXXX';
export const WEBHOOK_SECRET = 'XXXXsecretpathXXXX';
export const NEW_WEBHOOK = 'https://hooks.slack.com/services/T000/B000/YYYYnewsecretYYYY';
export const INSTANCE = 'i-0123456789abcdef0';

export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:mission-sns`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/mission-lambda-role`;
export const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mission-lambda`;
export const ALARM_ARN = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:mission-cpu-alarm`;

/**
 * The one stateful fake AWS (test/fake-aws), answering every SDK client through aws-sdk-client-mock,
 * fresh per test. Call once per test file, at the top level.
 */
export const useFakeAws = () => useSharedFakeAws();

interface InitRun {
  io: ScriptedIO;
  /** The error init threw (undefined on success) and the exit code the CLI would map it to. */
  error: unknown;
  exitCode: number;
  sleeps: number[];
  /** Everything written to stdout and stderr, and the error message, as one text (for leak scans). */
  allOutput: string;
}

/** Flags of a typical non-interactive first run. */
export function firstRunOptions(overrides: InitOptions = {}): InitOptions {
  return { webhookUrl: WEBHOOK, instanceId: INSTANCE, channel: '#ops', verifyWebhook: false, ...overrides };
}

/** Runs `alarm-to-slack init` as the commander layer would, over scripted IO and the mocked clients. */
export async function runInit(
  opts: {
    options?: InitOptions;
    globals?: Partial<GlobalOptions>;
    env?: NodeJS.ProcessEnv;
    answers?: Answer[];
    interactive?: boolean;
    json?: boolean;
    signal?: AbortSignal;
  } = {},
): Promise<InitRun> {
  const io = scriptedIO({
    answers: opts.answers ?? [],
    interactive: opts.interactive ?? false,
    json: opts.json ?? false,
  });
  const globals: GlobalOptions = {
    name: 'mission',
    region: REGION,
    json: opts.json ?? false,
    yes: !(opts.interactive ?? false),
    color: false,
    debug: false,
    ...opts.globals,
  };
  const env = opts.env ?? {};
  const clock = fakeClock();
  const ctx: CommandContext = {
    globals,
    io,
    env,
    signal: opts.signal ?? new AbortController().signal,
    async connect() {
      const region = await resolveRegion({ flag: globals.region, env });
      return { region, clients: testClients() };
    },
    clock,
  };
  let error: unknown;
  try {
    await run(opts.options ?? firstRunOptions(), ctx);
  } catch (e) {
    error = e;
  }
  const exitCode = error === undefined ? 0 : describeError(error).exitCode;
  const message =
    error === undefined ? '' : `${describeError(error).message}\n${describeError(error).hint ?? ''}`;
  return {
    io,
    error,
    exitCode,
    sleeps: clock.sleeps,
    allOutput: [...io.stdout, ...io.stderr, JSON.stringify(io.resultJson ?? null), message].join('\n'),
  };
}

/** Parses an IAM policy document as sent (JSON text). */
export function policy(
  text: unknown,
): { Statement: Array<Record<string, unknown>> } & Record<string, unknown> {
  return JSON.parse(String(text));
}

/** The JSON result document of a run. */
export function resultDoc(run: InitRun): Record<string, unknown> & {
  resources: Record<string, string | null>;
  steps: Array<{ id: string; status: string; ms: number }>;
} {
  return run.io.resultJson as never;
}
