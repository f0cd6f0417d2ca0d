/** IAM role `<name>-lambda-role` with AWSLambdaBasicExecutionRole and inline `<name>-kms-decrypt`. */
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { isNotFound } from '../errors.js';
import { STACK_TAG } from '../names.js';
import { applyAll, type Write } from './cleanup.js';
import type { Ensured, PlanItem, StackContext, Tags } from './context.js';
import { parsePolicy, samePolicy } from './policy-document.js';
import { decryptPolicy, type PolicyDocument, queuePolicy, trustPolicy } from './role-policies.js';
import { tagMissing, withTagPlan } from './stack-tag.js';

export interface RoleFound {
  arn: string;
  trustPolicy: PolicyDocument | undefined;
  attachedPolicyArns: string[];
  inlinePolicyNames: string[];
  /** Our inline kms:Decrypt policy's document, when present. */
  decryptPolicy: PolicyDocument | undefined;
  /** Our inline policy on the undelivered-alert queue, when present. */
  queuePolicy: PolicyDocument | undefined;
  tags: Tags;
}

function roleDescription(stack: string): string {
  return `alarm-to-slack: execution role of the Slack notifier function of stack "${stack}"`;
}

/**
 * GetRole, ListAttachedRolePolicies, ListRolePolicies and GetRolePolicy (ours) all at once: every
 * name is known up front, so this is one round trip (plus pages). Undefined when the role is missing.
 */
export async function findRole(ctx: StackContext): Promise<RoleFound | undefined> {
  const RoleName = ctx.names.role;
  const iam = ctx.clients.get(IAMClient);
  const [role, attached, inline, ours, queue] = await Promise.allSettled([
    iam.send(new GetRoleCommand({ RoleName })),
    listAttached(ctx),
    listInline(ctx),
    iam.send(new GetRolePolicyCommand({ RoleName, PolicyName: ctx.names.policy })),
    iam.send(new GetRolePolicyCommand({ RoleName, PolicyName: ctx.names.queuePolicy })),
  ]);
  if (role.status === 'rejected') {
    if (isNotFound(role.reason)) return undefined;
    throw role.reason;
  }
  for (const r of [attached, inline]) {
    if (r.status === 'rejected') {
      if (isNotFound(r.reason)) return undefined; // deleted meanwhile
      throw r.reason;
    }
  }
  for (const r of [ours, queue]) if (r.status === 'rejected' && !isNotFound(r.reason)) throw r.reason;
  const tags: Tags = {};
  for (const t of role.value.Role?.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  const doc = ours.status === 'fulfilled' ? ours.value.PolicyDocument : undefined;
  const queueDoc = queue.status === 'fulfilled' ? queue.value.PolicyDocument : undefined;
  return {
    arn: role.value.Role?.Arn ?? ctx.arns.roleArn,
    trustPolicy: parsePolicy<PolicyDocument>(role.value.Role?.AssumeRolePolicyDocument),
    attachedPolicyArns: attached.status === 'fulfilled' ? attached.value : [],
    inlinePolicyNames: inline.status === 'fulfilled' ? inline.value : [],
    decryptPolicy: parsePolicy<PolicyDocument>(doc),
    queuePolicy: parsePolicy<PolicyDocument>(queueDoc),
    tags,
  };
}

async function listAttached(ctx: StackContext): Promise<string[]> {
  const arns: string[] = [];
  const pages = paginateListAttachedRolePolicies(
    { client: ctx.clients.get(IAMClient) },
    { RoleName: ctx.names.role },
  );
  for await (const page of pages)
    for (const p of page.AttachedPolicies ?? []) if (p.PolicyArn) arns.push(p.PolicyArn);
  return arns;
}

async function listInline(ctx: StackContext): Promise<string[]> {
  const names: string[] = [];
  const pages = paginateListRolePolicies(
    { client: ctx.clients.get(IAMClient) },
    { RoleName: ctx.names.role },
  );
  for await (const page of pages) names.push(...(page.PolicyNames ?? []));
  return names;
}

/** keyArn undefined when the key does not exist yet (then the role needs at least an update). */
export function planRole(
  ctx: StackContext,
  found: RoleFound | undefined,
  keyArn: string | undefined,
): PlanItem {
  const item = { resource: 'IAM role', name: ctx.names.role };
  if (!found) return { ...item, action: 'create' };
  const changes: string[] = [];
  if (!samePolicy(found.trustPolicy, trustPolicy())) changes.push('trust policy (lambda.amazonaws.com)');
  if (!found.attachedPolicyArns.includes(ctx.arns.basicExecutionPolicyArn))
    changes.push('AWSLambdaBasicExecutionRole attachment');
  if (keyArn === undefined || !samePolicy(found.decryptPolicy, decryptPolicy(ctx, keyArn)))
    changes.push('kms:Decrypt policy');
  if (!samePolicy(found.queuePolicy, queuePolicy(ctx))) changes.push('undelivered-alert queue policy');
  const planned: PlanItem = changes.length
    ? { ...item, action: 'update', changes }
    : { ...item, action: 'unchanged' };
  return withTagPlan(planned, found.tags, ctx.names.stack);
}

/** The role's own writes on an existing role: its trust policy and its stack tag, where they differ. */
function trustWrites(ctx: StackContext, found: RoleFound): Write[] {
  const iam = ctx.clients.get(IAMClient);
  const RoleName = ctx.names.role;
  const writes: Write[] = [];
  if (!samePolicy(found.trustPolicy, trustPolicy())) {
    const previous = found.trustPolicy;
    const update = (doc: PolicyDocument) =>
      iam.send(new UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: JSON.stringify(doc) }));
    writes.push({
      run: () => update(trustPolicy()),
      // A role always has a trust policy; one that could not be read cannot be restored.
      undo: async () => (previous ? update(previous) : undefined),
    });
  }
  if (tagMissing(found.tags, ctx.names.stack)) {
    // Adopted (e.g. made by hand from the tutorial): from now on it is this stack's.
    writes.push({
      run: () =>
        iam.send(new TagRoleCommand({ RoleName, Tags: [{ Key: STACK_TAG, Value: ctx.names.stack }] })),
      undo: () => iam.send(new UntagRoleCommand({ RoleName, TagKeys: [STACK_TAG] })),
    });
  }
  return writes;
}

