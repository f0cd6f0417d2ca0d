import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    // Tests must never reach the network beyond loopback; see test/setup.ts.
    setupFiles: ['test/setup.ts'],
    // The binary tests run the bundle: built once, before every test file (see test/global-build.ts).
    globalSetup: ['test/global-build.ts'],
  },
});
