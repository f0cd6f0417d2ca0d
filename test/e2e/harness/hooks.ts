import { afterAll, afterEach } from 'vitest';
import { removeRunFolders, runCli } from './cli.js';
import { clearFaults } from './faults.js';
import { resetSlack } from './slack.js';
import type { TestStack } from './stack.js';

/**
 * What every e2e file does around its tests: the emulator's faults and the stand-in's switches are
 * global, so they go back to none after each test; and the file's stacks are torn down at the end
 * (so that a run against LocalStack leaves nothing behind either), and the runs' temporary folders go.
 */
export function useE2EHooks(stacks: () => TestStack[]): void {
  afterEach(async () => {
    clearFaults();
    await resetSlack();
  });
  afterAll(async () => {
    for (const s of stacks()) {
      const run = await runCli(['teardown', '--yes', '--name', s.stack]);
      if (run.code !== 0) console.warn(`teardown of ${s.stack} exited ${run.code}:\n${run.stderr}`);
    }
    removeRunFolders();
  });
}
