import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/errors.js';
import { awsError } from '../fake-aws/index.js';
import type { Answer } from '../helpers/io.js';
import { INSTANCE, runInit, useFakeAws, WEBHOOK, WEBHOOK_SECRET } from './harness.js';

const aws = useFakeAws();

const NO_FLAGS = { verifyWebhook: false };

function prompts(
  overrides: { instance?: unknown; apply?: boolean; test?: boolean; extra?: Answer[] } = {},
): Answer[] {
  return [
    { kind: 'password', match: /Slack incoming-webhook URL/, answer: WEBHOOK },
    { kind: 'input', match: /Channel label/, answer: '#alerts' },
    { kind: 'input', match: /Mention on ALARM/, answer: '<!here>' },
    { kind: 'select', match: /What should notify Slack\?/, answer: 'cpu' },
    { kind: 'select', match: /CPU alarm/, answer: overrides.instance ?? INSTANCE },
    ...(overrides.extra ?? []),
    { kind: 'input', match: /Alarm when average CPU \(%\) is at least/, answer: '85' },
    { kind: 'confirm', match: /Apply this plan\?/, answer: overrides.apply ?? true },
    ...(overrides.apply === false
      ? []
      : [
          {
            kind: 'confirm' as const,
            match: /Send a test alarm to Slack now\?/,
            answer: overrides.test ?? true,
          },
        ]),
  ];
}

