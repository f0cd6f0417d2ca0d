import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** The bundle, run as a user would (built by test/global-build.ts before any test). */
async function bin(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH ?? '', CI: 'true', AWS_EC2_METADATA_DISABLED: 'true', ...env },
      cwd: root,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the alarm-to-slack binary', () => {
  it('lists every command with its description in --help', async () => {
    const { code, stdout } = await bin(['--help']);
    expect(code).toBe(0);
    for (const command of ['init', 'test', 'teardown', 'status', 'preview']) {
      expect(stdout).toMatch(new RegExp(`^\\s+${command}\\b.*\\S`, 'm'));
    }
    for (const flag of [
      '--name',
      '--region',
      '--profile',
      '--endpoint-url',
      '--json',
      '--yes',
      '--no-color',
      '--debug',
    ]) {
      expect(stdout).toContain(flag);
    }
  });

  it.each([
    ['init', ['--webhook-url', '--instance-id', '--no-alarm', '--threshold', '--dry-run', '--no-rollback']],
    ['test', ['--state', '--through-alarm']],
    ['teardown', ['--pending-window', '--force']],
    ['status', []],
    ['preview', ['--state', '--webhook-url']],
  ])('shows %s --help with its own flags and the global ones', async (command, flags) => {
    const { code, stdout } = await bin([command, '--help']);
    expect(code).toBe(0);
    for (const flag of [...flags, '--name', '--region', '--json', '--yes']) expect(stdout).toContain(flag);
  });

  it('with --json, a failure before any result still prints exactly one JSON document', async () => {
    for (const args of [
      ['status', '--region', 'Seoul', '--json'],
      ['teardown', '--pending-window', '3', '--region', 'us-east-1', '--json'],
      ['status', '--frobnicate', '--json'],
    ]) {
      const { code, stdout } = await bin(args);
      expect(code).toBe(2);
      const doc = JSON.parse(stdout) as { ok: boolean; error: { message: string; exitCode: number } };
      expect(doc.ok).toBe(false);
      expect(doc.error.exitCode).toBe(2);
      expect(doc.error.message).toMatch(/--region|--pending-window|--frobnicate/);
    }
  });

  it('exits 2 without a region, naming the profile that has none', async () => {
    const { code, stderr } = await bin(['status', '--profile', 'nosuch'], { HOME: '/nonexistent-home' });
    expect(code).toBe(2);
    expect(stderr).toContain('No AWS region (profile "nosuch" has none, or does not exist)');
  });

  it('prints the package version', async () => {
    const { code, stdout } = await bin(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('exits 2 with one line on an unknown command', async () => {
    const { code, stderr, stdout } = await bin(['deploy']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain("unknown command 'deploy'");
  });

  it('exits 2 with one line on an unknown flag', async () => {
    const { code, stderr } = await bin(['status', '--frobnicate']);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain("unknown option '--frobnicate'");
  });

  it('exits 2 on a malformed region before touching AWS, with a hint naming the code', async () => {
    const { code, stderr } = await bin(['status', '--region', 'Seoul']);
    expect(code).toBe(2);
    expect(stderr).toContain('--region ap-northeast-2');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
