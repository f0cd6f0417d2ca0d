import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { discoverStack } from '../../src/actions/discover-stack.js';
import { discover as initDiscover } from '../../src/actions/init/discover.js';
import { gather } from '../../src/actions/status.js';
import { discover as teardownDiscover } from '../../src/actions/teardown-plan.js';
import { mockAws, testStackContext } from '../helpers/aws.js';
import { scriptedIO } from '../helpers/io.js';
import { callNames, mockStack } from '../teardown/mock-stack.js';

/**
 * init, teardown and status find the stack with one shared discovery: the same reads, all started at
 * once (the key's tags wait for its alias), so that none of them drifts from the others.
 */
const aws = mockAws();
beforeEach(() => aws.reset());
afterAll(() => aws.restore());

const READS = [
  'cloudwatch.DescribeAlarms',
  'cloudwatch.ListTagsForResource',
  'eventbridge.DescribeRule',
  'eventbridge.ListTagsForResource',
  'eventbridge.ListTargetsByRule',
  'iam.GetRole',
  'iam.GetRolePolicy', // kms-decrypt
  'iam.GetRolePolicy', // undelivered-queue
  'iam.ListAttachedRolePolicies',
  'iam.ListRolePolicies',
  'kms.DescribeKey',
  'kms.ListResourceTags',
  'lambda.GetFunction',
  'lambda.GetFunctionEventInvokeConfig',
  'lambda.GetPolicy',
  'lambda.ListEventSourceMappings',
  'lambda.ListTags', // the mapping's tags, once it is listed
  'logs.DescribeLogGroups',
  'logs.ListTagsForResource',
  'sns.GetTopicAttributes',
  'sns.ListSubscriptionsByTopic',
  'sns.ListTagsForResource',
  'sqs.GetQueueAttributes', // once GetQueueUrl answers
  'sqs.GetQueueUrl',
  'sqs.ListQueueTags', // once GetQueueUrl answers
];
/** Reads that wait for another read's answer. */
const SECOND = ['kms.ListResourceTags', 'lambda.ListTags', 'sqs.GetQueueAttributes', 'sqs.ListQueueTags'];

describe('discoverStack', () => {
  it('starts every read before any answer, except those that need an earlier answer (key tags, queue attributes, mapping tags)', async () => {
    mockStack(aws);
    const { ctx } = testStackContext();
    const started: string[] = [];
    let answered = false;
    const found = discoverStack(ctx).finally(() => {
      answered = true;
    });
    // Everything sent synchronously up to the first await is one round trip.
    await Promise.resolve();
    started.push(...callNames(aws));
    expect(answered).toBe(false);
    expect([...started].sort()).toEqual(READS.filter((n) => !SECOND.includes(n)));
    const result = await found;
    expect(result.fn?.arn).toMatch(/:function:mission-lambda$/);
    expect(result.permissions).toHaveLength(1);
  });

  it('is what init, teardown (without GetPolicy, with the connected alarms) and status read', async () => {
    mockStack(aws);
    const { ctx } = testStackContext();
    await initDiscover(ctx);
    expect(callNames(aws).sort()).toEqual(READS);
    aws.reset();
    mockStack(aws);
    await teardownDiscover(ctx);
    // teardown and status also list every alarm, to find those connected to the topic.
    expect(callNames(aws).sort()).toEqual(
      [...READS.filter((n) => n !== 'lambda.GetPolicy'), 'cloudwatch.DescribeAlarms'].sort(),
    );
    aws.reset();
    mockStack(aws);
    await gather(ctx, scriptedIO());
    expect(callNames(aws).sort()).toEqual(
      [...READS, 'cloudwatch.DescribeAlarms', 'cloudwatch.GetMetricData', 'cloudwatch.GetMetricData'].sort(),
    );
  });
});
