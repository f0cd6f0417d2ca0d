import { ListTagsForResourceCommand as CwTags, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand as LogTags,
} from '@aws-sdk/client-cloudwatch-logs';
import { ListRolesCommand, ListRoleTagsCommand } from '@aws-sdk/client-iam';
import { GetKeyPolicyCommand, ListAliasesCommand } from '@aws-sdk/client-kms';
import {
  GetFunctionCommand,
  GetPolicyCommand,
  ListFunctionsCommand,
  ListTagsCommand,
} from '@aws-sdk/client-lambda';
import {
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  ListTopicsCommand,
  ListTagsForResourceCommand as SnsTags,
} from '@aws-sdk/client-sns';
import { unlessMissing } from './aws.js';
import { DELIVERY_KINDS } from './inventory-delivery.js';
import {
  all,
  type Ctx,
  type Kind,
  keyInfo,
  parseDoc,
  readRole,
  taggedAmong,
  taggedKeys,
  tagMap,
} from './inventory-read.js';

/**
 * One entry per kind of resource a stack has: how to read it by the name the README gives it, and how
 * to find every resource of that kind tagged for (or bound to) the stack whatever its name. A new
 * kind of resource (an EventBridge rule, an SQS queue…) is one more entry here; inventory(),
 * leftovers() and snapshot() pick it up.
 */
