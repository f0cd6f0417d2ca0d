import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRuntimeFile } from '../src/handler-zip.js';

/**
 * The package as npm would publish it: `npm pack` of the bundle that test/global-build.ts built (scripts
 * skipped, offline), extracted into a temp dir and run from outside the repo, where no node_modules can
 * stand in for a file that `files` in package.json forgot.
 */
const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
/** Where scripts/build.mjs keeps the metafile of the last build (METAFILE there). */
const METAFILE = join(root, 'node_modules', '.cache', 'alarm-to-slack', 'metafile.json');

interface Metafile {
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

let tmp: string;
let packed: string[];
let pkgDir: string;
let metafile: Metafile;
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };

beforeAll(async () => {
  metafile = JSON.parse(await readFile(METAFILE, 'utf8')) as Metafile;
  tmp = await mkdtemp(join(tmpdir(), 'alarm-to-slack-pack-'));
  const { stdout } = await run(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--offline', '--pack-destination', tmp],
    { cwd: root, env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' } },
  );
  const [result] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  packed = result.files.map((f) => f.path);
  await run('tar', ['-xzf', join(tmp, result.filename), '-C', tmp]);
  pkgDir = join(tmp, 'package');
  await mkdir(join(tmp, 'home'));
}, 60_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The extracted package's binary, from the temp dir, with an empty HOME and no AWS configuration. */
async function packagedBin(args: string[]) {
  return run(process.execPath, [join(pkgDir, 'dist', 'cli.js'), ...args], {
    cwd: tmp,
    env: { PATH: process.env.PATH ?? '', HOME: join(tmp, 'home'), CI: 'true' },
  });
}

/** The handler modules `preview` imports, as named in its source (handlerModuleUrl('…')). */
async function previewImports(): Promise<string[]> {
  const source = await readFile(join(root, 'src', 'commands', 'preview.ts'), 'utf8');
  return [...source.matchAll(/handlerModuleUrl\('([^']+)'\)/g)].map((m) => `handler-template/${m[1]}`);
}

/** The files beside dist/cli.js that the entry reads, as named in its source (new URL('./…', import.meta.url)). */
async function entryReads(): Promise<string[]> {
  const source = await readFile(join(root, 'src', 'bin.ts'), 'utf8');
  return [...source.matchAll(/new URL\('\.\/([^']+)', import\.meta\.url\)/g)].map((m) => `dist/${m[1]}`);
}

describe('the packed tarball', () => {
  it('holds every file the CLI reads at run time', async () => {
    const outputs = Object.keys(metafile.outputs).filter((f) => f.endsWith('.js'));
    // The list is the build's own: the entry and the chunks of each command and the SDK.
    expect(outputs).toContain('dist/cli.js');
    expect(outputs.filter((f) => f.startsWith('dist/chunks/')).length).toBeGreaterThan(5);
    const handler = (await readdir(join(root, 'handler-template')))
      .filter(isRuntimeFile)
      .map((f) => `handler-template/${f}`);
    expect(handler).toContain('handler-template/index.mjs');
    const fromPreview = await previewImports();
    expect(fromPreview.length).toBeGreaterThan(0);
    const fromEntry = await entryReads();
    expect(fromEntry).toEqual(['dist/help.json']);
    const needed = new Set([
      ...outputs,
      ...fromEntry,
      ...handler,
      ...fromPreview,
      'package.json',
      'README.md',
      'LICENSE',
      'THIRD-PARTY-NOTICES.md',
    ]);
    expect([...needed].filter((f) => !packed.includes(f))).toEqual([]);
  });

  it('declares no runtime dependencies and a bin that is in it', async () => {
    const manifest = JSON.parse(await readFile(join(pkgDir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      bin: Record<string, string>;
    };
    expect(Object.keys(manifest.dependencies ?? {})).toEqual([]);
    for (const bin of Object.values(manifest.bin)) expect(packed).toContain(bin.replace(/^\.\//, ''));
  });

  it('names every package with code in the bundle, with its version, in the notices', async () => {
    const notices = await readFile(join(pkgDir, 'THIRD-PARTY-NOTICES.md'), 'utf8');
    const dirs = new Set<string>();
    for (const output of Object.values(metafile.outputs))
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        const dir = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
        if (dir && bytesInOutput > 0) dirs.add(dir);
      }
    expect(dirs.size).toBeGreaterThan(10);
    for (const dir of dirs) {
      const { name, version } = JSON.parse(await readFile(join(root, dir, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
      };
      expect(notices).toContain(`| ${name} | ${version} |`);
    }
  });
});

describe('the extracted package, run outside the repo', () => {
  it('prints its version and help', async () => {
    expect((await packagedBin(['--version'])).stdout.trim()).toBe(pkg.version);
    const { stdout } = await packagedBin(['--help']);
    for (const command of ['init', 'test', 'connect', 'disconnect', 'teardown', 'status', 'preview'])
      expect(stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  it('runs preview, which imports handler-template/', async () => {
    const { stdout, stderr } = await packagedBin(['preview', '--state', 'OK', '--json', '--name', 'mission']);
    expect(stderr).toBe('');
    const payload = JSON.parse(stdout) as { text: string };
    expect(payload.text).toBe('✅ RESOLVED: mission-cpu-alarm in US East (N. Virginia)');
  });

  it('loads every chunk without any node_modules to fall back on', async () => {
    const files = packed.filter((f) => f.startsWith('dist/') && f.endsWith('.js'));
    const script = `for (const f of ${JSON.stringify(files)}) await import(new URL(f, ${JSON.stringify(`file://${pkgDir}/`)}));`;
    const { stderr } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: tmp,
      env: { PATH: process.env.PATH ?? '', HOME: join(tmp, 'home'), CI: 'true' },
    });
    expect(stderr).toBe('');
  });
});
