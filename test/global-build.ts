import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The binary tests (test/cli.test.ts, test/init/cli.test.ts, test/preview.test.ts, test/pack.test.ts) run the
 * bundle in dist/. It is built here, once per run and before any test file starts: none of them runs a stale
 * dist/, and no two builds race (the build empties dist/ first). The unit tests import src/ and need no build.
 */
export default async function buildBundle(): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  await promisify(execFile)(process.execPath, ['scripts/build.mjs'], { cwd: root }).catch((error: Error) => {
    throw new Error(`npm run build failed, so the binary tests cannot run:\n${error.message}`);
  });
}
