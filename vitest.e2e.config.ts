import { defineConfig } from 'vitest/config';

/**
 * The end-to-end suite (`npm run test:e2e`): the built CLI against a local AWS emulator. Not part of
 * `npm test` (vitest.config.ts excludes test/e2e/). Files share the emulator's global state (faults,
 * the Slack stand-in's switches), so they run one at a time.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['test/e2e/harness/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 150_000,
    hookTimeout: 150_000,
    reporters: ['verbose'],
    // The harness's own SDK clients (the inventory of the emulator) warn on Node 20 as the CLI's would;
    // the CLI silences its own (src/aws/clients.ts), and so does the harness, so the log shows test results.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
