/**
 * The fake AWS, free of any test framework (bundle it for the benchmark with
 * `npx esbuild test/fake-aws/index.ts --bundle --platform=node --format=esm --packages=external`).
 * Vitest tests use `useFakeAws` from ./vitest.js.
 */
export * from './constants.js';
export { createFakeAws, type FakeAws, type FakeAwsOptions, type Scripted, START_TIME } from './core.js';
export type { InvokeAnswer, InvokeHandler, InvokeRequest } from './env.js';
export { type AwsError, awsError } from './errors.js';
export { type Installed, installFakeAws, SDK_CLIENTS } from './install.js';
export { seedStack } from './seed.js';
export {
  type ForeignAlarm,
  seedAlarm,
  seedEventInvokeConfig,
  seedMapping,
  seedQueue,
  seedRule,
} from './seed-extras.js';
export { type Owner, type StackSpec, stackResources, stackSpec } from './seed-spec.js';
export type * from './types.js';
