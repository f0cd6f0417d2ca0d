import type {
  CreateTopicInput,
  GetTopicAttributesInput,
  ListSubscriptionsByTopicInput,
  ListTagsForResourceRequest,
  PublishInput,
  SubscribeInput,
  TagResourceRequest,
  UnsubscribeInput,
  UntagResourceRequest,
} from '@aws-sdk/client-sns';
import { type Env, type Handlers, on, page, tagList, tagMap } from '../env.js';
import { awsError } from '../errors.js';
import type { TopicRecord } from '../types.js';

/**
 * STS GetCallerIdentity and SNS. SNS is a Query service: NotFound (404) answers as the SDK's
 * NotFoundException, InvalidParameter as InvalidParameterException.
 * CreateTopic is idempotent, but refused when the request's tags differ from the existing topic's
 * ("Invalid parameter: Tags Reason: Topic already exists with different tags", as reported against
 * AWS in localstack/localstack#2405 and #3928). DeleteTopic is idempotent and takes the topic's
 * subscriptions with it. Publish delivers to lambda subscriptions (when the function's resource policy
 * lets sns.amazonaws.com invoke it from this topic) and to sqs ones.
 */
const topicMissing = () => awsError('NotFoundException', 404, 'Topic does not exist', 'NotFound');
const resourceMissing = () =>
  awsError('ResourceNotFoundException', 404, 'Resource does not exist', 'ResourceNotFound');

