import {
  TagResourceCommand as CwTag,
  UntagResourceCommand as CwUntag,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  TagResourceCommand as LogsTag,
  UntagResourceCommand as LogsUntag,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { TagRoleCommand, UntagRoleCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { TagResourceCommand as KmsTag, UntagResourceCommand as KmsUntag } from '@aws-sdk/client-kms';
import {
  GetFunctionCommand,
  TagResourceCommand as LambdaTag,
  UntagResourceCommand as LambdaUntag,
} from '@aws-sdk/client-lambda';
import { TagResourceCommand as SnsTag, UntagResourceCommand as SnsUntag } from '@aws-sdk/client-sns';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type AlarmFound, ensureAlarm, planAlarm } from '../../src/resources/alarm.js';
import type { Tags } from '../../src/resources/context.js';
import { ensureFunction, planFunction } from '../../src/resources/function.js';
import { ensureKeyTag, planKey } from '../../src/resources/key.js';
import { ensureLogGroup, type LogGroupFound, planLogGroup } from '../../src/resources/log-group.js';
import { ensureRolePolicies, ensureRoleTrust, planRole } from '../../src/resources/role.js';
import { ensureTopic, planTopic } from '../../src/resources/topic.js';
import { ACCOUNT, mockAws, REGION, testStackContext } from '../helpers/aws.js';
import { awsError } from './fakes.js';
import { desired as fnDesired, found as fnFound } from './function-fixtures.js';
import { found as keyFound, OLD_ID } from './key-fixtures.js';
import { KEY_ARN as ROLE_KEY_ARN, existing as roleFound } from './role-fixtures.js';

/**
 * Issue 4: "Tag every resource that takes tags". A same-named resource without our tag (e.g. made by
 * hand from the tutorial) is adopted: the plan says the tag is added, ensure* adds exactly that tag and
 * its undo removes exactly that tag. One tagged for another stack is left alone, with a warning in the
 * plan. One carrying our tag costs no write at all.
 */
const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

const TAG = 'alarm-to-slack:stack';
const OURS: Tags = { [TAG]: 'mission' };
const OTHER: Tags = { [TAG]: 'other' };
const ADD = `add tag ${TAG}=mission`;
const WARN = 'tagged for stack other: teardown of this stack will skip it';
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:mission-sns`;
const LOG_GROUP = '/aws/lambda/mission-lambda';
const LOG_ARN = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${LOG_GROUP}`;
const ALARM_ARN = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:mission-cpu-alarm`;
const INSTANCE = 'i-0123456789abcdef0';

/** The commands sent, by name and input, in order. */
const sent = () => mocks.calls().map(([, name, input]) => [name.replace(/Command$/, ''), input]);

describe('SNS topic', () => {
  it('plans adding the tag to an untagged topic, and a warning for another stack', () => {
    const { ctx } = testStackContext();
    const item = { resource: 'SNS topic', name: 'mission-sns' };
    expect(planTopic(ctx, { arn: TOPIC_ARN, tags: {} })).toEqual({
      ...item,
      action: 'update',
      changes: [ADD],
    });
    expect(planTopic(ctx, { arn: TOPIC_ARN, tags: OTHER })).toEqual({
      ...item,
      action: 'unchanged',
      changes: [WARN],
    });
    expect(planTopic(ctx, { arn: TOPIC_ARN, tags: OURS })).toEqual({ ...item, action: 'unchanged' });
  });

  it('tags an untagged topic (TagResource) and the undo removes exactly that tag', async () => {
    mocks.sns.on(SnsTag).resolves({});
    mocks.sns.on(SnsUntag).resolves({});
    const { ctx } = testStackContext();
    const result = await ensureTopic(ctx, { arn: TOPIC_ARN, tags: { team: 'ops' } });
    expect(result.change).toBe('updated');
    expect(sent()).toEqual([
      ['TagResource', { ResourceArn: TOPIC_ARN, Tags: [{ Key: TAG, Value: 'mission' }] }],
    ]);
    mocks.sns.resetHistory();
    await result.undo?.();
    expect(sent()).toEqual([['UntagResource', { ResourceArn: TOPIC_ARN, TagKeys: [TAG] }]]);
  });

  it('does not retag a topic of another stack', async () => {
    const { ctx } = testStackContext();
    expect(await ensureTopic(ctx, { arn: TOPIC_ARN, tags: OTHER })).toEqual({
      change: 'unchanged',
      value: { arn: TOPIC_ARN },
    });
    expect(sent()).toEqual([]);
  });
});

describe('KMS key (reused)', () => {
  it('plans adding the tag to an untagged Enabled key, and a warning for another stack', () => {
    const { ctx } = testStackContext();
    const item = { resource: 'KMS key', name: 'alias/mission-kms-key' };
    expect(planKey(ctx, keyFound('Enabled', { tags: {} }))).toEqual({
      ...item,
      action: 'update',
      changes: [ADD],
    });
    expect(planKey(ctx, keyFound('Enabled', { tags: OTHER }))).toEqual({
      ...item,
      action: 'unchanged',
      changes: [WARN],
    });
    expect(planKey(ctx, keyFound('Enabled'))).toEqual({ ...item, action: 'unchanged' });
  });

  it('tags an untagged key ({TagKey, TagValue}) and the undo removes exactly that tag', async () => {
    mocks.kms.on(KmsTag).resolves({});
    mocks.kms.on(KmsUntag).resolves({});
    const { ctx } = testStackContext();
    const result = await ensureKeyTag(ctx, keyFound('Enabled', { tags: {} }));
    expect(result.change).toBe('updated');
    expect(result.value).toEqual({ arn: keyFound('Enabled').arn, keyId: OLD_ID });
    expect(sent()).toEqual([
      ['TagResource', { KeyId: OLD_ID, Tags: [{ TagKey: TAG, TagValue: 'mission' }] }],
    ]);
    mocks.kms.resetHistory();
    await result.undo?.();
    expect(sent()).toEqual([['UntagResource', { KeyId: OLD_ID, TagKeys: [TAG] }]]);
  });

  it('ensureKeyTag (init’s key step for a reused key) tags it, and leaves ours and another stack’s alone', async () => {
    mocks.kms.on(KmsTag).resolves({});
    const { ctx } = testStackContext();
    expect((await ensureKeyTag(ctx, keyFound('Enabled', { tags: {} }))).change).toBe('updated');
    expect(sent().map(([n]) => n)).toEqual(['TagResource']);
    mocks.kms.resetHistory();
    expect((await ensureKeyTag(ctx, keyFound('Enabled'))).change).toBe('unchanged');
    expect((await ensureKeyTag(ctx, keyFound('Enabled', { tags: OTHER }))).change).toBe('unchanged');
    expect(sent()).toEqual([]);
  });
});

describe('IAM role', () => {
  it('plans adding the tag to an untagged role, and a warning for another stack', () => {
    const { ctx } = testStackContext();
    const item = { resource: 'IAM role', name: 'mission-lambda-role' };
    expect(planRole(ctx, roleFound({ tags: {} }), ROLE_KEY_ARN)).toEqual({
      ...item,
      action: 'update',
      changes: [ADD],
    });
    expect(planRole(ctx, roleFound({ tags: OTHER }), ROLE_KEY_ARN)).toEqual({
      ...item,
      action: 'unchanged',
      changes: [WARN],
    });
    expect(planRole(ctx, roleFound(), ROLE_KEY_ARN)).toEqual({ ...item, action: 'unchanged' });
  });

  it('tags an untagged role (TagRole) and the undo removes exactly that tag (UntagRole)', async () => {
    mocks.iam.on(TagRoleCommand).resolves({});
    mocks.iam.on(UntagRoleCommand).resolves({});
    const { ctx } = testStackContext();
    const result = await ensureRoleTrust(ctx, roleFound({ tags: {} }));
    expect(result.change).toBe('updated');
    expect(sent()).toEqual([
      ['TagRole', { RoleName: 'mission-lambda-role', Tags: [{ Key: TAG, Value: 'mission' }] }],
    ]);
    mocks.iam.resetHistory();
    await result.undo?.();
    expect(sent()).toEqual([['UntagRole', { RoleName: 'mission-lambda-role', TagKeys: [TAG] }]]);
  });

  it('init’s role steps tag it (the policies step adds no write); another stack’s role is not retagged', async () => {
    mocks.iam.on(TagRoleCommand).resolves({});
    const { ctx } = testStackContext();
    expect((await ensureRoleTrust(ctx, roleFound({ tags: {} }))).change).toBe('updated');
    expect((await ensureRolePolicies(ctx, roleFound({ tags: {} }), ROLE_KEY_ARN)).change).toBe('unchanged');
    expect(sent().map(([n]) => n)).toEqual(['TagRole']);
    mocks.iam.resetHistory();
    expect((await ensureRoleTrust(ctx, roleFound({ tags: OTHER }))).change).toBe('unchanged');
    expect(sent()).toEqual([]);
  });

  it('a failing TagRole reverts the trust update made with it', async () => {
    mocks.iam.on(TagRoleCommand).rejects(awsError('AccessDenied', 403));
    mocks.iam.on(UpdateAssumeRolePolicyCommand).resolves({});
    const { ctx } = testStackContext();
    const oldTrust = {
      Version: '2012-10-17' as const,
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    };
    await expect(ensureRoleTrust(ctx, roleFound({ tags: {}, trustPolicy: oldTrust }))).rejects.toThrow(
      /AccessDenied/,
    );
    const trusts = mocks.iam
      .commandCalls(UpdateAssumeRolePolicyCommand)
      .map((c) => JSON.parse(String(c.args[0].input.PolicyDocument)).Statement[0].Principal.Service);
    expect(trusts).toEqual(['lambda.amazonaws.com', 'ec2.amazonaws.com']);
  });
});

describe('Log group', () => {
  const found = (tags: Tags, retentionDays = 30): LogGroupFound => ({
    name: LOG_GROUP,
    arn: LOG_ARN,
    retentionDays,
    tags,
  });

  it('plans adding the tag to an untagged group, next to a retention change, and a warning for another stack', () => {
    const { ctx } = testStackContext();
    const item = { resource: 'Log group', name: LOG_GROUP };
    expect(planLogGroup(ctx, found({}), 30)).toEqual({ ...item, action: 'update', changes: [ADD] });
    expect(planLogGroup(ctx, found({}, 7), 30)).toEqual({
      ...item,
      action: 'update',
      changes: ['retention 7 days → 30 days', ADD],
    });
    expect(planLogGroup(ctx, found(OTHER), 30)).toEqual({ ...item, action: 'unchanged', changes: [WARN] });
    expect(planLogGroup(ctx, found(OURS), 30)).toEqual({ ...item, action: 'unchanged' });
  });

  it('tags an untagged group on its ARN without ":*", and the undo removes exactly that tag', async () => {
    mocks.logs.on(LogsTag).resolves({});
    mocks.logs.on(LogsUntag).resolves({});
    const { ctx } = testStackContext();
    const result = await ensureLogGroup(ctx, found({}), 30);
    expect(result.change).toBe('updated');
    expect(sent()).toEqual([['TagResource', { resourceArn: LOG_ARN, tags: { [TAG]: 'mission' } }]]);
    mocks.logs.resetHistory();
    await result.undo?.();
    expect(sent()).toEqual([['UntagResource', { resourceArn: LOG_ARN, tagKeys: [TAG] }]]);
  });

  it('sets the retention and the tag together; another stack’s group gets the retention only', async () => {
    mocks.logs.on(LogsTag).resolves({});
    mocks.logs.on(PutRetentionPolicyCommand).resolves({});
    const { ctx } = testStackContext();
    await ensureLogGroup(ctx, found({}, 7), 30);
    expect(sent().map(([n]) => n)).toEqual(['PutRetentionPolicy', 'TagResource']);
    mocks.logs.resetHistory();
    await ensureLogGroup(ctx, found(OTHER, 7), 30);
    expect(sent().map(([n]) => n)).toEqual(['PutRetentionPolicy']);
    mocks.logs.resetHistory();
    expect((await ensureLogGroup(ctx, found(OURS), 30)).change).toBe('unchanged');
    expect(sent()).toEqual([]);
  });
});

describe('Lambda function', () => {
  it('plans adding the tag when it is the only difference; a warning for another stack', () => {
    const { ctx } = testStackContext();
    const item = { resource: 'Lambda function', name: 'mission-lambda' };
    expect(planFunction(ctx, fnFound({ tags: {} }), fnDesired())).toEqual({
      ...item,
      action: 'update',
      changes: [ADD],
    });
    expect(planFunction(ctx, fnFound({ tags: OTHER }), fnDesired())).toEqual({
      ...item,
      action: 'unchanged',
      changes: [WARN],
    });
    // Tags that could not be read are not taken for missing ones.
    expect(
      planFunction(ctx, fnFound({ tags: {}, tagsError: 'AccessDeniedException: no' }), fnDesired()),
    ).toEqual({ ...item, action: 'unchanged' });
  });

  it('tags an untagged function even when nothing else changes; the undo removes exactly that tag', async () => {
    mocks.lambda.on(LambdaTag).resolves({});
    mocks.lambda.on(LambdaUntag).resolves({});
    mocks.lambda.on(GetFunctionCommand).resolves({ Configuration: { State: 'Active' } });
    const { ctx } = testStackContext();
    const found = fnFound({ tags: {} });
    const result = await ensureFunction(ctx, found, fnDesired());
    expect(result.change).toBe('updated');
    expect(sent()).toEqual([['TagResource', { Resource: found.arn, Tags: { [TAG]: 'mission' } }]]);
    mocks.lambda.resetHistory();
    await result.undo?.();
    expect(sent()).toEqual([['UntagResource', { Resource: found.arn, TagKeys: [TAG] }]]);
  });

  it('does not retag another stack’s function', async () => {
    const { ctx } = testStackContext();
    expect((await ensureFunction(ctx, fnFound({ tags: OTHER }), fnDesired())).change).toBe('unchanged');
    expect(sent()).toEqual([]);
  });
});

describe('CloudWatch alarm', () => {
  const alarm = (tags: Tags): AlarmFound => ({
    arn: ALARM_ARN,
    name: 'mission-cpu-alarm',
    description: 'x',
    namespace: 'AWS/EC2',
    metricName: 'CPUUtilization',
    statistic: 'Average',
    instanceId: INSTANCE,
    threshold: 50,
    period: 60,
    evaluationPeriods: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    alarmActions: [TOPIC_ARN],
    okActions: [TOPIC_ARN],
    state: 'OK',
    stateReason: undefined,
    tags,
    actionsEnabled: true,
  });
  const want = { instanceId: INSTANCE, threshold: 50, period: 60, evaluationPeriods: 1, topicArn: TOPIC_ARN };

  it('plans adding the tag when it is the only difference; a warning for another stack', () => {
    const { ctx } = testStackContext();
    const item = { resource: 'CloudWatch alarm', name: 'mission-cpu-alarm' };
    expect(planAlarm(ctx, alarm({}), want)).toEqual({ ...item, action: 'update', changes: [ADD] });
    expect(planAlarm(ctx, alarm(OTHER), want)).toEqual({ ...item, action: 'unchanged', changes: [WARN] });
    expect(planAlarm(ctx, alarm(OURS), want)).toEqual({ ...item, action: 'unchanged' });
  });

  it('tags an untagged alarm even when nothing else changes (no PutMetricAlarm); undo untags only', async () => {
    mocks.cloudwatch.on(CwTag).resolves({});
    mocks.cloudwatch.on(CwUntag).resolves({});
    const { ctx } = testStackContext();
    const result = await ensureAlarm(ctx, alarm({}), want);
    expect(result.change).toBe('updated');
    expect(sent()).toEqual([
      ['TagResource', { ResourceARN: ALARM_ARN, Tags: [{ Key: TAG, Value: 'mission' }] }],
    ]);
    mocks.cloudwatch.resetHistory();
    await result.undo?.();
    expect(sent()).toEqual([['UntagResource', { ResourceARN: ALARM_ARN, TagKeys: [TAG] }]]);
    expect(mocks.cloudwatch.commandCalls(PutMetricAlarmCommand)).toHaveLength(0);
  });

  it('does not retag another stack’s alarm', async () => {
    const { ctx } = testStackContext();
    expect((await ensureAlarm(ctx, alarm(OTHER), want)).change).toBe('unchanged');
    expect(sent()).toEqual([]);
  });
});
