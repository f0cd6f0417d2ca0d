import { describe, expect, it } from 'vitest';
import { runBin } from '../helpers/bin.js';

/**
 * `init` through the bundle (built by test/global-build.ts): commander's option names reach the command (camelCase keys,
 * --no-* negations), and bad input exits 2 with one line before any AWS call (no credentials are
 * given, and the instance metadata service is disabled, so an AWS call would fail differently).
 */
const init = (args: string[]) => runBin(['init', '--yes', ...args], { env: { HOME: '/nonexistent' } });

const HOOK = ['--webhook-url', 'https://hooks.slack.com/services/T000/B000/XXXX'];
const REGION = ['--region', 'ap-northeast-2'];

describe('alarm-to-slack init (binary)', () => {
  it.each([
    [[...REGION, '--webhook-url', 'not a url', '--no-alarm'], '--webhook-url is not a valid URL'],
    [[...REGION, ...HOOK, '--instance-id', 'i-bad'], 'is not an EC2 instance id'],
    [[...REGION, ...HOOK, '--no-alarm', '--threshold', 'x'], '--threshold must be a number'],
    [[...REGION, ...HOOK, '--instance-id', 'i-0123456789abcdef0', '--threshold', '150'], '0 to 100; got 150'],
    [[...REGION, ...HOOK, '--no-alarm', '--period', '45'], '--period must be 10, 30 or a multiple of 60'],
    [
      [...REGION, ...HOOK, '--no-alarm', '--evaluation-periods', '0'],
      '--evaluation-periods must be at least 1',
    ],
    [[...REGION, ...HOOK, '--no-alarm', '--log-retention-days', '8'], '--log-retention-days must be one of'],
    [
      [...REGION, ...HOOK],
      'Missing --instance-id (or --every-alarm for every alarm of the region, or --no-alarm',
    ],
    [[...REGION, ...HOOK, '--no-alarm', '--instance-id', 'i-0123abcd'], 'contradict'],
    [['--region', 'Seoul', ...HOOK, '--no-alarm'], 'did you mean --region ap-northeast-2?'],
    [[...REGION, '--name', '1abc', ...HOOK, '--no-alarm'], '--name "1abc" is not valid'],
  ])('%j exits 2 with one line', async (args, message) => {
    const { code, stdout, stderr } = await init(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.split('\n').filter((l) => l.startsWith('✖'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