/**
 * The policies' writes: the managed attachment and each inline policy (kms:Decrypt, the queue), where
 * they differ; an inline policy's undo puts its previous document back, or deletes one that was not there.
 */
function policyWrites(ctx: StackContext, found: RoleFound | undefined, keyArn: string): Write[] {
  const iam = ctx.clients.get(IAMClient);
  const RoleName = ctx.names.role;
  const PolicyArn = ctx.arns.basicExecutionPolicyArn;
  const writes: Write[] = [];
  if (!found?.attachedPolicyArns.includes(PolicyArn)) {
    writes.push({
      run: () => iam.send(new AttachRolePolicyCommand({ RoleName, PolicyArn })),
      undo: () => iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn })),
    });
  }
  const inline = [
    { PolicyName: ctx.names.policy, desired: decryptPolicy(ctx, keyArn), previous: found?.decryptPolicy },
    { PolicyName: ctx.names.queuePolicy, desired: queuePolicy(ctx), previous: found?.queuePolicy },
  ];
  for (const { PolicyName, desired, previous } of inline) {
    if (found && samePolicy(previous, desired)) continue;
    const put = (doc: PolicyDocument) =>
      iam.send(new PutRolePolicyCommand({ RoleName, PolicyName, PolicyDocument: JSON.stringify(doc) }));
    writes.push({
      run: () => put(desired),
      undo: () =>
        previous ? put(previous) : iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName })),
    });
  }
  return writes;
}

/**
 * The role and its trust policy only: CreateRole (trust, description, stack tag) when missing, or
 * UpdateAssumeRolePolicy when the trust differs and TagRole when it has no stack tag at all. With
 * ensureRolePolicies, lets init create the role while the key is being created (the policies need the
 * key's ARN; the role does not). Undo: the role deleted (after its policies), or the previous trust
 * restored and the tag removed.
 */
export async function ensureRoleTrust(
  ctx: StackContext,
  found: RoleFound | undefined,
): Promise<Ensured<{ arn: string }>> {
  const iam = ctx.clients.get(IAMClient);
  const RoleName = ctx.names.role;
  if (!found) {
    const out = await iam.send(
      new CreateRoleCommand({
        RoleName,
        AssumeRolePolicyDocument: JSON.stringify(trustPolicy()),
        Description: roleDescription(ctx.names.stack),
        Tags: [{ Key: STACK_TAG, Value: ctx.names.stack }],
      }),
    );
    const undo = async () => {
      await iam.send(new DeleteRoleCommand({ RoleName }));
    };
    return { change: 'created', value: { arn: out.Role?.Arn ?? ctx.arns.roleArn }, undo };
  }
  const writes = trustWrites(ctx, found);
  if (writes.length === 0) return { change: 'unchanged', value: { arn: found.arn } };
  const undo = await applyAll(ctx, writes, `IAM role ${RoleName} (partly updated)`);
  return { change: 'updated', value: { arn: found.arn }, undo };
}

/**
 * AWSLambdaBasicExecutionRole attached and the inline kms:Decrypt policy on `keyArn`, concurrently;
 * only what is missing or differs (`found` undefined: a role just created, so both). A partial failure
 * is undone before the error is thrown. Undo: detach / delete, or the previous inline policy restored.
 */
export async function ensureRolePolicies(
  ctx: StackContext,
  found: RoleFound | undefined,
  keyArn: string,
): Promise<Ensured<{ arn: string }>> {
  const arn = found?.arn ?? ctx.arns.roleArn;
  const writes = policyWrites(ctx, found, keyArn);
  if (writes.length === 0) return { change: 'unchanged', value: { arn } };
  const undo = await applyAll(ctx, writes, `the policies of IAM role ${ctx.names.role}`);
  return { change: found ? 'updated' : 'created', value: { arn }, undo };
}

/** Detaches managed policies, deletes inline policies, deletes the role; no-op when gone. */
export async function removeRole(ctx: StackContext): Promise<void> {
  const iam = ctx.clients.get(IAMClient);
  const RoleName = ctx.names.role;
  const ignoreGone = (error: unknown) => {
    if (!isNotFound(error)) throw error;
  };
  const unlessGone = async (call: () => Promise<unknown>) => {
    try {
      await call();
    } catch (error) {
      ignoreGone(error);
    }
  };
  let attached: string[];
  let inline: string[];
  try {
    [attached, inline] = await Promise.all([listAttached(ctx), listInline(ctx)]);
  } catch (error) {
    ignoreGone(error);
    return;
  }
  await Promise.all([
    ...attached.map((PolicyArn) =>
      unlessGone(() => iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn }))),
    ),
    ...inline.map((PolicyName) =>
      unlessGone(() => iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName }))),
    ),
  ]);
  await unlessGone(() => iam.send(new DeleteRoleCommand({ RoleName })));
}
