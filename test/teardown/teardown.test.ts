import { ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { DeleteFunctionCommand } from '@aws-sdk/client-lambda';
import { DeleteTopicCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/teardown.js';
import { mockAws, REGION } from '../helpers/aws.js';
import { scriptedIO } from '../helpers/io.js';
import {
  awsError,
  BASIC,
  callNames,
  commandContext,
  DELETION_DATE,
  KEY_ID,
  LOG_GROUP,
  mockStack,
  SUB_ARN,
  TOPIC_ARN,
  writes,
} from './mock-stack.js';

const aws = mockAws();
const QUEUE_URL = `https://sqs.${REGION}.amazonaws.com/123456789012/mission-undelivered`;
const MAPPING_UUID = 'b7e1f3a2-0000-4000-8000-000000000007';
beforeEach(() => aws.reset());
afterAll(() => aws.restore());

/** Every write a complete teardown of `mission` makes, with its exact input. */
const COMPLETE_WRITES: Array<[string, unknown]> = [
  ['cloudwatch.DeleteAlarms', { AlarmNames: ['mission-cpu-alarm'] }],
  ['sns.Unsubscribe', { SubscriptionArn: SUB_ARN }],
  ['lambda.DeleteFunction', { FunctionName: 'mission-lambda' }],
  ['sns.DeleteTopic', { TopicArn: TOPIC_ARN }],
  ['logs.DeleteLogGroup', { logGroupName: LOG_GROUP }],
  ['iam.DetachRolePolicy', { RoleName: 'mission-lambda-role', PolicyArn: BASIC }],
  ['iam.DeleteRolePolicy', { RoleName: 'mission-lambda-role', PolicyName: 'mission-kms-decrypt' }],
  ['iam.DeleteRole', { RoleName: 'mission-lambda-role' }],
  ['kms.ScheduleKeyDeletion', { KeyId: KEY_ID, PendingWindowInDays: 7 }],
  ['kms.DeleteAlias', { AliasName: 'alias/mission-kms-key' }],
  ['iam.DeleteRolePolicy', { RoleName: 'mission-lambda-role', PolicyName: 'mission-undelivered-queue' }],
  ['lambda.DeleteEventSourceMapping', { UUID: MAPPING_UUID }],
  ['sqs.DeleteQueue', { QueueUrl: QUEUE_URL }],
];
/** The stack as it was before the undelivered-alert queue (what the key and empty cases seed). */
const NO_QUEUE = { queue: false, invokeConfig: false, mapping: false, queuePolicy: undefined } as const;

const sorted = (list: Array<[string, unknown]>) =>
  [...list].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
const indexOf = (names: string[], name: string) => {
  const i = names.indexOf(name);
  expect(i, `${name} was called`).toBeGreaterThanOrEqual(0);
  return i;
};

describe('teardown of a complete stack', () => {
  it('removes every resource with the exact inputs, in dependency order, and reports the key deletion', async () => {
    mockStack(aws);
    const io = scriptedIO({ json: true });
    await run({ pendingWindow: '7' }, commandContext(io, { yes: true }));

    expect(sorted(writes(aws))).toEqual(sorted(COMPLETE_WRITES));
    const names = writes(aws).map(([n]) => n);
    // Nothing goes before what depends on it.
    const fn = indexOf(names, 'lambda.DeleteFunction');
    expect(fn).toBeGreaterThan(indexOf(names, 'cloudwatch.DeleteAlarms'));
    expect(fn).toBeGreaterThan(indexOf(names, 'sns.Unsubscribe'));
    for (const after of ['logs.DeleteLogGroup', 'iam.DeleteRole', 'kms.ScheduleKeyDeletion'])
      expect(indexOf(names, after)).toBeGreaterThan(fn);
    expect(indexOf(names, 'kms.DeleteAlias')).toBeGreaterThan(indexOf(names, 'kms.ScheduleKeyDeletion'));
    expect(indexOf(names, 'iam.DeleteRole')).toBeGreaterThan(indexOf(names, 'iam.DetachRolePolicy'));
    expect(indexOf(names, 'iam.DeleteRole')).toBeGreaterThan(indexOf(names, 'iam.DeleteRolePolicy'));
    expect(indexOf(names, 'sns.DeleteTopic')).toBeGreaterThan(indexOf(names, 'sns.Unsubscribe'));
    expect(indexOf(names, 'sns.DeleteTopic')).toBeGreaterThan(indexOf(names, 'cloudwatch.DeleteAlarms'));
    // The queue goes once nothing drains it any more.
    expect(indexOf(names, 'sqs.DeleteQueue')).toBeGreaterThan(
      indexOf(names, 'lambda.DeleteEventSourceMapping'),
    );
    expect(indexOf(names, 'sqs.DeleteQueue')).toBeGreaterThan(indexOf(names, 'lambda.DeleteFunction'));
    // Independent removals overlap: the alarm and the subscription go first together, and the topic
    // does not wait for the function.
    expect(new Set(names.slice(0, 3))).toEqual(
      new Set(['cloudwatch.DeleteAlarms', 'sns.Unsubscribe', 'lambda.DeleteEventSourceMapping']),
    );
    expect(new Set(names.slice(3, 5))).toEqual(new Set(['lambda.DeleteFunction', 'sns.DeleteTopic']));

    // Discovery: the caller first, then every lookup before any removal; afterwards only the role's
    // removal lists its policies again (what is attached at that moment is what must be detached).
    const all = callNames(aws);
    expect(all[0]).toBe('sts.GetCallerIdentity');
    const firstWrite = all.findIndex((n) => !/\.(Get|List|Describe)/.test(n));
    expect(all.slice(1, firstWrite).sort()).toEqual(
      [
        'cloudwatch.DescribeAlarms', // the stack's alarm
        'cloudwatch.DescribeAlarms', // every alarm, for those connected to the topic
        'cloudwatch.ListTagsForResource',
        'eventbridge.DescribeRule',
        'eventbridge.ListTagsForResource',
        'eventbridge.ListTargetsByRule',
        'iam.GetRole',
        'iam.GetRolePolicy',
        'iam.GetRolePolicy',
        'iam.ListAttachedRolePolicies',
        'iam.ListRolePolicies',
        'kms.DescribeKey',
        'kms.ListResourceTags',
        'lambda.GetFunction',
        'lambda.GetFunctionEventInvokeConfig',
        'lambda.ListEventSourceMappings',
        'lambda.ListTags',
        'logs.DescribeLogGroups',
        'logs.ListTagsForResource',
        'sns.GetTopicAttributes',
        'sns.ListSubscriptionsByTopic',
        'sns.ListTagsForResource',
        'sqs.GetQueueAttributes',
        'sqs.GetQueueUrl',
        'sqs.ListQueueTags',
      ].sort(),
    );
    expect(
      all
        .slice(firstWrite)
        .filter((n) => /\.(Get|List|Describe)/.test(n))
        .sort(),
    ).toEqual(['iam.ListAttachedRolePolicies', 'iam.ListRolePolicies']);

    expect(io.asked).toEqual([]);
    const doc = io.resultJson as Record<string, unknown>;
    expect(doc).toMatchObject({
      ok: true,
      stack: 'mission',
      region: REGION,
      skipped: [],
      failed: [],
      keyId: KEY_ID,
      keyDeletionDate: DELETION_DATE.toISOString(),
    });
    expect((doc.removed as Array<{ resource: string }>).map((r) => r.resource).sort()).toEqual(
      [
        'CloudWatch alarm',
        'Event source mapping',
        'IAM role',
        'KMS alias',
        'KMS key',
        'Lambda function',
        'Log group',
        'SNS subscription',
        'SNS topic',
        'SQS queue',
      ].sort(),
    );
  });

  it('says in human output when the key goes and how to keep it', async () => {
    mockStack(aws);
    const io = scriptedIO();
    await run({ pendingWindow: '7' }, commandContext(io, { yes: true }));
    const out = io.stdout.join('\n');
    expect(out).toContain('will be deleted on 2026-12-02');
    expect(out).toContain(`aws kms cancel-key-deletion --key-id ${KEY_ID} --region ${REGION}`);
    expect(out).toContain(`aws kms enable-key --key-id ${KEY_ID} --region ${REGION}`);
    expect(out).toMatch(/✔ removed\s+Lambda function\s+mission-lambda/);
    // The plan was shown on stderr before anything was removed.
    expect(io.stderr.join('\n')).toMatch(/remove\s+SNS topic\s+mission-sns/);
    expect(io.stderr.join('\n')).toMatch(
      /✔ Remove Lambda function mission-lambda — removed, with its permissions and failure destination/,
    );
  });

  it('passes --pending-window to ScheduleKeyDeletion', async () => {
    mockStack(aws);
    await run({ pendingWindow: '30' }, commandContext(scriptedIO(), { yes: true }));
    expect(aws.kms.commandCalls(ScheduleKeyDeletionCommand).map((c) => c.args[0].input)).toEqual([
      { KeyId: KEY_ID, PendingWindowInDays: 30 },
    ]);
  });
});

describe('teardown of a partial or empty stack', () => {
  it('removes only what is left of a half-removed stack', async () => {
    mockStack(aws, { alarm: false, fn: false, subscriptions: [] });
    const io = scriptedIO({ json: true });
    await run({}, commandContext(io, { yes: true }));
    expect(sorted(writes(aws))).toEqual(
      sorted(
        COMPLETE_WRITES.filter(
          ([n]) => !['cloudwatch.DeleteAlarms', 'sns.Unsubscribe', 'lambda.DeleteFunction'].includes(n),
        ),
      ),
    );
    expect(io.resultJson).toMatchObject({ ok: true, failed: [], skipped: [] });
  });

  it('reports nothing to remove for an empty stack and exits 0, even without --yes', async () => {
    mockStack(aws, {
      topic: false,
      key: false,
      role: false,
      logGroup: false,
      fn: false,
      alarm: false,
      subscriptions: [],
      ...NO_QUEUE,
    });
    const io = scriptedIO();
    await run({}, commandContext(io));
    expect(writes(aws)).toEqual([]);
    expect(io.stdout.join('\n')).toBe(
      `Nothing to remove: no resource of the stack mission exists in ${REGION}.`,
    );
    expect(io.asked).toEqual([]);
  });

  it('skips a key already pending deletion and still removes its alias', async () => {
    mockStack(aws, {
      alarm: false,
      fn: false,
      subscriptions: [],
      topic: false,
      role: false,
      logGroup: false,
      keyState: 'PendingDeletion',
      ...NO_QUEUE,
    });
    const io = scriptedIO({ json: true });
    await run({}, commandContext(io, { yes: true }));
    expect(writes(aws)).toEqual([['kms.DeleteAlias', { AliasName: 'alias/mission-kms-key' }]]);
    expect(io.resultJson).toMatchObject({
      ok: true,
      skipped: [
        { resource: 'KMS key', name: KEY_ID, reason: expect.stringContaining('already pending deletion') },
      ],
      keyDeletionDate: DELETION_DATE.toISOString(),
    });
  });

  it("unsubscribes every subscription of the function, and nobody else's", async () => {
    const second = `${TOPIC_ARN}:9a9a9a9a-2222-4e2b-9c3d-5a6b7c8d9e02`;
    mockStack(aws, { subscriptions: [SUB_ARN, second] });
    await run({}, commandContext(scriptedIO(), { yes: true }));
    expect(writes(aws).filter(([n]) => n === 'sns.Unsubscribe')).toEqual([
      ['sns.Unsubscribe', { SubscriptionArn: SUB_ARN }],
      ['sns.Unsubscribe', { SubscriptionArn: second }],
    ]);
    // Both go before the function.
    const names = writes(aws).map(([n]) => n);
    expect(names.lastIndexOf('sns.Unsubscribe')).toBeLessThan(names.indexOf('lambda.DeleteFunction'));
  });

  it('treats a resource that vanished meanwhile as removed', async () => {
    mockStack(aws);
    aws.sns.on(DeleteTopicCommand).rejects(awsError('NotFoundException', 404, 'Topic does not exist'));
    const io = scriptedIO({ json: true });
    await run({}, commandContext(io, { yes: true }));
    expect(io.resultJson).toMatchObject({ ok: true, failed: [] });
  });
});

describe('teardown safety', () => {
  it("skips another stack's topic and an untagged role, saying why, and removes the rest", async () => {
    mockStack(aws, { topic: 'other', role: 'untagged' });
    const io = scriptedIO({ json: true });
    await run({}, commandContext(io, { yes: true }));
    const names = writes(aws).map(([n]) => n);
    expect(names).not.toContain('sns.DeleteTopic');
    expect(names.filter((n) => n.startsWith('iam.'))).toEqual([]);
    // The subscription is ours through the function, even on a foreign topic.
    expect(names).toContain('sns.Unsubscribe');
    expect(names).toContain('lambda.DeleteFunction');
    expect(io.resultJson).toMatchObject({
      ok: true,
      skipped: [
        {
          resource: 'IAM role',
          name: 'mission-lambda-role',
          reason: expect.stringMatching(/not tagged alarm-to-slack:stack=mission.*--force removes it/),
        },
        {
          resource: 'SNS topic',
          name: 'mission-sns',
          reason: expect.stringMatching(/tagged alarm-to-slack:stack=payments, another stack.*--force/),
        },
      ],
    });
  });

  it('removes them with --force', async () => {
    mockStack(aws, { topic: 'other', role: 'untagged' });
    const io = scriptedIO({ json: true });
    await run({ force: true }, commandContext(io, { yes: true }));
    expect(sorted(writes(aws))).toEqual(sorted(COMPLETE_WRITES));
    expect(io.resultJson).toMatchObject({ ok: true, skipped: [] });
  });

  it('leaves a foreign key and its alias alone', async () => {
    mockStack(aws, { key: 'other' });
    const io = scriptedIO({ json: true });
    await run({}, commandContext(io, { yes: true }));
    expect(
      writes(aws)
        .map(([n]) => n)
        .filter((n) => n.startsWith('kms.')),
    ).toEqual([]);
    expect(
      (io.resultJson as { skipped: Array<{ resource: string }> }).skipped.map((s) => s.resource),
    ).toEqual(['KMS key', 'KMS alias']);
    expect(io.resultJson).toMatchObject({ keyDeletionDate: null });
  });

  it('exits 2 without --yes when not interactive, having removed nothing', async () => {
    mockStack(aws);
    const io = scriptedIO({ interactive: false });
    await expect(run({}, commandContext(io))).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('--yes'),
    });
    expect(writes(aws)).toEqual([]);
    expect(io.stdout).toEqual([]);
  });

  it('removes nothing when the confirmation is declined', async () => {
    mockStack(aws);
    const io = scriptedIO({
      interactive: true,
      answers: [{ kind: 'confirm', match: /Remove these 10 resource\(s\) of mission/, answer: false }],
    });
    await expect(run({}, commandContext(io))).rejects.toMatchObject({
      name: 'CancelledError',
      exitCode: 1,
    });
    expect(writes(aws)).toEqual([]);
  });

  it('removes everything once the confirmation is accepted', async () => {
    mockStack(aws);
    const io = scriptedIO({
      interactive: true,
      answers: [{ kind: 'confirm', match: /Remove these 10 resource\(s\)/, answer: true }],
    });
    await run({}, commandContext(io));
    expect(sorted(writes(aws))).toEqual(sorted(COMPLETE_WRITES));
    expect(io.remainingAnswers()).toBe(0);
  });

  it.each(['6', '31', 'seven', '7.5'])(
    'rejects --pending-window %s with exit 2 before any AWS call',
    async (value) => {
      mockStack(aws);
      await expect(
        run({ pendingWindow: value }, commandContext(scriptedIO(), { yes: true })),
      ).rejects.toMatchObject({
        exitCode: 2,
        message: expect.stringContaining('--pending-window'),
      });
      expect(aws.calls()).toEqual([]);
    },
  );
});

