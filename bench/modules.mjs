// src/ as plain ES modules, one file per source file, with the npm packages left as imports (resolved from
// node_modules). The benchmarks that play AWS by replacing SDK client methods (lib.mjs latencyMocks) run
// these, because the bundle in dist/ carries its own copy of the SDK, which no mock of node_modules reaches.
// Also used by test/manual/fake-aws-cli.mjs. Built once per process (esbuild, well under a second).
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = new URL('../node_modules/.cache/alarm-to-slack/modules/', import.meta.url);
let built;

/** Builds the modules (once); returns the file: URL of one of them, e.g. module('commands/init.js'). */
export async function modules() {
  built ??= (async () => {
    rmSync(outdir, { recursive: true, force: true });
    await esbuild.build({
      absWorkingDir: root,
      entryPoints: ['src/**/*.ts'],
      outbase: 'src',
      outdir: fileURLToPath(outdir),
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'warning',
    });
    // src/ imports the notifier's region table (../handler-template/text.mjs): the same path beside the modules.
    const handler = new URL('../handler-template/', outdir);
    rmSync(handler, { recursive: true, force: true });
    cpSync(new URL('../handler-template/', import.meta.url), handler, { recursive: true });
  })();
  await built;
  return (path) => new URL(path, outdir).href;
}

const fakeOut = new URL('../node_modules/.cache/alarm-to-slack/fake-aws.mjs', import.meta.url);
let fakeBuilt;

/** The tests' stateful fake AWS (test/fake-aws), built once into one module; returns its file: URL. */
export async function fakeAwsModule() {
  fakeBuilt ??= esbuild.build({
    absWorkingDir: root,
    entryPoints: ['test/fake-aws/index.ts'],
    bundle: true,
    packages: 'external',
    outfile: fileURLToPath(fakeOut),
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  await fakeBuilt;
  return fakeOut.href;
}
