import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach } from 'vitest';
import { ACCOUNT, REGION } from './constants.js';
import { createFakeAws, type FakeAws, type FakeAwsOptions } from './core.js';
import { SDK_CLIENTS } from './install.js';

/** Commands that change nothing in AWS (reads, KMS Decrypt, FilterLogEvents). Everything else is a write. */
const READ = /^(Get|List|Describe|Decrypt|Filter)/;

type Call = [client: string, command: string, input: unknown];
/** What this wiring uses of an aws-sdk-client-mock stub, whatever its client. */
interface Stub {
  reset(): void;
  restore(): void;
  calls(): Array<{ args: unknown[] }>;
  /** The sinon stub of `send`: it is given the command itself (its class name is the command's). */
  send: {
    resetHistory(): void;
    callsFake(fn: (command: { constructor: { name: string }; input: object }) => unknown): unknown;
  };
}

/**
 * Vitest wiring: every SDK client class is mocked (aws-sdk-client-mock) and answers from a fresh fake
 * per test. Call once per test file, at the top level; `setup` runs on each fresh fake (e.g. seedStack).
 * A test may still stub one command with `mocks.<client>.on(Command)`: that stub wins over the fake.
 */
export function useFakeAws(
  opts: Partial<FakeAwsOptions> & { setup?: (fake: FakeAws) => void | Promise<void> } = {},
) {
  const { setup, ...options } = opts;
  const fresh = () => createFakeAws({ account: ACCOUNT, region: REGION, ...options });
  const mocks = {
    sts: mockClient(SDK_CLIENTS.sts),
    sns: mockClient(SDK_CLIENTS.sns),
    kms: mockClient(SDK_CLIENTS.kms),
    lambda: mockClient(SDK_CLIENTS.lambda),
    iam: mockClient(SDK_CLIENTS.iam),
    cloudwatch: mockClient(SDK_CLIENTS.cloudwatch),
    logs: mockClient(SDK_CLIENTS.logs),
    ec2: mockClient(SDK_CLIENTS.ec2),
    sqs: mockClient(SDK_CLIENTS.sqs),
    eventbridge: mockClient(SDK_CLIENTS.eventbridge),
  };
  const stubs = Object.entries(mocks) as unknown as Array<[string, Stub]>;
  const h = {
    mocks,
    fake: fresh(),
    /** Starts over with an empty account (and forgets the calls); `setup` is not run again. */
    freshAccount() {
      h.fake = fresh();
      h.clearCalls();
    },
    /** Forgets the calls made so far (the fake's state stays). */
    clearCalls() {
      for (const [, m] of stubs) m.send.resetHistory();
    },
    /** Every command sent to any client, in order of sending: [clientKey, "XCommand", input]. */
    calls(): Call[] {
      const all: Array<[...Call, number]> = [];
      for (const [key, m] of stubs)
        for (const call of m.calls()) {
          const command = call.args[0] as { constructor: { name: string }; input: unknown };
          all.push([
            key,
            command.constructor.name,
            command.input,
            (call as unknown as { callId: number }).callId,
          ]);
        }
      return all.sort((a, b) => a[3] - b[3]).map(([k, n, i]) => [k, n, i]);
    },
    /** The commands sent as "client.Name", in order. */
    callNames: () => h.calls().map(([k, n]) => `${k}.${n.replace(/Command$/, '')}`),
    /** Names of the calls that change something (everything but Get/List/Describe/Decrypt/Filter). */
    writes: () =>
      h
        .calls()
        .map(([, n]) => n.replace(/Command$/, ''))
        .filter((n) => !READ.test(n)),
    /** Inputs of every call of `command` (e.g. "CreateFunction" or "lambda.TagResource"). */
    inputs<T = Record<string, unknown>>(command: string): T[] {
      const [client, name] = command.includes('.') ? command.split('.') : [undefined, command];
      return h
        .calls()
        .filter(([k, n]) => n === `${name}Command` && (client === undefined || k === client))
        .map(([, , input]) => input as T);
    },
  };
  beforeEach(async () => {
    for (const [, m] of stubs) m.reset();
    h.fake = fresh();
    for (const [key, m] of stubs)
      m.send.callsFake(async (command) => h.fake.answer(key, command.constructor.name, command.input));
    await setup?.(h.fake);
  });
  afterAll(() => {
    for (const [, m] of stubs) m.restore();
  });
  return h;
}