export function snsHandlers(env: Env): Handlers {
  const { state } = env;
  const topic = (arn: string | undefined): TopicRecord => {
    const t = arn === undefined ? undefined : state.topics.get(arn);
    if (!t) throw topicMissing();
    return t;
  };
  const tagged = (arn: string | undefined): TopicRecord => {
    const t = arn === undefined ? undefined : state.topics.get(arn);
    if (!t) throw resourceMissing();
    return t;
  };
  const subscriptionsOf = (topicArn: string) =>
    [...state.subscriptions].filter(([, s]) => s.topicArn === topicArn);

  return {
    'sts.GetCallerIdentity': () => ({
      Account: env.account,
      Arn: `arn:${env.partition}:iam::${env.account}:user/alice`,
      UserId: 'AIDAFAKEUSERALICE',
    }),

    'sns.CreateTopic': on<CreateTopicInput>(({ Name, Tags, Attributes }) => {
      const arn = env.arn('sns', Name ?? '');
      const existing = state.topics.get(arn);
      const requested = tagMap(Tags);
      if (existing) {
        if (Object.entries(requested).some(([k, v]) => existing.tags[k] !== v))
          throw awsError(
            'InvalidParameterException',
            400,
            'Invalid parameter: Tags Reason: Topic already exists with different tags',
            'InvalidParameter',
          );
        return { TopicArn: arn };
      }
      state.topics.set(arn, {
        tags: requested,
        attributes: { DisplayName: '', ...(Attributes ?? {}) },
      });
      return { TopicArn: arn };
    }),
    'sns.GetTopicAttributes': on<GetTopicAttributesInput>(({ TopicArn }) => {
      const t = topic(TopicArn);
      const subs = subscriptionsOf(TopicArn ?? '');
      return {
        Attributes: {
          ...t.attributes,
          TopicArn,
          Owner: env.account,
          SubscriptionsConfirmed: String(subs.length),
          SubscriptionsPending: '0',
          SubscriptionsDeleted: '0',
        },
      };
    }),
    'sns.ListTagsForResource': on<ListTagsForResourceRequest>(({ ResourceArn }) => ({
      Tags: tagList(tagged(ResourceArn).tags),
    })),
    'sns.TagResource': on<TagResourceRequest>(({ ResourceArn, Tags }) => {
      Object.assign(tagged(ResourceArn).tags, tagMap(Tags));
      return {};
    }),
    'sns.UntagResource': on<UntagResourceRequest>(({ ResourceArn, TagKeys }) => {
      const t = tagged(ResourceArn);
      for (const k of TagKeys ?? []) delete t.tags[k];
      return {};
    }),
    'sns.DeleteTopic': on<{ TopicArn?: string }>(({ TopicArn }) => {
      state.topics.delete(TopicArn ?? '');
      for (const [arn] of subscriptionsOf(TopicArn ?? '')) state.subscriptions.delete(arn);
      return {};
    }),
    'sns.ListSubscriptionsByTopic': on<ListSubscriptionsByTopicInput>(({ TopicArn, NextToken }) => {
      topic(TopicArn);
      const all = subscriptionsOf(TopicArn ?? '').map(([SubscriptionArn, s]) => ({
        SubscriptionArn,
        TopicArn,
        Protocol: s.protocol,
        Endpoint: s.endpoint,
        Owner: env.account,
      }));
      const p = page(all, NextToken, 100);
      if (!p)
        throw awsError('InvalidParameterException', 400, 'Invalid parameter: NextToken', 'InvalidParameter');
      return { Subscriptions: p.items, ...(p.next ? { NextToken: p.next } : {}) };
    }),
    'sns.Subscribe': on<SubscribeInput>(({ TopicArn, Protocol, Endpoint }) => {
      topic(TopicArn);
      for (const [arn, s] of state.subscriptions)
        if (s.topicArn === TopicArn && s.protocol === Protocol && s.endpoint === Endpoint)
          return { SubscriptionArn: arn };
      const arn = `${TopicArn}:${env.uuid()}`;
      state.subscriptions.set(arn, {
        topicArn: TopicArn ?? '',
        protocol: Protocol ?? '',
        endpoint: Endpoint ?? '',
      });
      return { SubscriptionArn: arn };
    }),
    'sns.Unsubscribe': on<UnsubscribeInput>(({ SubscriptionArn }) => {
      state.subscriptions.delete(SubscriptionArn ?? '');
      return {};
    }),
    'sns.Publish': on<PublishInput>(async ({ TopicArn, Message, Subject }) => {
      topic(TopicArn);
      const MessageId = env.uuid();
      const Timestamp = new Date(env.now()).toISOString();
      for (const [SubscriptionArn, s] of subscriptionsOf(TopicArn ?? '')) {
        const Sns = {
          Type: 'Notification',
          MessageId,
          TopicArn,
          Subject: Subject ?? null,
          Message,
          Timestamp,
        };
        if (s.protocol === 'lambda' && snsMayInvoke(env, s.endpoint, TopicArn ?? '')) {
          const event = {
            Records: [
              {
                EventSource: 'aws:sns',
                EventVersion: '1.0',
                EventSubscriptionArn: SubscriptionArn,
                Sns: { ...Sns, SignatureVersion: '1', Signature: 'FAKE', MessageAttributes: {} },
              },
            ],
          };
          await env
            .call('lambda', 'Invoke', {
              FunctionName: s.endpoint,
              InvocationType: 'Event',
              Payload: new TextEncoder().encode(JSON.stringify(event)),
            })
            .catch(() => undefined); // a missing function drops the message, as SNS does
        } else if (s.protocol === 'sqs') {
          const name = s.endpoint.split(':').pop() ?? '';
          const queue = state.queues.get(name);
          if (queue)
            await env.call('sqs', 'SendMessage', { QueueUrl: queue.url, MessageBody: JSON.stringify(Sns) });
        }
      }
      return { MessageId };
    }),
  };
}

/** Does the function's resource policy let SNS invoke it from this topic (the permission init adds)? */
function snsMayInvoke(env: Env, functionArn: string, topicArn: string): boolean {
  const fn = env.state.functions.get(functionArn.split(':function:').pop() ?? '');
  return (
    fn?.statements.some((s) => {
      const service = 'Service' in s.Principal ? s.Principal.Service : undefined;
      const source = s.Condition?.ArnLike?.['AWS:SourceArn'] ?? s.Condition?.ArnEquals?.['AWS:SourceArn'];
      const account = s.Condition?.StringEquals?.['AWS:SourceAccount'];
      return (
        s.Effect === 'Allow' &&
        service === 'sns.amazonaws.com' &&
        (s.Action === 'lambda:InvokeFunction' || s.Action === 'lambda:*') &&
        (source === undefined || source === topicArn) &&
        (account === undefined || account === env.account)
      );
    }) ?? false
  );
}
