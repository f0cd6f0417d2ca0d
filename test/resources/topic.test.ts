import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-sns';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureTopic, findTopic, planTopic, removeTopic } from '../../src/resources/topic.js';
import { ACCOUNT, mockAws, REGION, testStackContext } from '../helpers/aws.js';
import { awsError, inFlight } from './fakes.js';

const mocks = mockAws();
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:mission-sns`;

beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

/** Write calls (anything but Get/List) sent to SNS. */
const writes = () => mocks.calls().filter(([, name]) => !/^(Get|List)/.test(name));

describe('findTopic', () => {
  it('reads attributes and tags of the derived ARN in parallel', async () => {
    const flight = inFlight();
    mocks.sns.on(GetTopicAttributesCommand).callsFake(flight.slow({ Attributes: { TopicArn: TOPIC_ARN } }));
    mocks.sns
      .on(ListTagsForResourceCommand)
      .callsFake(flight.slow({ Tags: [{ Key: 'alarm-to-slack:stack', Value: 'mission' }] }));
    const { ctx } = testStackContext();
    const found = await findTopic(ctx);
    expect(flight.max).toBe(2); // one round trip, not two
    expect(found).toEqual({
      arn: TOPIC_ARN,
      tags: { 'alarm-to-slack:stack': 'mission' },
      attributes: { TopicArn: TOPIC_ARN },
    });
    expect(mocks.sns.commandCalls(GetTopicAttributesCommand)[0]?.args[0].input).toEqual({
      TopicArn: TOPIC_ARN,
    });
    expect(mocks.sns.commandCalls(ListTagsForResourceCommand)[0]?.args[0].input).toEqual({
      ResourceArn: TOPIC_ARN,
    });
  });

  it('is undefined when SNS says NotFound', async () => {
    mocks.sns.on(GetTopicAttributesCommand).rejects(awsError('NotFoundException', 404));
    mocks.sns.on(ListTagsForResourceCommand).rejects(awsError('ResourceNotFoundException', 404));
    const { ctx } = testStackContext();
    expect(await findTopic(ctx)).toBeUndefined();
  });

  it('surfaces an authorization error instead of calling the topic missing', async () => {
    mocks.sns.on(GetTopicAttributesCommand).rejects(awsError('AuthorizationErrorException', 403));
    mocks.sns.on(ListTagsForResourceCommand).resolves({ Tags: [] });
    const { ctx } = testStackContext();
    await expect(findTopic(ctx)).rejects.toThrow(/AuthorizationErrorException/);
  });

  it('surfaces a tag-listing AccessDenied too', async () => {
    mocks.sns.on(GetTopicAttributesCommand).resolves({ Attributes: { TopicArn: TOPIC_ARN } });
    mocks.sns.on(ListTagsForResourceCommand).rejects(awsError('AuthorizationErrorException', 403));
    const { ctx } = testStackContext();
    await expect(findTopic(ctx)).rejects.toThrow(/AuthorizationErrorException/);
  });
});

describe('planTopic', () => {
  it('creates a missing topic and leaves an existing one of this stack unchanged', () => {
    const { ctx } = testStackContext();
    expect(planTopic(ctx, undefined)).toEqual({
      resource: 'SNS topic',
      name: 'mission-sns',
      action: 'create',
    });
    expect(planTopic(ctx, { arn: TOPIC_ARN, tags: { 'alarm-to-slack:stack': 'mission' } })).toEqual({
      resource: 'SNS topic',
      name: 'mission-sns',
      action: 'unchanged',
    });
  });
});

describe('ensureTopic', () => {
  it('creates the topic with the stack tag, and its undo deletes exactly that topic', async () => {
    mocks.sns.on(CreateTopicCommand).resolves({ TopicArn: TOPIC_ARN });
    mocks.sns.on(DeleteTopicCommand).resolves({});
    const { ctx } = testStackContext();
    const result = await ensureTopic(ctx, undefined);
    expect(result.change).toBe('created');
    expect(result.value).toEqual({ arn: TOPIC_ARN });
    expect(mocks.sns.commandCalls(CreateTopicCommand)[0]?.args[0].input).toEqual({
      Name: 'mission-sns',
      Tags: [{ Key: 'alarm-to-slack:stack', Value: 'mission' }],
    });
    expect(mocks.sns.commandCalls(DeleteTopicCommand)).toHaveLength(0);
    await result.undo?.();
    expect(mocks.sns.commandCalls(DeleteTopicCommand).map((c) => c.args[0].input)).toEqual([
      { TopicArn: TOPIC_ARN },
    ]);
  });

  it('makes no call at all for an existing topic, and has nothing to undo', async () => {
    const { ctx } = testStackContext();
    const result = await ensureTopic(ctx, { arn: TOPIC_ARN, tags: { 'alarm-to-slack:stack': 'mission' } });
    expect(result).toEqual({ change: 'unchanged', value: { arn: TOPIC_ARN } });
    expect(mocks.calls()).toEqual([]);
  });

  it('lets a CreateTopic failure through', async () => {
    mocks.sns.on(CreateTopicCommand).rejects(awsError('AuthorizationErrorException', 403));
    const { ctx } = testStackContext();
    await expect(ensureTopic(ctx, undefined)).rejects.toThrow(/AuthorizationErrorException/);
  });
});

describe('removeTopic', () => {
  it('deletes the topic by ARN', async () => {
    mocks.sns.on(DeleteTopicCommand).resolves({});
    const { ctx } = testStackContext();
    await removeTopic(ctx, TOPIC_ARN);
    expect(writes()).toEqual([['sns', 'DeleteTopicCommand', { TopicArn: TOPIC_ARN }]]);
  });

  it('is a no-op when the topic is already gone', async () => {
    mocks.sns.on(DeleteTopicCommand).rejects(awsError('NotFoundException', 404));
    const { ctx } = testStackContext();
    await expect(removeTopic(ctx, TOPIC_ARN)).resolves.toBeUndefined();
  });

  it('surfaces other errors', async () => {
    mocks.sns.on(DeleteTopicCommand).rejects(awsError('AuthorizationErrorException', 403));
    const { ctx } = testStackContext();
    await expect(removeTopic(ctx, TOPIC_ARN)).rejects.toThrow(/AuthorizationErrorException/);
  });
});
