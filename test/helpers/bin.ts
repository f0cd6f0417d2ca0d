import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The bundle (dist/cli.js, built by test/global-build.ts before any test) run as a user would: a fresh
 * process in the repository, not in CI's colours, with the instance metadata service off (so that a
 * command reaching AWS without credentials fails at once) and only the environment given.
 */
const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

interface BinRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runBin(
  args: string[],
  opts: { env?: Record<string, string>; cli?: string } = {},
): Promise<BinRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, [opts.cli ?? CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', CI: 'true', AWS_EC2_METADATA_DISABLED: 'true', ...opts.env },
      cwd: root,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
