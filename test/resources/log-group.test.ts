import {
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ensureLogGroup,
  findLogGroup,
  type LogGroupFound,
  planLogGroup,
  removeLogGroup,
} from '../../src/resources/log-group.js';
import { ACCOUNT, mockAws, REGION, testStackContext } from '../helpers/aws.js';
import { awsError, inFlight } from './fakes.js';

const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

const NAME = '/aws/lambda/mission-lambda';
const ARN = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${NAME}`;
const TAGS = { 'alarm-to-slack:stack': 'mission' };
const group = (name: string, retentionInDays?: number) => ({
  logGroupName: name,
  arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}:*`,
  ...(retentionInDays === undefined ? {} : { retentionInDays }),
});
const found = (retentionDays: number | undefined): LogGroupFound => ({
  name: NAME,
  arn: ARN,
  retentionDays,
  tags: TAGS,
});
const logsCalls = () => mocks.calls().map(([, name, input]) => [name, input]);
const writeCalls = () => logsCalls().filter(([name]) => !/^(Describe|List)/.test(String(name)));

describe('findLogGroup', () => {
  it('matches the exact name among prefix matches and reads tags on the ARN without ":*", in parallel', async () => {
    const flight = inFlight();
    mocks.logs
      .on(DescribeLogGroupsCommand)
      .callsFake(flight.slow({ logGroups: [group(`${NAME}-old`, 7), group(NAME, 30)] }));
    mocks.logs.on(ListTagsForResourceCommand).callsFake(flight.slow({ tags: TAGS }));
    const { ctx } = testStackContext();
    expect(await findLogGroup(ctx)).toEqual({ name: NAME, arn: ARN, retentionDays: 30, tags: TAGS });
    expect(flight.max).toBe(2);
    expect(mocks.logs.commandCalls(DescribeLogGroupsCommand)[0]?.args[0].input).toEqual({
      logGroupNamePrefix: NAME,
    });
    expect(mocks.logs.commandCalls(ListTagsForResourceCommand)[0]?.args[0].input).toEqual({
      resourceArn: ARN,
    });
  });

  it('follows nextToken until the exact name appears', async () => {
    mocks.logs
      .on(DescribeLogGroupsCommand, { logGroupNamePrefix: NAME })
      .resolves({ logGroups: [group(`${NAME}-a`)], nextToken: 't2' })
      .on(DescribeLogGroupsCommand, { logGroupNamePrefix: NAME, nextToken: 't2' })
      .resolves({ logGroups: [group(NAME)] });
    mocks.logs.on(ListTagsForResourceCommand).resolves({ tags: {} });
    const { ctx } = testStackContext();
    expect(await findLogGroup(ctx)).toEqual({ name: NAME, arn: ARN, retentionDays: undefined, tags: {} });
    expect(mocks.logs.commandCalls(DescribeLogGroupsCommand)).toHaveLength(2);
  });

  it('is undefined when only longer names share the prefix', async () => {
    mocks.logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [group(`${NAME}-old`)] });
    mocks.logs.on(ListTagsForResourceCommand).rejects(awsError('ResourceNotFoundException'));
    const { ctx } = testStackContext();
    expect(await findLogGroup(ctx)).toBeUndefined();
  });

  it('surfaces AccessDenied from either call', async () => {
    mocks.logs.on(DescribeLogGroupsCommand).rejects(awsError('AccessDeniedException'));
    mocks.logs.on(ListTagsForResourceCommand).resolves({ tags: {} });
    const { ctx } = testStackContext();
    await expect(findLogGroup(ctx)).rejects.toThrow(/AccessDeniedException/);
    mocks.reset();
    mocks.logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [group(NAME)] });
    mocks.logs.on(ListTagsForResourceCommand).rejects(awsError('AccessDeniedException'));
    await expect(findLogGroup(ctx)).rejects.toThrow(/AccessDeniedException/);
  });
});

describe('planLogGroup', () => {
  const { ctx } = testStackContext();
  const item = { resource: 'Log group', name: NAME };
  it('creates, keeps, or updates the retention', () => {
    expect(planLogGroup(ctx, undefined, 30)).toEqual({
      ...item,
      action: 'create',
      changes: ['retention 30 days'],
    });
    expect(planLogGroup(ctx, found(30), 30)).toEqual({ ...item, action: 'unchanged' });
    expect(planLogGroup(ctx, found(undefined), 30)).toEqual({
      ...item,
      action: 'update',
      changes: ['retention never expire → 30 days'],
    });
    expect(planLogGroup(ctx, found(14), 30).changes).toEqual(['retention 14 days → 30 days']);
  });
});

