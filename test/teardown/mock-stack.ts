/**
 * A deployed `mission` stack for the teardown, status and test-command tests: the one stateful fake AWS
 * (test/fake-aws), seeded with the stack (each resource present, tagged for this stack, another one or
 * not at all, or missing: see StackSpec), answering every mocked SDK client. A test may still stub one
 * command with `aws.<client>.on(Command)`: that stub wins over the fake.
 */
import type { CommandContext, GlobalOptions } from '../../src/commands/context.js';
import { STACK } from '../fake-aws/constants.js';
import { createFakeAws, type FakeAws } from '../fake-aws/core.js';
import { seedStack } from '../fake-aws/seed.js';
import { type StackSpec, stackSpec } from '../fake-aws/seed-spec.js';
import { ACCOUNT, type mockAws, REGION, testClients } from '../helpers/aws.js';
import { type FakeClock, fakeClock } from '../helpers/clock.js';
import type { ScriptedIO } from '../helpers/io.js';

export {
  ALARM_ARN,
  BASIC,
  DELETION_DATE,
  INSTANCE,
  KEY_ARN,
  KEY_ID,
  LOG_GROUP,
  STACK,
  SUB_ARN,
  TOPIC_ARN,
} from '../fake-aws/constants.js';
export { awsError } from '../fake-aws/errors.js';

type Aws = ReturnType<typeof mockAws>;

/** The fake's client key of each of mockAws's mocks. */
const CLIENT_KEYS = [
  'sts',
  'sns',
  'kms',
  'lambda',
  'iam',
  'cloudwatch',
  'logs',
  'ec2',
  'sqs',
  'eventbridge',
] as const;

/** Seeds a fresh fake with the stack per `overrides` and makes every mocked client answer from it. */
export function mockStack(aws: Aws, overrides: Partial<StackSpec> = {}): StackSpec & { fake: FakeAws } {
  const fake = createFakeAws({ account: ACCOUNT, region: REGION });
  seedStack(fake, 'mission', overrides);
  for (const key of CLIENT_KEYS) {
    // The mocks' send stubs differ in type per client; each is given the command itself.
    const send = aws[key].send as unknown as {
      callsFake(fn: (command: { constructor: { name: string }; input: object }) => unknown): void;
    };
    send.callsFake(async (command) => fake.answer(key, command.constructor.name, command.input));
  }
  return { ...stackSpec(fake, 'mission'), ...overrides, fake };
}

/** A command context over the mocked clients: `sleeps` records every wait the command asked for. */
export function commandContext(
  io: ScriptedIO,
  opts: {
    name?: string;
    yes?: boolean;
    signal?: AbortSignal;
    globals?: Partial<GlobalOptions>;
    clock?: FakeClock;
  } = {},
): CommandContext & { sleeps: number[]; clock: FakeClock } {
  const clock = opts.clock ?? fakeClock();
  return {
    globals: {
      name: opts.name ?? STACK,
      json: io.json,
      yes: opts.yes ?? false,
      color: false,
      debug: false,
      ...opts.globals,
    },
    io,
    env: {},
    signal: opts.signal ?? new AbortController().signal,
    connect: async () => ({ region: REGION, clients: testClients() }),
    clock,
    sleeps: clock.sleeps,
  };
}

/** The commands sent, as "client.Name" (without "Command"), in order. */
export function callNames(aws: Aws): string[] {
  return aws.calls().map(([client, name]) => `${client}.${name.replace(/Command$/, '')}`);
}

const READ = /\.(Get|List|Describe|Filter)/;
/** Only the write calls, with their inputs. */
export function writes(aws: Aws): Array<[string, unknown]> {
  return aws
    .calls()
    .map(([client, name, input]) => [`${client}.${name.replace(/Command$/, '')}`, input] as [string, unknown])
    .filter(([name]) => !READ.test(name));
}
