import { describe, expect, it } from 'vitest';
import type { GlobalOptions } from '../../src/commands/context.js';
import type { InitOptions } from '../../src/commands/init.js';
import { UsageError } from '../../src/errors.js';
import { firstRunOptions, INSTANCE, resultDoc, runInit, useFakeAws, WEBHOOK } from './harness.js';

const aws = useFakeAws();

type Case = [
  label: string,
  setup: { options?: InitOptions; globals?: Partial<GlobalOptions>; env?: NodeJS.ProcessEnv },
  message: RegExp,
];

const CASES: Case[] = [
  ['a name starting with a digit', { globals: { name: '9lives' } }, /--name "9lives" is not valid/],
  ['a name with an underscore', { globals: { name: 'my_stack' } }, /--name "my_stack" is not valid/],
  [
    'a name too long for AWS names',
    { globals: { name: `a${'b'.repeat(60)}` } },
    /fits AWS's 64-character limit on rule names/,
  ],
  ['a region display name', { globals: { region: 'Seoul' } }, /did you mean --region ap-northeast-2\?/],
  ['a region console name', { globals: { region: 'Asia Pacific (Seoul)' } }, /--region ap-northeast-2/],
  ['a malformed region', { globals: { region: 'moon-1' } }, /is not an AWS region code/],
  [
    'a webhook that is not a URL',
    { options: firstRunOptions({ webhookUrl: 'hooks slack' }) },
    /--webhook-url is not a valid URL/,
  ],
  [
    'a plain-http webhook',
    { options: firstRunOptions({ webhookUrl: 'http://hooks.slack.com/services/T000/B000/XXXX' }) },
    /must use https/,
  ],
  [
    'an invalid SLACK_WEBHOOK_URL',
    { options: firstRunOptions({ webhookUrl: undefined }), env: { SLACK_WEBHOOK_URL: 'ftp://x' } },
    /must use https/,
  ],
  [
    'a threshold that is not a number',
    { options: firstRunOptions({ threshold: 'high' }) },
    /--threshold must be a number/,
  ],
  [
    'a period of 45 s',
    { options: firstRunOptions({ period: '45' }) },
    /--period must be 10, 30 or a multiple of 60/,
  ],
  [
    'a fractional period',
    { options: firstRunOptions({ period: '60.5' }) },
    /--period must be a whole number/,
  ],
  [
    'zero evaluation periods',
    { options: firstRunOptions({ evaluationPeriods: '0' }) },
    /--evaluation-periods must be at least 1/,
  ],
  [
    'a malformed instance id',
    { options: firstRunOptions({ instanceId: 'i-xyz' }) },
    /not an EC2 instance id/,
  ],
  [
    'an instance id of 9 hex digits',
    { options: firstRunOptions({ instanceId: 'i-0123456789' }) },
    /not an EC2 instance id/,
  ],
  [
    'a retention CloudWatch Logs refuses',
    { options: firstRunOptions({ logRetentionDays: '8' }) },
    /--log-retention-days must be one of 1, 3, 5, 7, 14, 30/,
  ],
  [
    '--no-alarm with --instance-id',
    { options: firstRunOptions({ alarm: false }) },
    /--instance-id and --no-alarm contradict/,
  ],
  [
    'no instance and no --no-alarm, not interactive',
    { options: firstRunOptions({ instanceId: undefined }) },
    /^Missing --instance-id \(or --every-alarm for every alarm of the region, or --no-alarm/,
  ],
  [
    'an invalid threshold even with --no-alarm',
    { options: firstRunOptions({ instanceId: undefined, alarm: false, threshold: 'x' }) },
    /--threshold must be a number/,
  ],
];

describe('init validates every input before any AWS call (exit 2)', () => {
  it.each(CASES)('%s', async (_label, setup, message) => {
    const run = await runInit(setup);
    expect(run.error).toBeInstanceOf(UsageError);
    expect(run.exitCode).toBe(2);
    const text = (run.error as Error).message;
    expect(text).toMatch(message);
    expect(text.split('\n')).toHaveLength(1);
    expect(aws.calls()).toEqual([]);
    expect(run.io.stdout).toEqual([]);
  });

  it('accepts the loopback http URL and every boundary value', async () => {
    const run = await runInit({
      options: firstRunOptions({
        webhookUrl: 'http://127.0.0.1:9/services/T000/B000/XXXX',
        threshold: '0.5',
        period: '10',
        evaluationPeriods: '3',
        logRetentionDays: '3653',
        instanceId: 'i-0123abcd',
      }),
    });
    expect(run.exitCode).toBe(0);
    expect(aws.inputs('PutMetricAlarm')[0]).toMatchObject({
      Threshold: 0.5,
      Period: 10,
      EvaluationPeriods: 3,
      Dimensions: [{ Name: 'InstanceId', Value: 'i-0123abcd' }],
    });
    expect(aws.inputs('PutRetentionPolicy')[0]).toMatchObject({ retentionInDays: 3653 });
  });

  it('warns (and goes on) for a webhook host other than hooks.slack.com', async () => {
    const run = await runInit({
      options: firstRunOptions({ webhookUrl: 'https://chat.example.com/hooks/abc' }),
    });
    expect(run.exitCode).toBe(0);
    expect(run.io.stderr.join('\n')).toContain('! The webhook host chat.example.com is not hooks.slack.com');
  });

  it('takes the webhook URL from SLACK_WEBHOOK_URL when the flag is absent', async () => {
    const run = await runInit({
      options: firstRunOptions({ webhookUrl: undefined }),
      env: { SLACK_WEBHOOK_URL: WEBHOOK },
    });
    expect(run.exitCode).toBe(0);
    expect(Buffer.from(aws.inputs<{ Plaintext: Uint8Array }>('Encrypt')[0]?.Plaintext ?? []).toString()).toBe(
      WEBHOOK,
    );
  });

  it('a first run without any webhook URL exits 2 naming the flag, after reading but before any write', async () => {
    const run = await runInit({ options: firstRunOptions({ webhookUrl: undefined }) });
    expect(run.exitCode).toBe(2);
    expect((run.error as Error).message).toBe(
      'Missing --webhook-url (or SLACK_WEBHOOK_URL); it is required when mission-lambda does not exist yet.',
    );
    expect(aws.calls().length).toBeGreaterThan(0);
    expect(aws.writes()).toEqual([]);
  });

  it('without a webhook URL, a function that exists but holds no encrypted URL is not called missing', async () => {
    await runInit();
    const fn = aws.fake.find.function('mission-lambda');
    delete fn.config.Environment.Variables.kmsEncryptedHookUrl;
    aws.clearCalls();
    const run = await runInit({ options: firstRunOptions({ webhookUrl: undefined }) });
    expect(run.exitCode).toBe(2);
    expect((run.error as Error).message).toBe(
      'Missing --webhook-url (or SLACK_WEBHOOK_URL); it is required because mission-lambda exists but has no encrypted webhook URL (kmsEncryptedHookUrl) to keep.',
    );
    expect(aws.writes()).toEqual([]);
  });

  it('uses the defaults (threshold 50, period 60, 1 evaluation period, 30 days) when flags are absent', async () => {
    const run = await runInit({
      options: { webhookUrl: WEBHOOK, instanceId: INSTANCE, verifyWebhook: false },
    });
    expect(run.exitCode).toBe(0);
    expect(aws.inputs('PutMetricAlarm')[0]).toMatchObject({
      Threshold: 50,
      Period: 60,
      EvaluationPeriods: 1,
    });
    expect(aws.inputs('PutRetentionPolicy')[0]).toMatchObject({ retentionInDays: 30 });
  });
});

describe('init --dry-run', () => {
  it('prints the plan of a first run and makes no write call', async () => {
    const run = await runInit({ options: firstRunOptions({ dryRun: true }), json: true });
    expect(run.exitCode).toBe(0);
    expect(aws.writes()).toEqual([]);
    const doc = run.io.resultJson as {
      ok: boolean;
      dryRun: boolean;
      plan: Array<{ resource: string; action: string }>;
    };
    expect(doc.ok).toBe(true);
    expect(doc.dryRun).toBe(true);
    expect(doc.plan.map((p) => p.action)).toEqual(Array(doc.plan.length).fill('create'));
    expect(doc.plan.map((p) => p.resource)).toEqual([
      'SNS topic',
      'SQS queue',
      'KMS key',
      'Webhook URL (encrypted)',
      'IAM role',
      'Log group',
      'Lambda function',
      'Async invocation config',
      'Event source mapping',
      'Lambda permission',
      'SNS subscription',
      'CloudWatch alarm',
    ]);
  });

  it('shows what a re-run would change, with the reason, and changes nothing', async () => {
    await runInit();
    aws.clearCalls();
    const before = aws.fake.snapshot();
    const run = await runInit({
      options: firstRunOptions({ dryRun: true, threshold: '75', logRetentionDays: '90' }),
    });
    expect(run.exitCode).toBe(0);
    expect(aws.writes()).toEqual([]);
    expect(aws.fake.snapshot()).toEqual(before);
    const stdout = run.io.stdout.join('\n');
    expect(stdout).toMatch(/CloudWatch alarm\s+mission-cpu-alarm\s+update\s+threshold 50 → 75/);
    expect(stdout).toMatch(
      /Log group\s+\/aws\/lambda\/mission-lambda\s+update\s+retention 30 days → 90 days/,
    );
    expect(stdout).toMatch(/SNS topic\s+mission-sns\s+unchanged/);
    expect(stdout).toContain('Dry run: nothing was changed.');
    expect(resultDoc(run)).toMatchObject({ dryRun: true });
  });
});
