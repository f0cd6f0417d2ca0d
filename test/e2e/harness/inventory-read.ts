import {
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
} from '@aws-sdk/client-iam';
import { DescribeKeyCommand, ListKeysCommand, ListResourceTagsCommand } from '@aws-sdk/client-kms';
import { type AwsClients, unlessMissing } from './aws.js';
import { STACK_TAG, type StackNames } from './stack.js';

/**
 * What the inventory's entries (inventory-kinds.ts) share: the context they read with, what they
 * return, and the helpers for paged lists, tags and the two resources that take several calls.
 */
export interface Ctx {
  aws: AwsClients;
  names: StackNames;
  account: string;
  region: string;
  arns: { topic: string; functionName: string; alarm: string; logGroup: string; queue: string; rule: string };
  /** Shares one scan between kinds within one inventory (e.g. the keys tagged for the stack). */
  once<T>(key: string, read: () => Promise<T>): Promise<T>;
}

export interface Found<T> {
  /** The resource under the README's name, as AWS describes it (undefined: there is none). */
  named: T | undefined;
  /** Every resource of this kind tagged for the stack (or bound to it), by id; `gone`: counts as removed. */
  tagged: Array<{ id: string; gone?: boolean }>;
}

export interface Kind<T> {
  read(ctx: Ctx): Promise<Found<T>>;
  /** Whether the named resource still counts as left (default: it does), e.g. not a key pending deletion. */
  remains?(named: T): boolean;
}

type Tags = Record<string, string>;
export const tagMap = (list: Array<{ Key?: string; Value?: string }> | undefined): Tags =>
  Object.fromEntries((list ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
const ours = (ctx: Ctx, tags: Tags | undefined) => tags?.[STACK_TAG] === ctx.names.stack;
/** A JSON policy document, URL-encoded (IAM) or not. */
export const parseDoc = (text: string | undefined): unknown =>
  text === undefined ? undefined : JSON.parse(text.trim().startsWith('{') ? text : decodeURIComponent(text));

/** Follows a paged list: `page(token)` returns the items and the next token. */
export async function all<T>(
  page: (token?: string) => Promise<[T[] | undefined, string | undefined]>,
): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const [items, next] = await page(token);
    out.push(...(items ?? []));
    token = next;
  } while (token);
  return out;
}

/** The ids among `ids` whose tags (read with `tagsOf`; unreadable: not ours) are the stack's. */
export async function taggedAmong(ctx: Ctx, ids: string[], tagsOf: (id: string) => Promise<Tags>) {
  const tags = await Promise.all(ids.map((id) => tagsOf(id).catch(() => undefined)));
  return ids.filter((_, i) => ours(ctx, tags[i])).map((id) => ({ id }));
}

/** DescribeKey (by id or alias), then the tags of the key it names (ListResourceTags takes no alias). */
export async function keyInfo(ctx: Ctx, KeyId: string) {
  const { KeyMetadata: metadata } = await ctx.aws.kms.send(new DescribeKeyCommand({ KeyId }));
  const t = await ctx.aws.kms.send(new ListResourceTagsCommand({ KeyId: metadata?.KeyId }));
  return {
    metadata,
    tags: Object.fromEntries((t.Tags ?? []).map((x) => [x.TagKey ?? '', x.TagValue ?? ''])),
  };
}

/** The keys tagged for the stack, whatever their state. */
export const taggedKeys = (ctx: Ctx) =>
  ctx.once('keys', async () => {
    const keys = await all((Marker) =>
      ctx.aws.kms
        .send(new ListKeysCommand({ Marker }))
        .then((o) => [o.Keys, o.Truncated ? o.NextMarker : undefined]),
    );
    const infos = await Promise.all(keys.map((k) => keyInfo(ctx, k.KeyId ?? '').catch(() => undefined)));
    return infos.flatMap((i) => (i?.metadata?.KeyId && ours(ctx, i.tags) ? [i.metadata] : []));
  });

/** The role with its trust, attached and inline policies (documents parsed) and tags. */
export async function readRole(ctx: Ctx) {
  const { iam } = ctx.aws;
  const RoleName = ctx.names.role;
  const got = await unlessMissing(iam.send(new GetRoleCommand({ RoleName })));
  if (!got?.Role) return undefined;
  const { RoleLastUsed: _used, ...role } = got.Role;
  const [attached, inline, tags] = await Promise.all([
    iam.send(new ListAttachedRolePoliciesCommand({ RoleName })),
    iam.send(new ListRolePoliciesCommand({ RoleName })),
    iam.send(new ListRoleTagsCommand({ RoleName })),
  ]);
  const docs = await Promise.all(
    (inline.PolicyNames ?? []).map((PolicyName) =>
      iam
        .send(new GetRolePolicyCommand({ RoleName, PolicyName }))
        .then((p): [string, unknown] => [PolicyName, parseDoc(p.PolicyDocument)]),
    ),
  );
  return {
    ...role,
    AssumeRolePolicyDocument: parseDoc(role.AssumeRolePolicyDocument),
    attached: (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn),
    inline: Object.fromEntries(docs) as Record<string, unknown>,
    tags: tagMap(tags.Tags),
  };
}
