import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { stackNames } from '../src/names.js';
import { regionCodeForName } from '../src/regions.js';
import {
  maskWebhookUrl,
  validateEvaluationPeriods,
  validateInstanceId,
  validateLogRetention,
  validatePendingWindow,
  validatePeriod,
  validateRegion,
  validateStackName,
  validateState,
  validateThreshold,
  validateWebhookUrl,
} from '../src/validate.js';

const PLACEHOLDER = 'https://hooks.slack.com/services/T000/B000/XXXX';

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('names', () => {
  it('derives exactly the tutorial names for "mission"', () => {
    expect(stackNames('mission')).toEqual({
      stack: 'mission',
      topic: 'mission-sns',
      keyAlias: 'alias/mission-kms-key',
      role: 'mission-lambda-role',
      policy: 'mission-kms-decrypt',
      functionName: 'mission-lambda',
      alarm: 'mission-cpu-alarm',
      logGroup: '/aws/lambda/mission-lambda',
      queue: 'mission-undelivered',
      queuePolicy: 'mission-undelivered-queue',
      rule: 'mission-alarm-events',
    });
  });
});

describe('validateStackName', () => {
  it('accepts letters, digits and hyphens starting with a letter', () => {
    expect(validateStackName('mission-2')).toBe('mission-2');
  });
  it.each(['2fast', '-x', 'has space', 'under_score', 'émoji', ''])('rejects %j', (name) => {
    expect(usage(() => validateStackName(name))).toMatch(/--name/);
  });
  it('keeps every derived name within 64 characters', () => {
    const longest = 'a'.repeat(51);
    const names = stackNames(longest);
    expect(names.rule).toHaveLength(64);
    for (const name of [names.role, names.functionName, names.topic, names.queue]) {
      expect(name.length).toBeLessThanOrEqual(64);
    }
    expect(validateStackName(longest)).toBe(longest);
    expect(usage(() => validateStackName(`${longest}b`))).toMatch(
      /at most 51 so that "a{51}b-alarm-events" fits/,
    );
  });
});

describe('validateRegion', () => {
  it.each(['ap-northeast-2', 'us-east-1', 'us-gov-west-1', 'cn-northwest-1', 'eu-central-2'])(
    'accepts %s',
    (r) => {
      expect(validateRegion(r)).toBe(r);
    },
  );
  it.each([
    ['Seoul', 'ap-northeast-2'],
    ['Asia Pacific (Seoul)', 'ap-northeast-2'],
    ['EU - Ireland', 'eu-west-1'],
    ['Europe (Ireland)', 'eu-west-1'],
    ['N. Virginia', 'us-east-1'],
  ])('hints the code for the display name %j', (name, code) => {
    expect(usage(() => validateRegion(name))).toContain(`--region ${code}`);
    expect(regionCodeForName(name)).toBe(code);
  });
  it('rejects nonsense without a wrong hint', () => {
    expect(usage(() => validateRegion('moon-base'))).not.toContain('did you mean');
  });
});

describe('validateWebhookUrl', () => {
  it('accepts https Slack URLs without a warning', () => {
    expect(validateWebhookUrl(PLACEHOLDER).warning).toBeUndefined();
  });
  it.each([
    'http://localhost:8080/hook',
    'http://127.0.0.1:9/x',
    'http://127.4.5.6/x',
    'http://[::1]:3000/x',
  ])('accepts http to the loopback host %s', (url) => {
    expect(validateWebhookUrl(url).url.protocol).toBe('http:');
  });
  it('rejects http elsewhere and non-URLs, without echoing the URL', () => {
    const message = usage(() => validateWebhookUrl('http://hooks.slack.com/services/T000/B000/XXXX'));
    expect(message).toMatch(/https/);
    expect(message).not.toContain('T000');
    expect(usage(() => validateWebhookUrl('not a url'))).toMatch(/not a valid URL/);
    expect(usage(() => validateWebhookUrl('ftp://hooks.slack.com/x'))).toMatch(/https/);
  });
  it('warns for a Slack-compatible host', () => {
    expect(validateWebhookUrl('https://chat.example.com/hooks/abc').warning).toMatch(/chat\.example\.com/);
  });
  it('masks the path: host and a masked path only', () => {
    const masked = maskWebhookUrl(PLACEHOLDER);
    expect(masked).toBe('hooks.slack.com/services/T000/****');
    expect(masked).not.toContain('XXXX');
    expect(maskWebhookUrl('https://chat.example.com/secret')).toBe('chat.example.com/****');
  });
});

describe('numeric and id validators', () => {
  it('threshold is a number', () => {
    expect(validateThreshold('80.5')).toBe(80.5);
    expect(usage(() => validateThreshold('high'))).toMatch(/--threshold/);
    expect(validateThreshold('0')).toBe(0);
    expect(validateThreshold('100')).toBe(100);
    expect(usage(() => validateThreshold('101'))).toBe('--threshold is a CPU percentage, 0 to 100; got 101.');
    expect(usage(() => validateThreshold('-5'))).toBe('--threshold is a CPU percentage, 0 to 100; got -5.');
    expect(usage(() => validateThreshold(''))).toMatch(/--threshold/);
  });
  it('period is 10, 30 or a multiple of 60', () => {
    for (const ok of ['10', '30', '60', '300', '3600']) expect(validatePeriod(ok)).toBe(Number(ok));
    for (const bad of ['0', '20', '90', '-60', '60.5'])
      expect(usage(() => validatePeriod(bad))).toMatch(/--period/);
  });
  it('evaluation periods ≥ 1', () => {
    expect(validateEvaluationPeriods('3')).toBe(3);
    expect(usage(() => validateEvaluationPeriods('0'))).toMatch(/at least 1/);
  });
  it('instance id is i- and 8 or 17 hex digits', () => {
    expect(validateInstanceId('i-0a1b2c3d4e5f60718')).toBe('i-0a1b2c3d4e5f60718');
    expect(validateInstanceId('i-0a1b2c3d')).toBe('i-0a1b2c3d');
    for (const bad of ['i-0a1b2c3', 'i-0a1b2c3d4e5f6071', 'i-XYZ12345', 'sg-0a1b2c3d']) {
      expect(usage(() => validateInstanceId(bad))).toMatch(/--instance-id/);
    }
  });
  it('retention is one CloudWatch Logs accepts', () => {
    expect(validateLogRetention('30')).toBe(30);
    expect(validateLogRetention('3653')).toBe(3653);
    expect(usage(() => validateLogRetention('31'))).toMatch(/--log-retention-days/);
  });
  it('pending window is 7–30 days', () => {
    expect(validatePendingWindow('7')).toBe(7);
    expect(validatePendingWindow('30')).toBe(30);
    expect(usage(() => validatePendingWindow('6'))).toMatch(/7 to 30/);
    expect(usage(() => validatePendingWindow('31'))).toMatch(/7 to 30/);
  });
  it('state is ALARM, OK or INSUFFICIENT_DATA', () => {
    expect(validateState('ok')).toBe('OK');
    expect(usage(() => validateState('broken'))).toMatch(/--state/);
  });
});
