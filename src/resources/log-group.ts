/** Log group `/aws/lambda/<name>-lambda` with a retention. */
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DeleteRetentionPolicyCommand,
  ListTagsForResourceCommand,
  type LogGroup,
  PutRetentionPolicyCommand,
  paginateDescribeLogGroups,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { awsErrorName, isNotFound } from '../errors.js';
import { STACK_TAG } from '../names.js';
import { applyAll, cleanUpAndThrow, type Write } from './cleanup.js';
import { type Ensured, type PlanItem, type StackContext, stackTags, type Tags } from './context.js';
import { tagMissing, withTagPlan } from './stack-tag.js';

export interface LogGroupFound {
  name: string;
  /** Without the trailing `:*` that DescribeLogGroups puts on `arn`. */
  arn: string;
  retentionDays: number | undefined;
  tags: Tags;
}

/**
 * DescribeLogGroups by prefix with an exact-name match (paginated) and ListTagsForResource on the
 * derived ARN, in parallel; undefined when the group does not exist.
 */
export async function findLogGroup(ctx: StackContext): Promise<LogGroupFound | undefined> {
  const [group, tags] = await Promise.allSettled([
    describeGroup(ctx),
    ctx.clients
      .get(CloudWatchLogsClient)
      .send(new ListTagsForResourceCommand({ resourceArn: ctx.arns.logGroupArn })),
  ]);
  if (group.status === 'rejected') throw group.reason;
  if (!group.value) return undefined;
  if (tags.status === 'rejected') {
    if (isNotFound(tags.reason)) return undefined; // deleted meanwhile
    throw tags.reason;
  }
  const arn = group.value.logGroupArn ?? group.value.arn?.replace(/:\*$/, '') ?? ctx.arns.logGroupArn;
  return {
    name: ctx.names.logGroup,
    arn,
    retentionDays: group.value.retentionInDays,
    tags: { ...tags.value.tags },
  };
}

async function describeGroup(ctx: StackContext): Promise<LogGroup | undefined> {
  const name = ctx.names.logGroup;
  const pages = paginateDescribeLogGroups(
    { client: ctx.clients.get(CloudWatchLogsClient) },
    { logGroupNamePrefix: name },
  );
  for await (const page of pages) {
    const match = page.logGroups?.find((g) => g.logGroupName === name);
    if (match) return match;
  }
  return undefined;
}

const days = (n: number | undefined) => (n === undefined ? 'never expire' : `${n} days`);

export function planLogGroup(
  ctx: StackContext,
  found: LogGroupFound | undefined,
  retentionDays: number,
): PlanItem {
  const item = { resource: 'Log group', name: ctx.names.logGroup };
  if (!found) return { ...item, action: 'create', changes: [`retention ${days(retentionDays)}`] };
  const planned: PlanItem =
    found.retentionDays === retentionDays
      ? { ...item, action: 'unchanged' }
      : {
          ...item,
          action: 'update',
          changes: [`retention ${days(found.retentionDays)} → ${days(retentionDays)}`],
        };
  return withTagPlan(planned, found.tags, ctx.names.stack);
}

/**
 * CreateLogGroup (stack tag) then PutRetentionPolicy when missing; on an existing group,
 * PutRetentionPolicy when the retention differs and TagResource (on the ARN without `:*`) when it has
 * no stack tag at all; nothing otherwise. Undo: delete the created group, or restore the previous
 * retention (DeleteRetentionPolicy when it never expired) and remove the tag added.
 */
export async function ensureLogGroup(
  ctx: StackContext,
  found: LogGroupFound | undefined,
  retentionDays: number,
): Promise<Ensured<{ name: string; arn: string }>> {
  const logGroupName = ctx.names.logGroup;
  const logs = ctx.clients.get(CloudWatchLogsClient);
  const putRetention = (n: number) =>
    logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays: n }));
  if (!found) {
    try {
      await logs.send(new CreateLogGroupCommand({ logGroupName, tags: stackTags(ctx.names.stack) }));
    } catch (error) {
      // Created meanwhile (e.g. by a first invocation of the function): not ours to delete on undo.
      if (awsErrorName(error) !== 'ResourceAlreadyExistsException') throw error;
      const existing = await findLogGroup(ctx);
      if (!existing) throw error;
      return ensureLogGroup(ctx, existing, retentionDays);
    }
    try {
      await putRetention(retentionDays);
    } catch (error) {
      await cleanUpAndThrow(ctx, error, `Log group ${logGroupName}`, () => removeLogGroup(ctx));
    }
    const value = { name: logGroupName, arn: ctx.arns.logGroupArn };
    return { change: 'created', value, undo: () => removeLogGroup(ctx) };
  }
  const value = { name: found.name, arn: found.arn };
  const writes: Write[] = [];
  if (found.retentionDays !== retentionDays) {
    const previous = found.retentionDays;
    writes.push({
      run: () => putRetention(retentionDays),
      undo: () =>
        previous === undefined
          ? logs.send(new DeleteRetentionPolicyCommand({ logGroupName }))
          : putRetention(previous),
    });
  }
  if (tagMissing(found.tags, ctx.names.stack)) {
    const resourceArn = found.arn.replace(/:\*$/, '');
    writes.push({
      run: () => logs.send(new TagResourceCommand({ resourceArn, tags: stackTags(ctx.names.stack) })),
      undo: () => logs.send(new UntagResourceCommand({ resourceArn, tagKeys: [STACK_TAG] })),
    });
  }
  if (writes.length === 0) return { change: 'unchanged', value };
  const undo = await applyAll(ctx, writes, `Log group ${logGroupName} (partly updated)`);
  return { change: 'updated', value, undo };
}

/** DeleteLogGroup; no-op when already gone. */
export async function removeLogGroup(ctx: StackContext): Promise<void> {
  try {
    await ctx.clients
      .get(CloudWatchLogsClient)
      .send(new DeleteLogGroupCommand({ logGroupName: ctx.names.logGroup }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