describe('ensureLogGroup', () => {
  it('creates the tagged group, then sets the retention; undo deletes it', async () => {
    const { ctx } = testStackContext();
    const result = await ensureLogGroup(ctx, undefined, 30);
    expect(result.change).toBe('created');
    expect(result.value).toEqual({ name: NAME, arn: ARN });
    expect(writeCalls()).toEqual([
      ['CreateLogGroupCommand', { logGroupName: NAME, tags: TAGS }],
      ['PutRetentionPolicyCommand', { logGroupName: NAME, retentionInDays: 30 }],
    ]);
    mocks.logs.resetHistory();
    await result.undo?.();
    expect(logsCalls()).toEqual([['DeleteLogGroupCommand', { logGroupName: NAME }]]);
  });

  it('deletes the group it just made when the retention is refused', async () => {
    mocks.logs.on(PutRetentionPolicyCommand).rejects(awsError('InvalidParameterException'));
    const { ctx } = testStackContext();
    await expect(ensureLogGroup(ctx, undefined, 30)).rejects.toThrow(/InvalidParameterException/);
    expect(writeCalls().map(([n]) => n)).toEqual([
      'CreateLogGroupCommand',
      'PutRetentionPolicyCommand',
      'DeleteLogGroupCommand',
    ]);
  });

  it('treats a group created meanwhile (untagged, by Lambda) as existing: its undo restores, never deletes', async () => {
    mocks.logs.on(CreateLogGroupCommand).rejects(awsError('ResourceAlreadyExistsException'));
    mocks.logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [group(NAME)] });
    mocks.logs.on(ListTagsForResourceCommand).resolves({ tags: {} });
    const { ctx } = testStackContext();
    const result = await ensureLogGroup(ctx, undefined, 30);
    expect(result.change).toBe('updated');
    mocks.logs.resetHistory();
    await result.undo?.();
    expect(logsCalls()).toEqual([
      ['DeleteRetentionPolicyCommand', { logGroupName: NAME }],
      ['UntagResourceCommand', { resourceArn: ARN, tagKeys: ['alarm-to-slack:stack'] }],
    ]);
  });

  it('makes no call at all when the retention is already right', async () => {
    const { ctx } = testStackContext();
    expect(await ensureLogGroup(ctx, found(30), 30)).toEqual({
      change: 'unchanged',
      value: { name: NAME, arn: ARN },
    });
    expect(mocks.calls()).toEqual([]);
  });

  it('updates the retention; undo puts the previous one back', async () => {
    const { ctx } = testStackContext();
    const result = await ensureLogGroup(ctx, found(14), 30);
    expect(result.change).toBe('updated');
    expect(logsCalls()).toEqual([['PutRetentionPolicyCommand', { logGroupName: NAME, retentionInDays: 30 }]]);
    mocks.logs.resetHistory();
    await result.undo?.();
    expect(logsCalls()).toEqual([['PutRetentionPolicyCommand', { logGroupName: NAME, retentionInDays: 14 }]]);
  });

  it('undo of a retention set on a never-expiring group deletes the retention policy', async () => {
    const { ctx } = testStackContext();
    const result = await ensureLogGroup(ctx, found(undefined), 30);
    mocks.logs.resetHistory();
    await result.undo?.();
    expect(logsCalls()).toEqual([['DeleteRetentionPolicyCommand', { logGroupName: NAME }]]);
  });
});

describe('removeLogGroup', () => {
  it('deletes the group', async () => {
    const { ctx } = testStackContext();
    await removeLogGroup(ctx);
    expect(logsCalls()).toEqual([['DeleteLogGroupCommand', { logGroupName: NAME }]]);
  });
  it('is a no-op when it is gone', async () => {
    mocks.logs.on(DeleteLogGroupCommand).rejects(awsError('ResourceNotFoundException'));
    const { ctx } = testStackContext();
    await expect(removeLogGroup(ctx)).resolves.toBeUndefined();
  });
  it('surfaces AccessDenied', async () => {
    mocks.logs.on(DeleteLogGroupCommand).rejects(awsError('AccessDeniedException'));
    const { ctx } = testStackContext();
    await expect(removeLogGroup(ctx)).rejects.toThrow(/AccessDeniedException/);
  });
});
