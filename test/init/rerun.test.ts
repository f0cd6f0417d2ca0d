import { describe, expect, it } from 'vitest';
import {
  firstRunOptions,
  INSTANCE,
  NEW_WEBHOOK,
  resultDoc,
  runInit,
  TOPIC_ARN,
  useFakeAws,
  WEBHOOK,
} from './harness.js';

const aws = useFakeAws();

/** A completed first run; then the call history is cleared so only the re-run's calls are seen. */
async function deployed(options = firstRunOptions()) {
  const first = await runInit({ options });
  expect(first.exitCode).toBe(0);
  aws.clearCalls();
  return aws.fake.snapshot();
}

const decrypted = (ciphertext: string) =>
  Buffer.from(JSON.parse(Buffer.from(ciphertext, 'base64').toString()).p, 'hex')
    .reverse()
    .toString();

describe('init, re-run (update in place)', () => {
  it('with the same answers changes nothing: no create or update call, every step unchanged', async () => {
    const before = await deployed();
    const run = await runInit({ json: true });
    expect(run.exitCode).toBe(0);
    expect(aws.writes()).toEqual([]);
    // The same URL is recognised by decrypting the deployed ciphertext, not by encrypting again.
    expect(aws.inputs('Decrypt')).toHaveLength(1);
    expect(aws.inputs('Decrypt')[0]).toMatchObject({
      EncryptionContext: { LambdaFunctionName: 'mission-lambda' },
    });
    expect(resultDoc(run).steps.map((s) => s.status)).toEqual(Array(14).fill('unchanged'));
    expect(aws.fake.snapshot()).toEqual(before);
    expect(resultDoc(run).resources.topicArn).toBe(TOPIC_ARN);
  });

  it('without a webhook URL keeps the deployed ciphertext: no Decrypt, no Encrypt, no write', async () => {
    const before = await deployed();
    const run = await runInit({ options: firstRunOptions({ webhookUrl: undefined }) });
    expect(run.exitCode).toBe(0);
    expect(aws.writes()).toEqual([]);
    expect(aws.inputs('Decrypt')).toEqual([]);
    expect(aws.fake.snapshot()).toEqual(before);
    expect(run.io.stdout.join('\n')).toContain('the webhook already deployed');
  });

  it('without --channel keeps the deployed channel; an explicit empty one clears it', async () => {
    await deployed();
    await runInit({ options: firstRunOptions({ channel: undefined }) });
    expect(aws.writes()).toEqual([]);
    await runInit({ options: firstRunOptions({ channel: '' }) });
    expect(aws.writes()).toEqual(['UpdateFunctionConfiguration']);
    const [update] = aws.inputs<{ Environment: { Variables: Record<string, string> } }>(
      'UpdateFunctionConfiguration',
    );
    expect(update?.Environment.Variables.slackChannel).toBeUndefined();
  });

  it('a changed threshold updates only the alarm', async () => {
    await deployed();
    const run = await runInit({ options: firstRunOptions({ threshold: '80' }), json: true });
    expect(run.exitCode).toBe(0);
    expect(aws.writes()).toEqual(['PutMetricAlarm']);
    expect(aws.inputs('PutMetricAlarm')[0]).toMatchObject({
      Threshold: 80,
      Dimensions: [{ Name: 'InstanceId', Value: INSTANCE }],
      AlarmActions: [TOPIC_ARN],
      OKActions: [TOPIC_ARN],
    });
    const statuses = Object.fromEntries(resultDoc(run).steps.map((s) => [s.id, s.status]));
    expect(statuses).toMatchObject({ alarm: 'updated', function: 'unchanged', encrypt: 'unchanged' });
  });

  it('a new webhook URL is re-encrypted and only the function configuration is updated', async () => {
    await deployed();
    const run = await runInit({ options: firstRunOptions({ webhookUrl: NEW_WEBHOOK }) });
    expect(run.exitCode).toBe(0);
    expect(aws.writes()).toEqual(['Encrypt', 'UpdateFunctionConfiguration']);
    const [update] = aws.inputs<{ Environment: { Variables: Record<string, string> } }>(
      'UpdateFunctionConfiguration',
    );
    expect(Object.keys(update ?? {}).sort()).toEqual(['Environment', 'FunctionName']);
    const ciphertext = update?.Environment.Variables.kmsEncryptedHookUrl as string;
    expect(decrypted(ciphertext)).toBe(NEW_WEBHOOK);
    expect(update?.Environment.Variables.slackChannel).toBe('#ops');
    expect(aws.inputs('UpdateFunctionCode')).toEqual([]);
  });

  it('replaces a key pending deletion: new key, alias moved, URL re-encrypted, role and function updated', async () => {
    await deployed();
    const oldKeyId = aws.fake.state.aliases.get('alias/mission-kms-key') ?? '';
    aws.fake.find.key(oldKeyId).state = 'PendingDeletion';
    const run = await runInit({ json: true });
    expect(run.exitCode).toBe(0);
    const newKeyId = aws.fake.state.aliases.get('alias/mission-kms-key') ?? '';
    expect(newKeyId).not.toBe(oldKeyId);
    expect(aws.inputs('UpdateAlias')).toEqual([
      { AliasName: 'alias/mission-kms-key', TargetKeyId: newKeyId },
    ]);
    expect(aws.inputs('CreateAlias')).toEqual([]);
    const newKeyArn = aws.fake.find.key(newKeyId).arn;
    expect(aws.inputs('Encrypt')[0]).toMatchObject({ KeyId: newKeyArn });
    expect(aws.inputs('UpdateFunctionConfiguration')[0]).toMatchObject({ KMSKeyArn: newKeyArn });
    expect(aws.inputs('PutRolePolicy')[0]?.PolicyDocument).toContain(newKeyArn);
    expect(resultDoc(run).resources.keyArn).toBe(newKeyArn);
  });

  it('a key being replaced needs the URL again: without it, exit 2 before any write', async () => {
    await deployed();
    const keyId = aws.fake.state.aliases.get('alias/mission-kms-key') ?? '';
    aws.fake.find.key(keyId).state = 'Disabled';
    const run = await runInit({ options: firstRunOptions({ webhookUrl: undefined }) });
    expect(run.exitCode).toBe(2);
    expect(String((run.error as Error).message)).toMatch(/^Missing --webhook-url \(or SLACK_WEBHOOK_URL\)/);
    expect(aws.writes()).toEqual([]);
  });

  it('a ciphertext that does not decrypt to the URL (e.g. another key) is re-encrypted', async () => {
    await deployed();
    const fn = aws.fake.find.function('mission-lambda');
    fn.config.Environment.Variables.kmsEncryptedHookUrl = Buffer.from('garbage').toString('base64');
    const run = await runInit();
    expect(run.exitCode).toBe(0);
    expect(aws.writes()).toEqual(['Encrypt', 'UpdateFunctionConfiguration']);
    expect(decrypted(fn.config.Environment.Variables.kmsEncryptedHookUrl)).toBe(WEBHOOK);
  });

  it('puts back what was removed by hand (the subscription) without duplicating anything', async () => {
    await deployed();
    aws.fake.state.subscriptions.clear();
    const run = await runInit();
    expect(run.exitCode).toBe(0);
    expect(aws.writes()).toEqual(['Subscribe']);
    await runInit();
    expect(aws.fake.state.subscriptions.size).toBe(1);
  });

  it('adopts a stack built by hand without our tag: tags every resource once; the next run writes nothing', async () => {
    await deployed();
    const s = aws.fake.state;
    const holders = [
      ...s.topics.values(),
      ...s.keys.values(),
      ...s.roles.values(),
      ...s.logGroups.values(),
      ...s.functions.values(),
      ...s.alarms.values(),
    ];
    for (const h of holders) h.tags = {};
    const run = await runInit();
    expect(run.exitCode).toBe(0);
    const plan = run.io.stderr.join('\n');
    expect(plan.match(/add tag alarm-to-slack:stack=mission/g)).toHaveLength(6);
    expect([...aws.writes()].sort()).toEqual([
      'TagResource', // SNS topic
      'TagResource', // KMS key
      'TagResource', // log group
      'TagResource', // function
      'TagResource', // alarm
      'TagRole',
    ]);
    expect(aws.inputs('TagRole')).toEqual([
      { RoleName: 'mission-lambda-role', Tags: [{ Key: 'alarm-to-slack:stack', Value: 'mission' }] },
    ]);
    for (const h of holders) expect(h.tags).toEqual({ 'alarm-to-slack:stack': 'mission' });
    aws.clearCalls();
    const again = await runInit({ json: true });
    expect(aws.writes()).toEqual([]);
    expect(resultDoc(again).steps.every((step) => step.status === 'unchanged')).toBe(true);
  });

  it('leaves a resource tagged for another stack as it is, with a warning in the plan', async () => {
    await deployed();
    const topic = aws.fake.find.topic('mission-sns');
    topic.tags = { 'alarm-to-slack:stack': 'other' };
    const run = await runInit();
    expect(run.exitCode).toBe(0);
    expect(aws.writes()).toEqual([]);
    expect(run.io.stderr.join('\n')).toMatch(
      /SNS topic\s+mission-sns\s+unchanged\s+tagged for stack other: teardown of this stack will skip it/,
    );
    expect(topic.tags).toEqual({ 'alarm-to-slack:stack': 'other' });
  });

  it('a failed run that adopted untagged resources removes exactly the tags it added', async () => {
    await deployed();
    const s = aws.fake.state;
    for (const h of [
      ...s.topics.values(),
      ...s.roles.values(),
      ...s.logGroups.values(),
      ...s.alarms.values(),
    ])
      h.tags = { team: 'ops' };
    for (const fn of s.functions.values()) fn.statements = [];
    const before = aws.fake.snapshot();
    aws.fake.failAlways(
      'AddPermission',
      Object.assign(new Error('not authorized to perform: lambda:AddPermission'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const run = await runInit();
    expect(run.exitCode).toBe(1);
    expect(
      aws
        .writes()
        .filter((w) => /^Untag/.test(w))
        .sort(),
    ).toEqual(['UntagResource', 'UntagResource', 'UntagResource', 'UntagRole']);
    expect(aws.fake.snapshot()).toEqual(before);
  });
});
