import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/bin.js';

/**
 * `connect` and `disconnect` through the bundle (built by test/global-build.ts): the positional alarm
 * names reach the command, and bad usage exits 2 with one line before any AWS call (no credentials are
 * given and the instance metadata service is disabled, so an AWS call would fail differently, exit 1).
 */
const bin = (args: string[]) => runBin([...args], { env: { HOME: '/nonexistent' } });

const REGION = ['--region', 'ap-northeast-2'];

describe('alarm-to-slack connect / disconnect (binary)', () => {
  it('connect --help says what it changes and what it never changes', async () => {
    const { code, stdout } = await bin(['connect', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: alarm-to-slack connect [options] [alarms...]');
    expect(stdout).toContain('every other setting of each alarm is sent\nback exactly as it was');
    expect(stdout).toMatch(/--states <list>\s+the states that notify Slack: ALARM,OK \(default\)/);
  });

  it.each([
    [['connect', ...REGION, '--states', 'ALARM,NOPE', '--all'], '--states takes a comma-separated list'],
    [['connect', ...REGION, 'orders-db', '--all'], 'Choose the alarms one way'],
    [['connect', ...REGION, 'a', 'b', '--prefix', 'web-'], 'Choose the alarms one way'],
    [['connect', ...REGION, 'a', '--every-alarm'], '--every-alarm covers every alarm'],
    [['connect', ...REGION], 'Name the alarms to connect, or pass --prefix <prefix> or --all'],
    [['connect', ...REGION, '--every-alarm', '--prefix', ' '], '--prefix must be 1 to 255 characters'],
    [['disconnect', ...REGION, 'a', '--all'], 'Choose the alarms one way: by name, or with --all.'],
    [['disconnect', ...REGION, '--every-alarm', '--all'], '--every-alarm removes the every-alarm rule'],
    [['disconnect', ...REGION], 'Name the alarms to disconnect, or pass --all'],
    [['connect', '--region', 'Seoul', '--all'], 'did you mean --region ap-northeast-2?'],
    [['connect', ...REGION, '--bogus'], "unknown option '--bogus'"],
  ])('%j exits 2 with one line', async (args, message) => {
    const { code, stdout, stderr } = await bin(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.split('\n').filter((l) => /^(✖|error:)/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('--json prints one JSON document for a usage error too', async () => {
    const { code, stdout } = await bin(['connect', ...REGION, '--json', 'a', '--all']);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual({
      ok: false,
      error: { message: 'Choose the alarms one way: by name, with --prefix, or with --all.', exitCode: 2 },
    });
  });

  it('alarm names reach the command: with them (and valid flags) it goes on to AWS (no credentials: exit 1)', async () => {
    const { code, stderr } = await bin(['connect', ...REGION, 'orders-db', 'web-p99', '--yes']);
    expect(code).toBe(1);
    expect(stderr).toContain('No usable AWS credentials');
  });
});