describe('teardown failures', () => {
  it('keeps removing the others when one fails, lists the failure with AWS message, and exits 1', async () => {
    mockStack(aws);
    aws.lambda
      .on(DeleteFunctionCommand)
      .rejects(
        awsError(
          'AccessDeniedException',
          403,
          'User: alice is not authorized to perform: lambda:DeleteFunction',
        ),
      );
    const io = scriptedIO({ json: true });
    await expect(run({}, commandContext(io, { yes: true }))).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringContaining('1 of 10 removal(s) failed: Lambda function mission-lambda'),
    });
    // Everything else, including what is ordered after the function, was still removed.
    expect(sorted(writes(aws))).toEqual(sorted(COMPLETE_WRITES));
    expect(io.resultJson).toMatchObject({
      ok: false,
      failed: [
        {
          resource: 'Lambda function',
          name: 'mission-lambda',
          error: 'AccessDeniedException: User: alice is not authorized to perform: lambda:DeleteFunction',
        },
      ],
    });
    expect((io.resultJson as { removed: unknown[] }).removed).toHaveLength(9);
  });

  it('keeps the alias when the key cannot be scheduled for deletion, so that a re-run finds the key', async () => {
    mockStack(aws);
    aws.kms
      .on(ScheduleKeyDeletionCommand)
      .rejects(awsError('AccessDeniedException', 400, 'not authorized to perform: kms:ScheduleKeyDeletion'));
    const io = scriptedIO({ json: true });
    await expect(run({}, commandContext(io, { yes: true }))).rejects.toMatchObject({ exitCode: 1 });
    expect(writes(aws).map(([n]) => n)).not.toContain('kms.DeleteAlias');
    expect(io.resultJson).toMatchObject({
      ok: false,
      failed: [{ resource: 'KMS key', error: expect.stringContaining('kms:ScheduleKeyDeletion') }],
      skipped: [
        { resource: 'KMS alias', reason: expect.stringContaining('the alias is how teardown finds it') },
      ],
      keyDeletionDate: null,
    });
  });
});
