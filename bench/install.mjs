// What `npx alarm-to-slack` installs before it can start: the packed tarball installed into an empty project
// with an empty npm cache (so every dependency comes from the registry, as on a first run), for this build
// and for today's package (commit 287a408, the last before the bundle), measured the same way in the same
// run, alternately. It downloads from the npm registry: BENCH_INSTALL=0 skips it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { median } from './lib.mjs';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
export const BEFORE_BUNDLE = '287a408';
/** Today's tarball is built once and kept here (it takes a minute: npm ci, tsc). */
const CACHE = join(root, 'node_modules', '.cache', 'alarm-to-slack', 'bench');
const ROUNDS = Number(process.env.BENCH_INSTALL_ROUNDS ?? 2);
const NPM_ENV = {
  ...process.env,
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
};

async function pack(dir, destination) {
  const { stdout } = await run(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', destination],
    {
      cwd: dir,
      env: NPM_ENV,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return join(destination, JSON.parse(stdout)[0].filename);
}

/** Today's package, built from the commit before the bundle: its tree (git archive), npm ci, build, pack. */
async function todaysTarball(tmp) {
  const cached = join(CACHE, `alarm-to-slack-${BEFORE_BUNDLE}.tgz`);
  if (existsSync(cached)) return cached;
  const dir = join(tmp, 'before-bundle');
  await mkdir(dir);
  await run('sh', ['-c', `git archive ${BEFORE_BUNDLE} | tar -x -C "${dir}"`], { cwd: root });
  const opts = { cwd: dir, env: NPM_ENV, maxBuffer: 64 * 1024 * 1024 };
  await run('npm', ['ci', '--no-audit', '--no-fund'], opts);
  await run('npm', ['run', 'build'], opts);
  await mkdir(join(tmp, 'today'));
  const tarball = await pack(dir, join(tmp, 'today'));
  await mkdir(CACHE, { recursive: true });
  await copyFile(tarball, cached);
  await rm(dir, { recursive: true, force: true });
  return cached;
}

/** Size on disk (allocated blocks, as du counts them) of everything under dir, symlinks not followed. */
async function diskUsage(dir) {
  let bytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const stat = await lstat(path);
    bytes += stat.blocks * 512;
    if (entry.isDirectory()) bytes += await diskUsage(path);
  }
  return bytes;
}

/** One install of `tarball` into a fresh empty project with a fresh empty cache. */
async function installOnce(tarball, tmp, label) {
  const project = await mkdtemp(join(tmp, `${label}-`));
  await writeFile(join(project, 'package.json'), '{ "name": "bench-install", "private": true }\n');
  const cache = join(project, '.npm-cache');
  const started = performance.now();
  await run('npm', ['install', '--cache', cache, '--no-audit', '--no-fund', tarball], {
    cwd: project,
    env: NPM_ENV,
  });
  const ms = performance.now() - started;
  const lock = JSON.parse(await readFile(join(project, 'node_modules', '.package-lock.json'), 'utf8'));
  const packages = Object.keys(lock.packages).filter((p) => p.startsWith('node_modules/')).length;
  const bytes = await diskUsage(join(project, 'node_modules'));
  await rm(project, { recursive: true, force: true });
  return { ms, packages, bytes };
}

export async function bench() {
  if (process.env.BENCH_INSTALL === '0') return [];
  const tmp = await mkdtemp(join(tmpdir(), 'alarm-to-slack-install-'));
  try {
    // Both tarballs are alarm-to-slack-<version>.tgz: each is packed into a directory of its own.
    await mkdir(join(tmp, 'ours'));
    const ours = await pack(root, join(tmp, 'ours')); // npm run bench built dist/ first
    const today = await todaysTarball(tmp);
    const runs = { ours: [], today: [] };
    for (let i = 0; i < ROUNDS; i++) {
      runs.ours.push(await installOnce(ours, tmp, 'ours'));
      runs.today.push(await installOnce(today, tmp, 'today'));
    }
    const figures = (list) => ({
      ms: median(list.map((r) => r.ms)),
      packages: list[0].packages,
      mb: list[0].bytes / 1024 / 1024,
    });
    const [o, t] = [figures(runs.ours), figures(runs.today)];
    return [
      { name: 'packages installed', value: o.packages, unit: 'packages', target: 3 },
      { name: 'node_modules on disk', value: o.mb, unit: 'MB', target: 6 },
      { name: `install, empty cache (median of ${ROUNDS})`, value: o.ms, unit: 'ms' },
      { name: `today (${BEFORE_BUNDLE}): packages installed`, value: t.packages, unit: 'packages' },
      { name: `today (${BEFORE_BUNDLE}): node_modules on disk`, value: t.mb, unit: 'MB' },
      {
        name: `today (${BEFORE_BUNDLE}): install, empty cache (median of ${ROUNDS})`,
        value: t.ms,
        unit: 'ms',
      },
      { name: "install time as a share of today's", value: (100 * o.ms) / t.ms, unit: '%', target: 20 },
    ];
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await bench()) console.log(`${row.name}: ${row.value.toFixed(1)} ${row.unit}`);
}
