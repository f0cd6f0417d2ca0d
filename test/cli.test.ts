import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { CLI, runBin } from './helpers/bin.js';

const _root = fileURLToPath(new URL('..', import.meta.url));
const cli = CLI;

/** The bundle, run as a user would (built by test/global-build.ts before any test). */
const bin = (args: string[], env: Record<string, string> = {}) => runBin(args, { env });

describe('the alarm-to-slack binary', () => {
  it('lists every command with its description in --help', async () => {
    const { code, stdout } = await bin(['--help']);
    expect(code).toBe(0);
    for (const command of [
      'init',
      'test',
      'connect',
      'disconnect',
      'teardown',
      'status',
      'replay',
      'preview',
    ]) {
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
    ['replay', ['--dry-run']],
    ['preview', ['--state', '--source', '--webhook-url']],
    ['connect', ['[alarms...]', '--prefix', '--all', '--states', '--every-alarm', '--dry-run']],
    ['disconnect', ['[alarms...]', '--all', '--every-alarm', '--dry-run']],
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

  it('exits 2 for a profile that exists in neither file, listing the ones that do', async () => {
    const home = mkdtempSync(join(tmpdir(), 'a2s-home-'));
    mkdirSync(join(home, '.aws'));
    writeFileSync(
      join(home, '.aws', 'config'),
      '[default]\nregion = eu-west-1\n[profile dev]\nregion = us-east-1\n[sso-session corp]\nsso_region = us-east-1\n',
    );
    writeFileSync(
      join(home, '.aws', 'credentials'),
      '[ci]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = x\n',
    );
    const { code, stderr, stdout } = await bin(['status', '--profile', 'nosuch'], { HOME: home });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      '--profile "nosuch" is in neither ~/.aws/config nor ~/.aws/credentials; the profiles there: ci, default, dev.',
    );
    expect(stderr).toContain('aws configure --profile nosuch');
    const none = await bin(['status', '--profile', 'nosuch'], { HOME: '/nonexistent-home' });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('they define no profile.');
  });

  it('without a command prints the help, starting with how to begin, and exits 0', async () => {
    const { code, stdout } = await bin([]);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe(
      'Start here: `npx alarm-to-slack init` asks for a Slack webhook URL and sets everything up.',
    );
    expect(stdout).toContain('Usage: alarm-to-slack [options] [command]');
    // A command's own help goes straight to its usage.
    expect((await bin(['init', '--help'])).stdout.split('\n')[0]).toMatch(/^Usage: alarm-to-slack init/);
  });

  it('ends quietly when its output pipe is closed early (| head)', async () => {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cli, 'init', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => {
        err += d;
      });
      child.stdout.destroy(); // the reader went away before the help was written
      child.on('close', (c) => resolve({ code: c, stderr: err }));
    });
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(code).toBe(0);
  });

  it('exits 2 without a region, naming the profile that has none', async () => {
    const home = mkdtempSync(join(tmpdir(), 'a2s-home-'));
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'config'), '[profile noregion]\noutput = json\n');
    const { code, stderr } = await bin(['status', '--profile', 'noregion'], { HOME: home });
    expect(code).toBe(2);
    expect(stderr).toContain('No AWS region (profile "noregion" has none)');
  });

  it('--debug ends a run, a failed one too, with the AWS clients it created; nothing without a client', async () => {
    // Nothing listens on port 9 of the loopback: STS's call fails after the SDK's retries.
    const env = {
      HOME: mkdtempSync(join(tmpdir(), 'a2s-home-')),
      AWS_ACCESS_KEY_ID: 'AKIDTEST',
      AWS_SECRET_ACCESS_KEY: 'x',
    };
    const args = ['status', '--endpoint-url', 'http://127.0.0.1:9', '--region', 'ap-northeast-2'];
    const failed = await bin([...args, '--debug'], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('ECONNREFUSED');
    expect(failed.stderr.trimEnd().split('\n').at(-1)).toBe('[debug] AWS clients created: sts');
    const quiet = await bin(args, env);
    expect(quiet.code).toBe(1);
    expect(quiet.stderr).not.toContain('[debug]');
    // preview never connects to AWS: no line at all.
    const preview = await bin(['preview', '--debug'], env);
    expect(preview.code).toBe(0);
    expect(preview.stderr).not.toContain('AWS clients created');
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
