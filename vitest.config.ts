import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The end-to-end suite has its own config (vitest.e2e.config.ts) and needs an emulator.
    exclude: [...configDefaults.exclude, 'test/e2e/**'],
    environment: 'node',
    testTimeout: 20_000,
    // Tests must never reach the network beyond loopback; see test/setup.ts.
    setupFiles: ['test/setup.ts'],
    // The binary tests run the bundle: built once, before every test file (see test/global-build.ts).
    globalSetup: ['test/global-build.ts'],
  },
});
