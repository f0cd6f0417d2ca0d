/** Customer-managed KMS key and its alias `alias/<name>-kms-key`. */
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  KMSClient,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-kms';
import { awsErrorName, isNotFound } from '../errors.js';
import { STACK_TAG } from '../names.js';
import type { Ensured, PlanItem, StackContext, Tags } from './context.js';
import { untilVisible } from './key-cipher.js';
import { tagMissing, withTagPlan } from './stack-tag.js';

export interface KeyFound {
  keyId: string;
  arn: string;
  /** KeyState: Enabled, Disabled, PendingDeletion, … */
  state: string;
  deletionDate?: Date | undefined;
  description?: string | undefined;
  tags: Tags;
}

/** The shortest pending window KMS accepts; what a rollback schedules for a key this run created. */
const MIN_PENDING_WINDOW_DAYS = 7;

function keyDescription(stack: string): string {
  return `alarm-to-slack: encrypts the Slack webhook URL of stack "${stack}"`;
}

/**
 * The key policy: only the standard "Enable IAM User Permissions" statement, so that access is
 * governed by IAM policies (the role's kms:Decrypt with its EncryptionContext condition) and no
 * principal is a wildcard.
 */
function keyPolicy(ctx: StackContext) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:${ctx.partition}:iam::${ctx.account}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  };
}

/**
 * DescribeKey on the alias, then ListResourceTags on the key it points to (KMS does not take an alias
 * there); undefined when the alias does not exist.
 */