export const KINDS = {
  topic: {
    async read(ctx: Ctx) {
      const { sns } = ctx.aws;
      const attrs = await unlessMissing(
        sns.send(new GetTopicAttributesCommand({ TopicArn: ctx.arns.topic })),
      );
      const tags = attrs && (await sns.send(new SnsTags({ ResourceArn: ctx.arns.topic })));
      const topics = await all((NextToken) =>
        sns.send(new ListTopicsCommand({ NextToken })).then((o) => [o.Topics, o.NextToken]),
      );
      const arns = topics.map((t) => t.TopicArn ?? '');
      const tagged = await taggedAmong(ctx, arns, (ResourceArn) =>
        sns.send(new SnsTags({ ResourceArn })).then((o) => tagMap(o.Tags)),
      );
      return { named: attrs && { attributes: attrs.Attributes ?? {}, tags: tagMap(tags?.Tags) }, tagged };
    },
  },
  subscription: {
    async read(ctx: Ctx) {
      const { sns } = ctx.aws;
      const onTopic = await unlessMissing(
        all((NextToken) =>
          sns
            .send(new ListSubscriptionsByTopicCommand({ TopicArn: ctx.arns.topic, NextToken }))
            .then((o) => [o.Subscriptions, o.NextToken]),
        ),
      );
      const everywhere = await all((NextToken) =>
        sns.send(new ListSubscriptionsCommand({ NextToken })).then((o) => [o.Subscriptions, o.NextToken]),
      );
      // Subscriptions take no tags: bound to the stack is from its topic or to its function.
      const bound = everywhere.filter(
        (s) => s.TopicArn === ctx.arns.topic || s.Endpoint?.split(':')[6] === ctx.names.functionName,
      );
      return {
        named: onTopic?.length ? onTopic : undefined,
        tagged: bound.map((s) => ({ id: s.SubscriptionArn ?? '' })),
      };
    },
  },
  key: {
    async read(ctx: Ctx) {
      const KeyId = ctx.names.keyAlias;
      const info = await unlessMissing(keyInfo(ctx, KeyId));
      const policy =
        info &&
        (await ctx.aws.kms.send(
          new GetKeyPolicyCommand({ KeyId: info.metadata?.KeyId, PolicyName: 'default' }),
        ));
      const tagged = (await taggedKeys(ctx)).map((k) => ({
        id: k.KeyId ?? '',
        gone: k.KeyState === 'PendingDeletion',
      }));
      return { named: info && { ...info, policy: parseDoc(policy?.Policy) }, tagged };
    },
    remains: (named: { metadata?: { KeyState?: string } }) => named.metadata?.KeyState !== 'PendingDeletion',
  },
  alias: {
    async read(ctx: Ctx) {
      const aliases = await all((Marker) =>
        ctx.aws.kms
          .send(new ListAliasesCommand({ Marker }))
          .then((o) => [o.Aliases, o.Truncated ? o.NextMarker : undefined]),
      );
      const keyIds = new Set((await taggedKeys(ctx)).map((k) => k.KeyId));
      const named = aliases.find((a) => a.AliasName === ctx.names.keyAlias);
      return {
        named: named && { AliasName: named.AliasName, TargetKeyId: named.TargetKeyId },
        tagged: aliases.filter((a) => keyIds.has(a.TargetKeyId)).map((a) => ({ id: a.AliasName ?? '' })),
      };
    },
  },
  role: {
    async read(ctx: Ctx) {
      const { iam } = ctx.aws;
      const roles = await all((Marker) =>
        iam
          .send(new ListRolesCommand({ Marker }))
          .then((o) => [o.Roles, o.IsTruncated ? o.Marker : undefined]),
      );
      const tagged = await taggedAmong(
        ctx,
        roles.map((r) => r.RoleName ?? ''),
        (name) => iam.send(new ListRoleTagsCommand({ RoleName: name })).then((o) => tagMap(o.Tags)),
      );
      return { named: await readRole(ctx), tagged };
    },
  },
  'log-group': {
    async read(ctx: Ctx) {
      const { logs } = ctx.aws;
      const groups = await all((nextToken) =>
        logs.send(new DescribeLogGroupsCommand({ nextToken })).then((o) => [o.logGroups, o.nextToken]),
      );
      const arnOf = (name: string) => `arn:aws:logs:${ctx.region}:${ctx.account}:log-group:${name}`;
      const tagsOf = (name: string) =>
        logs.send(new LogTags({ resourceArn: arnOf(name) })).then((o) => ({ ...o.tags }));
      const found = groups.find((g) => g.logGroupName === ctx.names.logGroup);
      // storedBytes grows with every invocation's logs: not a property of the resource we set.
      const { storedBytes: _bytes, ...group } = found ?? {};
      const named = found && { ...group, tags: await tagsOf(ctx.names.logGroup) };
      const tagged = await taggedAmong(
        ctx,
        groups.map((g) => g.logGroupName ?? ''),
        tagsOf,
      );
      return { named, tagged };
    },
  },
  function: {
    async read(ctx: Ctx) {
      const { lambda } = ctx.aws;
      const got = await unlessMissing(
        lambda.send(new GetFunctionCommand({ FunctionName: ctx.names.functionName })),
      );
      const functions = await all((Marker) =>
        lambda.send(new ListFunctionsCommand({ Marker })).then((o) => [o.Functions, o.NextMarker]),
      );
      const tagged = await taggedAmong(
        ctx,
        functions.map((f) => f.FunctionArn ?? ''),
        (Resource) => lambda.send(new ListTagsCommand({ Resource })).then((o) => ({ ...o.Tags })),
      );
      // Code.Location is a presigned URL made anew on every read.
      return { named: got && { Configuration: got.Configuration ?? {}, Tags: got.Tags ?? {} }, tagged };
    },
  },
  'function-policy': {
    async read(ctx: Ctx) {
      const got = await unlessMissing(
        ctx.aws.lambda.send(new GetPolicyCommand({ FunctionName: ctx.names.functionName })),
      );
      // Goes with its function: nothing to find elsewhere.
      return { named: got && { Policy: parseDoc(got.Policy), RevisionId: got.RevisionId }, tagged: [] };
    },
  },
  alarm: {
    async read(ctx: Ctx) {
      const { cloudwatch } = ctx.aws;
      const tagsOf = (ResourceARN: string) =>
        cloudwatch.send(new CwTags({ ResourceARN })).then((o) => tagMap(o.Tags));
      const mine = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [ctx.names.alarm] }));
      const alarm = mine.MetricAlarms?.find((a) => a.AlarmName === ctx.names.alarm);
      const every = await all((NextToken) =>
        cloudwatch
          .send(new DescribeAlarmsCommand({ NextToken }))
          .then((o) => [[...(o.MetricAlarms ?? []), ...(o.CompositeAlarms ?? [])], o.NextToken]),
      );
      const tagged = await taggedAmong(
        ctx,
        every.map((a) => a.AlarmArn ?? ''),
        tagsOf,
      );
      return { named: alarm && { ...alarm, tags: await tagsOf(alarm.AlarmArn ?? ctx.arns.alarm) }, tagged };
    },
  },
  ...DELIVERY_KINDS,
} satisfies Record<string, Kind<unknown>>;
