import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { cachedAnswer } from '../src/help-cache.js';
import { buildProgram } from '../src/program.js';
import { runBin } from './helpers/bin.js';

/**
 * `--help` and `--version` from dist/help.json (src/help-cache.ts): answered only where commander would
 * answer the same, and the file the build wrote holds exactly what commander prints.
 */
const _run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

async function bin(cli: string, args: string[]) {
  const { code, stdout, stderr } = await runBin(args, { cli });
  expect(code, stderr).toBe(0);
  return stdout;
}

const temp = mkdtempSync(join(tmpdir(), 'a2s-help-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('cachedAnswer', () => {
  const file = join(temp, 'help.json');
  writeFileSync(
    file,
    JSON.stringify({
      version: '9.8.7',
      width: 80,
      root: 'ROOT HELP\n',
      commands: { init: 'INIT HELP\n', 'every-thing': 'EVERY HELP\n' },
    }),
  );
  const url = pathToFileURL(file);
  const pipe = { isTTY: false };
  const answer = (args: string[], out: { isTTY?: boolean; columns?: number } = pipe) =>
    cachedAnswer(url, args, out);

  it('answers the version, the program help (no argument, --help, -h) and a command help (--help, -h)', () => {
    expect(answer(['--version'])).toBe('9.8.7\n');
    expect(answer(['-v'])).toBe('9.8.7\n');
    expect(answer([])).toBe('ROOT HELP\n');
    expect(answer(['--help'])).toBe('ROOT HELP\n');
    expect(answer(['-h'])).toBe('ROOT HELP\n');
    expect(answer(['init', '--help'])).toBe('INIT HELP\n');
    expect(answer(['init', '-h'])).toBe('INIT HELP\n');
    expect(answer(['every-thing', '--help'])).toBe('EVERY HELP\n');
  });

  it('leaves every other command line to commander', () => {
    for (const args of [
      ['init'],
      ['help'],
      ['help', 'init'],
      ['--help', 'init'],
      ['--json', '--help'],
      ['init', '--help', '--json'],
      ['--version', '--json'],
      ['nosuch', '--help'],
      ['constructor', '--help'],
      ['__proto__', '--help'],
      ['Init', '--help'],
    ])
      expect(answer(args), args.join(' ')).toBeUndefined();
  });

  it('leaves help to commander on a terminal of another width (it wraps to the width); the version it still answers', () => {
    expect(answer(['--help'], { isTTY: true, columns: 120 })).toBeUndefined();
    expect(answer(['init', '--help'], { isTTY: true, columns: 60 })).toBeUndefined();
    expect(answer(['--help'], { isTTY: true, columns: 80 })).toBe('ROOT HELP\n');
    expect(answer(['-v'], { isTTY: true, columns: 120 })).toBe('9.8.7\n');
  });

  it('leaves everything to commander without a readable file', () => {
    expect(cachedAnswer(pathToFileURL(join(temp, 'absent.json')), ['--help'], pipe)).toBeUndefined();
    const broken = join(temp, 'broken.json');
    writeFileSync(broken, '{"version":');
    expect(cachedAnswer(pathToFileURL(broken), ['-v'], pipe)).toBeUndefined();
  });
});

describe('the bundle’s dist/help.json', () => {
  const cli = join(dist, 'cli.js');
  const cache = () =>
    JSON.parse(readFileSync(join(dist, 'help.json'), 'utf8')) as {
      version: string;
      width: number;
      root: string;
      commands: Record<string, string>;
    };

  it('has every command of the program and the package version', () => {
    const names = buildProgram(() => async () => {}).commands.map((c) => c.name());
    expect(Object.keys(cache().commands).sort()).toEqual(names.sort());
    expect(cache().version).toBe(pkg.version);
    expect(cache().width).toBe(80);
  });

  it('prints what commander prints: each --help (cached) against `help <command>` (commander)', async () => {
    expect(await bin(cli, ['--help'])).toBe(await bin(cli, ['help']));
    expect(await bin(cli, ['--help'])).toBe(cache().root);
    for (const name of Object.keys(cache().commands)) {
      const cached = await bin(cli, [name, '--help']);
      expect(cached, name).toBe(await bin(cli, ['help', name]));
      expect(cached, name).toBe(cache().commands[name]);
    }
  });

  it('is what the entry prints from, and without it commander prints the same', async () => {
    // A copy of the package whose help.json says something else: the entry prints that, so it read the file.
    const copy = join(temp, 'package');
    cpSync(dist, join(copy, 'dist'), { recursive: true });
    cpSync(join(root, 'handler-template'), join(copy, 'handler-template'), { recursive: true });
    writeFileSync(join(copy, 'package.json'), JSON.stringify(pkg));
    const original = readFileSync(join(copy, 'dist', 'help.json'), 'utf8');
    const altered = { ...cache(), version: '0.0.0-cached', root: 'cached root help\n' };
    writeFileSync(join(copy, 'dist', 'help.json'), JSON.stringify(altered));
    expect(await bin(join(copy, 'dist', 'cli.js'), ['--help'])).toBe('cached root help\n');
    expect(await bin(join(copy, 'dist', 'cli.js'), ['-v'])).toBe('0.0.0-cached\n');
    rmSync(join(copy, 'dist', 'help.json'));
    expect(await bin(join(copy, 'dist', 'cli.js'), ['--help'])).toBe(JSON.parse(original).root);
    expect(await bin(join(copy, 'dist', 'cli.js'), ['init', '--help'])).toBe(
      JSON.parse(original).commands.init,
    );
    expect(await bin(join(copy, 'dist', 'cli.js'), ['-v'])).toBe(`${pkg.version}\n`);
  });
});
