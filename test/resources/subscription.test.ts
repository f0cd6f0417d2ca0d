import { ListSubscriptionsByTopicCommand, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ensureSubscription,
  findSubscriptions,
  planSubscription,
  removeSubscription,
} from '../../src/resources/subscription.js';
import { ACCOUNT, mockAws, REGION, testStackContext } from '../helpers/aws.js';

const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

const FN_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mission-lambda`;
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:mission-sns`;
const SUB_ARN = `${TOPIC_ARN}:0b5e1f5c-1111-2222-3333-444455556666`;
const awsError = (name: string, status: number, message = `${name} from AWS`) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

const sub = (n: number, Protocol: string, Endpoint: string) => ({
  SubscriptionArn: `${TOPIC_ARN}:${n}`,
  Owner: ACCOUNT,
  Protocol,
  Endpoint,
  TopicArn: TOPIC_ARN,
});

describe('findSubscriptions', () => {
  it('follows NextToken and keeps only lambda subscriptions of the unqualified function ARN', async () => {
    const { ctx } = testStackContext('mission');
    // Each input as it was when sent (the SDK's paginator reuses one input object for every page).
    const sent: unknown[] = [];
    mocks.sns.on(ListSubscriptionsByTopicCommand).callsFake(async (input: { NextToken?: string }) => {
      sent.push({ ...input });
      return input.NextToken === 'page-2'
        ? {
            Subscriptions: [
              sub(3, 'lambda', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:other-lambda`),
              sub(4, 'lambda', FN_ARN),
            ],
          }
        : {
            Subscriptions: [
              sub(1, 'email', 'ops@example.com'),
              sub(2, 'lambda', `${FN_ARN}:live`), // a qualified alias: a different subscription
            ],
            NextToken: 'page-2',
          };
    });
    expect(await findSubscriptions(ctx, TOPIC_ARN, FN_ARN)).toEqual([
      { arn: `${TOPIC_ARN}:4`, endpoint: FN_ARN, protocol: 'lambda' },
    ]);
    expect(sent).toEqual([
      { TopicArn: TOPIC_ARN, NextToken: undefined },
      { TopicArn: TOPIC_ARN, NextToken: 'page-2' },
    ]);
  });

  it('is [] when the topic does not exist', async () => {
    const { ctx } = testStackContext('mission');
    mocks.sns
      .on(ListSubscriptionsByTopicCommand)
      .rejects(awsError('NotFoundException', 404, 'Topic does not exist'));
    expect(await findSubscriptions(ctx, TOPIC_ARN, FN_ARN)).toEqual([]);
  });

  it('surfaces AccessDenied', async () => {
    const { ctx } = testStackContext('mission');
    mocks.sns.on(ListSubscriptionsByTopicCommand).rejects(awsError('AuthorizationErrorException', 403, 'no'));
    await expect(findSubscriptions(ctx, TOPIC_ARN, FN_ARN)).rejects.toThrow('no');
  });
});

describe('planSubscription', () => {
  it('creates when there is none and is unchanged when there is one', () => {
    const { ctx } = testStackContext('mission');
    expect(planSubscription(ctx, [])).toEqual({
      resource: 'SNS subscription',
      name: 'mission-sns → mission-lambda',
      action: 'create',
    });
    const one = [{ arn: SUB_ARN, endpoint: FN_ARN, protocol: 'lambda' }];
    expect(planSubscription(ctx, one).action).toBe('unchanged');
  });
});

describe('ensureSubscription', () => {
  it('subscribes the function when none exists; undo unsubscribes it', async () => {
    const { ctx } = testStackContext('mission');
    mocks.sns.on(SubscribeCommand).resolves({ SubscriptionArn: SUB_ARN });
    mocks.sns.on(UnsubscribeCommand).resolves({});
    const result = await ensureSubscription(ctx, [], TOPIC_ARN, FN_ARN);
    expect(result.change).toBe('created');
    expect(result.value).toEqual({ arn: SUB_ARN });
    expect(mocks.sns.commandCalls(SubscribeCommand)[0]?.args[0].input).toEqual({
      TopicArn: TOPIC_ARN,
      Protocol: 'lambda',
      Endpoint: FN_ARN,
      ReturnSubscriptionArn: true,
    });
    await result.undo?.();
    expect(mocks.sns.commandCalls(UnsubscribeCommand)[0]?.args[0].input).toEqual({
      SubscriptionArn: SUB_ARN,
    });
  });

  it('never subscribes a second time', async () => {
    const { ctx } = testStackContext('mission');
    const existing = [{ arn: SUB_ARN, endpoint: FN_ARN, protocol: 'lambda' }];
    const result = await ensureSubscription(ctx, existing, TOPIC_ARN, FN_ARN);
    expect(result).toEqual({ change: 'unchanged', value: { arn: SUB_ARN } });
    expect(mocks.calls()).toEqual([]);
  });
});

describe('removeSubscription', () => {
  it('unsubscribes', async () => {
    const { ctx } = testStackContext('mission');
    mocks.sns.on(UnsubscribeCommand).resolves({});
    await removeSubscription(ctx, SUB_ARN);
    expect(mocks.sns.commandCalls(UnsubscribeCommand)[0]?.args[0].input).toEqual({
      SubscriptionArn: SUB_ARN,
    });
  });

  it('is a no-op when the subscription is gone', async () => {
    const { ctx } = testStackContext('mission');
    mocks.sns
      .on(UnsubscribeCommand)
      .rejects(awsError('NotFoundException', 404, 'Subscription does not exist'));
    await expect(removeSubscription(ctx, SUB_ARN)).resolves.toBeUndefined();
  });

  it('does not call SNS for a pending subscription without an ARN', async () => {
    const { ctx } = testStackContext('mission');
    await removeSubscription(ctx, 'PendingConfirmation');
    expect(mocks.calls()).toEqual([]);
  });

  it('surfaces other errors', async () => {
    const { ctx } = testStackContext('mission');
    mocks.sns.on(UnsubscribeCommand).rejects(awsError('AuthorizationErrorException', 403, 'denied'));
    await expect(removeSubscription(ctx, SUB_ARN)).rejects.toThrow('denied');
  });
});