describe('init, interactive', () => {
  it('asks for what is missing, offers the running instances, confirms the plan and sends a test alarm', async () => {
    aws.fake.state.instances.push(
      { id: 'i-0fffffffffffffff0', name: undefined, type: 't3.micro' },
      { id: INSTANCE, name: 'web-1', type: 't3.small' },
    );
    const run = await runInit({ interactive: true, options: NO_FLAGS, answers: prompts() });
    expect(run.error).toBeUndefined();
    expect(run.io.remainingAnswers()).toBe(0);
    // Before the first question: what init builds, where and what it costs; then where a webhook URL comes from.
    const stderr = run.io.stderr.join('\n');
    expect(stderr).toContain(
      'init sets up the Slack notifier "mission" in account 123456789012, ap-northeast-2: an SNS topic, a KMS key',
    );
    expect(stderr).toContain('Cost: about 1 USD a month (the KMS key)');
    expect(stderr).toContain('https://api.slack.com/apps → Incoming Webhooks → Add New Webhook to Workspace');
    expect(stderr).toContain('It is stored only encrypted (KMS)');

    const select = run.io.asked.find((a) => a.kind === 'select' && /CPU alarm/.test(a.message));
    expect(select?.choices?.map((c) => c.name)).toEqual([
      `${INSTANCE} (web-1)`,
      'i-0fffffffffffffff0',
      'Type an instance id',
      "No alarm (I'll use the topic in my own alarms)",
    ]);
    expect(aws.inputs('DescribeInstances')).toEqual([
      expect.objectContaining({ Filters: [{ Name: 'instance-state-name', Values: ['running'] }] }),
    ]);
    // The answers reach AWS.
    expect(aws.inputs('PutMetricAlarm')[0]).toMatchObject({
      Threshold: 85,
      Dimensions: [{ Name: 'InstanceId', Value: INSTANCE }],
    });
    expect(aws.inputs('CreateFunction')[0]).toMatchObject({
      Environment: { Variables: { slackChannel: '#alerts', slackMention: '<!here>' } },
    });
    // The test alarm went through the function, and the summary says so.
    expect(aws.inputs('Invoke')).toEqual([expect.objectContaining({ FunctionName: 'mission-lambda' })]);
    expect(run.io.stdout.join('\n')).toContain('Test alarm sent through mission-lambda');
    expect(run.allOutput).not.toContain(WEBHOOK_SECRET);
  });

  it('on a re-run, an empty webhook answer keeps the deployed ciphertext (no Encrypt, no Decrypt, no update)', async () => {
    await runInit({ interactive: true, options: NO_FLAGS, answers: prompts({ test: false }) });
    aws.clearCalls();
    // Same answers otherwise: nothing to change, so no plan to confirm; then the test-alarm offer.
    const rest = prompts({ test: false }).filter(
      (a) => a.kind !== 'password' && !/Apply/.test(a.match.source),
    );
    const run = await runInit({
      interactive: true,
      options: NO_FLAGS,
      answers: [{ kind: 'password', match: /empty: keep the deployed one/, answer: '' }, ...rest],
    });
    expect(run.error).toBeUndefined();
    expect(run.io.remainingAnswers()).toBe(0);
    expect(aws.writes()).toEqual([]);
    expect(aws.inputs('Decrypt')).toEqual([]);
    expect(run.io.stderr.join('\n')).toMatch(/Encrypt the webhook URL — unchanged/);
  });

  it('on a first run, an empty webhook answer is refused by the prompt', async () => {
    const run = await runInit({
      interactive: true,
      options: NO_FLAGS,
      answers: [{ kind: 'password', match: /^Slack incoming-webhook URL$/, answer: '' }],
    });
    expect(String(run.error)).toMatch(
      /rejected by the prompt's validation: This is not a valid URL \(expected https:\/\/hooks.slack.com/,
    );
    expect(aws.writes()).toEqual([]);
  });

  it('Ctrl-C at the last question (send a test alarm?) still prints the summary and exits 0', async () => {
    const answers = prompts().filter((a) => !/Send a test alarm/.test(a.match.source));
    const io = await runInit({
      interactive: true,
      options: NO_FLAGS,
      answers: [
        ...answers,
        {
          kind: 'confirm',
          match: /Send a test alarm to Slack now\?/,
          answer: Object.assign(new Error('User force closed the prompt'), { name: 'ExitPromptError' }),
        },
      ],
    });
    expect(io.error).toBeUndefined();
    expect(io.exitCode).toBe(0);
    expect(io.io.stdout.join('\n')).toMatch(/is ready in/);
    expect(aws.inputs('Invoke')).toEqual([]);
  });

  it('accepts a typed instance id', async () => {
    const run = await runInit({
      interactive: true,
      options: NO_FLAGS,
      answers: prompts({
        instance: 'type',
        extra: [{ kind: 'input', match: /Instance id/, answer: 'i-0aaaaaaaaaaaaaaa1' }],
      }),
    });
    expect(run.error).toBeUndefined();
    expect(aws.inputs('PutMetricAlarm')[0]).toMatchObject({
      Dimensions: [{ Name: 'InstanceId', Value: 'i-0aaaaaaaaaaaaaaa1' }],
    });
  });

  it('"No alarm" skips the alarm and the threshold question', async () => {
    const answers = prompts({ instance: 'none' }).filter((a) => !String(a.match).includes('Alarm when'));
    const run = await runInit({ interactive: true, options: NO_FLAGS, answers });
    expect(run.error).toBeUndefined();
    expect(run.io.remainingAnswers()).toBe(0);
    expect(aws.writes()).not.toContain('PutMetricAlarm');
  });

  it('still offers typing an id when DescribeInstances is denied', async () => {
    aws.fake.failAlways(
      'DescribeInstances',
      awsError('UnauthorizedOperation', 403, 'You are not authorized to perform this operation.'),
    );
    const run = await runInit({
      interactive: true,
      options: NO_FLAGS,
      answers: prompts({
        instance: 'type',
        extra: [{ kind: 'input', match: /Instance id/, answer: INSTANCE }],
      }),
    });
    expect(run.error).toBeUndefined();
    expect(run.io.stderr.join('\n')).toContain('Could not list EC2 instances');
    expect(
      run.io.asked
        .find((a) => a.kind === 'select' && /CPU alarm/.test(a.message))
        ?.choices?.map((c) => c.value),
    ).toEqual(['type', 'none']);
  });

  it('declining the plan exits 1 having changed nothing', async () => {
    const run = await runInit({ interactive: true, options: NO_FLAGS, answers: prompts({ apply: false }) });
    expect(run.error).toBeInstanceOf(CancelledError);
    expect(run.exitCode).toBe(1);
    expect(aws.writes()).toEqual([]);
  });

  it('flags given are not asked again; a failing test alarm is reported but the setup succeeds (exit 0)', async () => {
    aws.fake.failAlways('Invoke', awsError('TooManyRequestsException', 429, 'Rate exceeded'));
    const run = await runInit({
      interactive: true,
      options: {
        webhookUrl: WEBHOOK,
        channel: '',
        mention: '',
        instanceId: INSTANCE,
        threshold: '50',
        verifyWebhook: false,
      },
      answers: [
        { kind: 'confirm', match: /Apply this plan\?/, answer: true },
        { kind: 'confirm', match: /Send a test alarm/, answer: true },
      ],
      json: true,
    });
    expect(run.exitCode).toBe(0);
    expect(run.io.remainingAnswers()).toBe(0);
    const doc = run.io.resultJson as { ok: boolean; testAlarm: { ok: boolean; error: string } };
    expect(doc.ok).toBe(true);
    expect(doc.testAlarm.ok).toBe(false);
    expect(doc.testAlarm.error).toMatch(/Rate exceeded/);
  });

  it('does not ask to confirm when nothing would change', async () => {
    const flags = {
      webhookUrl: WEBHOOK,
      channel: '',
      mention: '',
      instanceId: INSTANCE,
      verifyWebhook: false,
    };
    await runInit({ options: flags });
    aws.clearCalls();
    const run = await runInit({
      interactive: true,
      options: { ...flags, threshold: '50' },
      answers: [{ kind: 'confirm', match: /Send a test alarm/, answer: false }],
    });
    expect(run.error).toBeUndefined();
    expect(run.io.asked.map((a) => a.message)).toEqual(['Send a test alarm to Slack now?']);
    expect(aws.writes()).toEqual([]);
  });

  describe('a re-run defaults to what is deployed', () => {
    /** A first interactive run: #alerts, <!here>, INSTANCE at 85 %. */
    async function deployed() {
      aws.fake.state.instances.push(
        { id: 'i-0fffffffffffffff0', name: 'db-1', type: 't3.micro' },
        { id: INSTANCE, name: 'web-1', type: 't3.small' },
      );
      const first = await runInit({
        interactive: true,
        options: NO_FLAGS,
        answers: prompts({ test: false }),
      });
      expect(first.error).toBeUndefined();
      aws.clearCalls();
    }
    const enter = (extra: Answer[] = []): Answer[] => [
      { kind: 'password', match: /keep the deployed one/, answer: '' },
      {
        kind: 'input',
        match: /^Channel label \(e\.g\. #alerts; empty keeps #alerts, "-" for the webhook's own\)$/,
        answer: '',
      },
      {
        kind: 'input',
        match: /^Mention on ALARM messages \(e\.g\. <!here>; empty keeps <!here>, "-" for none\)$/,
        answer: '',
      },
      { kind: 'select', match: /What should notify Slack\?/, answer: 'cpu' },
      { kind: 'select', match: /CPU alarm/, answer: INSTANCE },
      { kind: 'input', match: /Alarm when average CPU/, answer: '' },
      ...extra,
      { kind: 'confirm', match: /Send a test alarm/, answer: false },
    ];

    it('pressing Enter at every question changes nothing (no write, no plan to confirm)', async () => {
      await deployed();
      const run = await runInit({ interactive: true, options: NO_FLAGS, answers: enter() });
      expect(run.error).toBeUndefined();
      expect(run.io.remainingAnswers()).toBe(0);
      expect(aws.writes()).toEqual([]);
      expect(run.io.asked.map((a) => a.message)).not.toContain('Apply this plan?');
    });

    it('offers the deployed alarm’s instance first', async () => {
      await deployed();
      const run = await runInit({ interactive: true, options: NO_FLAGS, answers: enter() });
      const select = run.io.asked.find((a) => a.kind === 'select' && /CPU alarm/.test(a.message));
      expect(select?.choices?.map((c) => c.value)).toEqual([INSTANCE, 'i-0fffffffffffffff0', 'type', 'none']);
    });

    it('offers the deployed alarm’s instance even when it is not running now', async () => {
      await deployed();
      aws.fake.state.instances = aws.fake.state.instances.filter((i: { id: string }) => i.id !== INSTANCE);
      const run = await runInit({ interactive: true, options: NO_FLAGS, answers: enter() });
      const select = run.io.asked.find((a) => a.kind === 'select' && /CPU alarm/.test(a.message));
      expect(select?.choices?.[0]).toMatchObject({ value: INSTANCE, name: INSTANCE });
      expect(aws.writes()).toEqual([]);
    });

    it('"-" clears the deployed channel and mention', async () => {
      await deployed();
      const answers = enter([{ kind: 'confirm', match: /Apply this plan/, answer: true }]);
      answers[1] = { ...(answers[1] as Answer), answer: '-' } as Answer;
      answers[2] = { ...(answers[2] as Answer), answer: '-' } as Answer;
      const run = await runInit({ interactive: true, options: NO_FLAGS, answers });
      expect(run.error).toBeUndefined();
      expect(aws.writes()).toEqual(['UpdateFunctionConfiguration']);
      const vars = aws.fake.find.function('mission-lambda').config.Environment.Variables;
      expect(vars.slackChannel).toBeUndefined();
      expect(vars.slackMention).toBeUndefined();
      expect(vars.kmsEncryptedHookUrl).toBeTruthy();
    });

    it('reads the function and the alarm once, at once, for all the defaults', async () => {
      await deployed();
      await runInit({ interactive: true, options: NO_FLAGS, answers: enter() });
      const reads = aws.calls().map(([, name]) => name.replace(/Command$/, ''));
      const beforePrompts = reads.slice(0, reads.indexOf('DescribeInstances'));
      // Who, then the function and the alarm for the defaults (tags with the alarm); nothing else.
      expect(beforePrompts.filter((n) => n === 'GetFunction')).toHaveLength(1);
      expect(beforePrompts.filter((n) => n === 'DescribeAlarms')).toHaveLength(1);
      // Then init reads everything once more, right before the plan.
      expect(reads.filter((n) => n === 'GetFunction')).toHaveLength(2);
    });
  });
});