export async function findKey(ctx: StackContext): Promise<KeyFound | undefined> {
  let meta: Awaited<ReturnType<typeof describe>>;
  try {
    meta = await describe(ctx, ctx.names.keyAlias);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  if (!meta?.KeyId) return undefined;
  const tags: Tags = {};
  try {
    const out = await ctx.clients
      .get(KMSClient)
      .send(new ListResourceTagsCommand({ KeyId: meta.KeyId, Limit: 50 }));
    for (const t of out.Tags ?? []) if (t.TagKey !== undefined) tags[t.TagKey] = t.TagValue ?? '';
  } catch (error) {
    if (!isNotFound(error) && awsErrorName(error) !== 'KMSInvalidStateException') throw error;
  }
  return {
    keyId: meta.KeyId,
    arn: meta.Arn ?? `arn:${ctx.partition}:kms:${ctx.region}:${ctx.account}:key/${meta.KeyId}`,
    state: meta.KeyState ?? 'Unknown',
    deletionDate: meta.DeletionDate,
    description: meta.Description,
    tags,
  };
}

async function describe(ctx: StackContext, keyId: string) {
  return (await ctx.clients.get(KMSClient).send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;
}

/** create when missing, or when the alias points to a key that is not Enabled (replaced, alias moved). */
export function planKey(ctx: StackContext, found: KeyFound | undefined): PlanItem {
  const item = { resource: 'KMS key', name: ctx.names.keyAlias };
  if (!found) return { ...item, action: 'create' };
  if (found.state === 'Enabled')
    return withTagPlan({ ...item, action: 'unchanged' }, found.tags, ctx.names.stack);
  return {
    ...item,
    action: 'create',
    changes: [`alias points to a key ${found.state}; a new key replaces it`],
  };
}

/**
 * The reused (Enabled) key: unchanged, with no call, unless it has no stack tag at all; then it gets
 * ours (TagResource) and the undo removes exactly that tag. A key tagged for another stack is left alone.
 */
export async function ensureKeyTag(
  ctx: StackContext,
  found: KeyFound,
): Promise<Ensured<{ arn: string; keyId: string }>> {
  const value = { arn: found.arn, keyId: found.keyId };
  if (!tagMissing(found.tags, ctx.names.stack)) return { change: 'unchanged', value };
  const KeyId = found.keyId;
  await ctx.clients
    .get(KMSClient)
    .send(new TagResourceCommand({ KeyId, Tags: [{ TagKey: STACK_TAG, TagValue: ctx.names.stack }] }));
  const undo = async () => {
    await ctx.clients.get(KMSClient).send(new UntagResourceCommand({ KeyId, TagKeys: [STACK_TAG] }));
  };
  return { change: 'updated', value, undo };
}

/**
 * CreateKey alone (symmetric, description naming the stack, stack tag, explicit key policy); undo
 * schedules its deletion at 7 days. With ensureKeyAlias, lets init start what needs only the key ARN
 * (Encrypt, the role's policy) while the alias is being created or moved.
 */
export async function createKey(
  ctx: StackContext,
): Promise<Ensured<{ arn: string; keyId: string }> & { undo: () => Promise<void> }> {
  const created = await ctx.clients.get(KMSClient).send(
    new CreateKeyCommand({
      Description: keyDescription(ctx.names.stack),
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeySpec: 'SYMMETRIC_DEFAULT',
      Policy: JSON.stringify(keyPolicy(ctx)),
      Tags: [{ TagKey: STACK_TAG, TagValue: ctx.names.stack }],
    }),
  );
  const keyId = created.KeyMetadata?.KeyId;
  if (!keyId) throw new Error('KMS CreateKey returned no key id');
  const arn =
    created.KeyMetadata?.Arn ?? `arn:${ctx.partition}:kms:${ctx.region}:${ctx.account}:key/${keyId}`;
  const undo = async () => {
    await scheduleKeyDeletion(ctx, keyId, MIN_PENDING_WINDOW_DAYS);
  };
  return { change: 'created', value: { arn, keyId }, undo };
}

/**
 * Points the alias at `keyId`: CreateAlias, or UpdateAlias when the alias exists (`found`: the key it
 * names now); unchanged, with no call, when it already names that key. Undo: alias deleted, or moved back.
 */
export async function ensureKeyAlias(
  ctx: StackContext,
  found: KeyFound | undefined,
  keyId: string,
): Promise<Ensured<{ alias: string }>> {
  const AliasName = ctx.names.keyAlias;
  if (found?.keyId === keyId) return { change: 'unchanged', value: { alias: AliasName } };
  await untilVisible(ctx, () =>
    found
      ? ctx.clients.get(KMSClient).send(new UpdateAliasCommand({ AliasName, TargetKeyId: keyId }))
      : ctx.clients.get(KMSClient).send(new CreateAliasCommand({ AliasName, TargetKeyId: keyId })),
  );
  const undo = () => (found ? moveAliasBack(ctx, found.keyId) : removeAlias(ctx));
  return { change: found ? 'updated' : 'created', value: { alias: AliasName }, undo };
}

/**
 * Points the alias back at the key it named before. KMS refuses an alias on a key pending deletion
 * (KMSInvalidStateException): then the alias stays on the replacement key, whose deletion the undo
 * schedules next, which leaves the alias as it was found: naming a key pending deletion.
 */
async function moveAliasBack(ctx: StackContext, keyId: string): Promise<void> {
  try {
    await ctx.clients
      .get(KMSClient)
      .send(new UpdateAliasCommand({ AliasName: ctx.names.keyAlias, TargetKeyId: keyId }));
  } catch (error) {
    if (awsErrorName(error) !== 'KMSInvalidStateException') throw error;
    ctx.note(`${ctx.names.keyAlias} stays on the replacement key (its previous key is pending deletion)`);
  }
}

/** DeleteAlias; no-op when already gone. */
export async function removeAlias(ctx: StackContext): Promise<void> {
  try {
    await ctx.clients.get(KMSClient).send(new DeleteAliasCommand({ AliasName: ctx.names.keyAlias }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/**
 * ScheduleKeyDeletion; when already PendingDeletion, returns its existing date (DescribeKey). A key
 * KMS does not know (NotFound) has nothing to delete: deletionDate undefined.
 */
export async function scheduleKeyDeletion(
  ctx: StackContext,
  keyId: string,
  pendingWindowDays: number,
): Promise<{ deletionDate: Date | undefined }> {
  try {
    const out = await ctx.clients
      .get(KMSClient)
      .send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: pendingWindowDays }));
    return { deletionDate: out.DeletionDate };
  } catch (error) {
    if (isNotFound(error)) return { deletionDate: undefined };
    if (awsErrorName(error) !== 'KMSInvalidStateException') throw error;
    const meta = await describe(ctx, keyId);
    if (meta?.KeyState !== 'PendingDeletion') throw error;
    return { deletionDate: meta.DeletionDate };
  }
}
