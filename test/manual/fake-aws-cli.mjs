// @ts-nocheck: a plain-JS developer harness over src/ built as modules (bench/modules.mjs).
// A developer's harness: the CLI against the tests' stateful fake AWS (test/fake-aws), with a small latency per call,
// so that the whole flow (prompts, spinners, plan, steps, summary) can be tried in a real terminal without
// any AWS account and without any network. It runs src/ as modules, not the bundle: the bundle has its own
// copy of the SDK, which the mocks below (on node_modules' SDK clients) would not reach. Commands run one
// after another in one process, sharing the fake account:
//
//   node test/manual/fake-aws-cli.mjs init --then test --then status --then teardown
//
// The fake account has two running instances to pick from. Nothing here is shipped or run by CI.
process.env.AWS_REGION ??= 'ap-northeast-2';
process.env.AWS_ACCESS_KEY_ID = 'fake';
process.env.AWS_SECRET_ACCESS_KEY = 'fake';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

// Loaded by URL so that the type-checker does not pull the built JS into the project.
const { fakeAwsModule, modules } = await import(new URL('../../bench/modules.mjs', import.meta.url).href);
const { createFakeAws, installFakeAws } = await import(await fakeAwsModule());
const fake = createFakeAws({ account: '123456789012', region: process.env.AWS_REGION, clock: Date.now });
fake.state.instances.push(
  { id: 'i-0a1b2c3d4e5f60718', name: 'bastion', type: 't3.micro', state: 'running' },
  { id: 'i-0fedcba9876543210', name: 'web-1', type: 't3.small', state: 'running' },
);
installFakeAws(fake, { latencyMs: Number(process.env.FAKE_AWS_LATENCY_MS ?? 120) });

const { main } = await import((await modules())('cli.js'));
const runs = [[]];
for (const arg of process.argv.slice(2)) {
  if (arg === '--then') runs.push([]);
  else runs.at(-1).push(arg);
}
for (const args of runs) {
  process.stderr.write(`\n$ alarm-to-slack ${args.join(' ')}\n`);
  const code = await main(['node', 'alarm-to-slack', ...args]);
  process.stderr.write(`(exit ${code})\n`);
  process.exitCode = code;
}
