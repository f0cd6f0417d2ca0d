/**
 * Statements of the function's resource policy letting an AWS service invoke it: SNS from the topic
 * (`<topic>-invoke`) and EventBridge from the every-alarm rule (`<rule>-invoke`), each limited to its
 * source (SourceArn) and to the account (SourceAccount).
 */
import {
  AddPermissionCommand,
  GetPolicyCommand,
  LambdaClient,
  RemovePermissionCommand,
} from '@aws-sdk/client-lambda';
import { isNotFound } from '../errors.js';
import { cleanUpAndThrow } from './cleanup.js';
import type { Ensured, PlanItem, StackContext } from './context.js';
import { forUndo, withLambdaRetry } from './function-retry.js';

/** One statement of the function's resource policy, as GetPolicy shows it. */
export interface PermissionFound {
  sid: string;
  principal: string | undefined;
  action: string | undefined;
  sourceArn: string | undefined;
  sourceAccount: string | undefined;
}

/**
 * A permission we want: this service principal may invoke the function from this source only; the
 * SourceAccount is always the stack's account. The statement id is stable, so a re-run finds (and
 * never duplicates) it.
 */
interface PermissionSpec {
  sid: string;
  principal: string;
  sourceArn: string;
}

const SNS_PRINCIPAL = 'sns.amazonaws.com';
const EVENTS_PRINCIPAL = 'events.amazonaws.com';
const INVOKE_ACTION = 'lambda:InvokeFunction';

/** SNS may invoke the function from the topic: statement `<topic>-invoke`. */
export function snsPermissionSpec(ctx: Pick<StackContext, 'names'>, topicArn: string): PermissionSpec {
  return { sid: `${ctx.names.topic}-invoke`, principal: SNS_PRINCIPAL, sourceArn: topicArn };
}

/** EventBridge may invoke the function from the every-alarm rule: statement `<rule>-invoke`. */
export function eventsPermissionSpec(
  ctx: Pick<StackContext, 'names' | 'arns'>,
  ruleArn = ctx.arns.ruleArn,
): PermissionSpec {
  return { sid: `${ctx.names.rule}-invoke`, principal: EVENTS_PRINCIPAL, sourceArn: ruleArn };
}

interface Statement {
  Sid?: string;
  Principal?: string | { Service?: string | string[]; AWS?: string | string[] };
  Action?: string | string[];
  Condition?: Record<string, Record<string, string | string[]> | undefined>;
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? (value.length === 1 ? value[0] : value.join(',')) : value;
}

function parseStatement(s: Statement): PermissionFound {
  const principal =
    typeof s.Principal === 'string' ? s.Principal : one(s.Principal?.Service ?? s.Principal?.AWS);
  const c = s.Condition ?? {};
  return {
    sid: s.Sid ?? '',
    principal,
    action: one(s.Action),
    sourceArn: one(c.ArnLike?.['AWS:SourceArn'] ?? c.ArnEquals?.['AWS:SourceArn']),
    sourceAccount: one(c.StringEquals?.['AWS:SourceAccount']),
  };
}

/** GetPolicy of the function; [] when there is no policy or no function. */
export async function findPermissions(ctx: StackContext): Promise<PermissionFound[]> {
  let policy: string | undefined;
  try {
    const out = await ctx.clients
      .get(LambdaClient)
      .send(new GetPolicyCommand({ FunctionName: ctx.names.functionName }));
    policy = out.Policy;
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  if (!policy) return [];
  const doc = JSON.parse(policy) as { Statement?: Statement | Statement[] };
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  return statements.map(parseStatement);
}

/** Does this statement grant exactly what the spec asks for (under any statement id)? */
function grants(ctx: StackContext, p: PermissionFound, spec: PermissionSpec): boolean {
  return (
    p.principal === spec.principal &&
    p.action === INVOKE_ACTION &&
    p.sourceArn === spec.sourceArn &&
    p.sourceAccount === ctx.account
  );
}

/** Is there a statement: the spec's principal, lambda:InvokeFunction, its SourceArn, SourceAccount = account? */
export function planPermission(ctx: StackContext, found: PermissionFound[], spec: PermissionSpec): PlanItem {
  const { sid } = spec;
  const item = { resource: 'Lambda permission', name: sid };
  if (found.some((p) => grants(ctx, p, spec))) return { ...item, action: 'unchanged' };
  const ours = found.find((p) => p.sid === sid);
  if (!ours) return { ...item, action: 'create' };
  const changes: string[] = [];
  if (ours.principal !== spec.principal)
    changes.push(`principal ${ours.principal ?? '(none)'} → ${spec.principal}`);
  if (ours.action !== INVOKE_ACTION) changes.push(`action ${ours.action ?? '(none)'} → ${INVOKE_ACTION}`);
  if (ours.sourceArn !== spec.sourceArn)
    changes.push(`SourceArn ${ours.sourceArn ?? '(any)'} → ${spec.sourceArn}`);
  if (ours.sourceAccount !== ctx.account)
    changes.push(`SourceAccount ${ours.sourceAccount ?? '(any)'} → ${ctx.account}`);
  return { ...item, action: 'update', changes };
}

/** AddPermission of statement `p`; `principal` stands in when p has none (a previous statement put back). */
async function add(ctx: StackContext, p: PermissionFound, principal: string): Promise<void> {
  await withLambdaRetry(
    ctx,
    () =>
      ctx.clients.get(LambdaClient).send(
        new AddPermissionCommand({
          FunctionName: ctx.names.functionName,
          StatementId: p.sid,
          Action: p.action ?? INVOKE_ACTION,
          Principal: p.principal ?? principal,
          ...(p.sourceArn ? { SourceArn: p.sourceArn } : {}),
          ...(p.sourceAccount ? { SourceAccount: p.sourceAccount } : {}),
        }),
      ),
    { conflicts: true },
  );
}

async function remove(ctx: StackContext, sid: string): Promise<void> {
  try {
    await withLambdaRetry(
      ctx,
      () =>
        ctx.clients
          .get(LambdaClient)
          .send(new RemovePermissionCommand({ FunctionName: ctx.names.functionName, StatementId: sid })),
      { conflicts: true },
    );
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/**
 * AddPermission (the spec's principal and SourceArn, SourceAccount = account) unless a statement already
 * grants it; our statement id with other values is replaced (RemovePermission, then AddPermission).
 * Retries while the function is being updated (ResourceConflictException). Undo reverts exactly that.
 */
export async function ensurePermission(
  ctx: StackContext,
  found: PermissionFound[],
  spec: PermissionSpec,
): Promise<Ensured<{ sid: string }>> {
  const existing = found.find((p) => grants(ctx, p, spec));
  if (existing) return { change: 'unchanged', value: { sid: existing.sid } };
  const { sid } = spec;
  const desired: PermissionFound = {
    sid,
    principal: spec.principal,
    action: INVOKE_ACTION,
    sourceArn: spec.sourceArn,
    sourceAccount: ctx.account,
  };
  const previous = found.find((p) => p.sid === sid);
  if (previous) await remove(ctx, sid);
  try {
    await add(ctx, desired, spec.principal);
  } catch (error) {
    // Our statement with other values was removed above: put it back, or say it is gone.
    if (!previous) throw error;
    await cleanUpAndThrow(
      ctx,
      error,
      `Lambda permission ${sid} (removed, not replaced)`,
      () => add(forUndo(ctx), previous, spec.principal),
      'putting the previous statement back',
    );
  }
  const undo = async () => {
    const quiet = forUndo(ctx);
    await remove(quiet, sid);
    if (previous) await add(quiet, previous, spec.principal);
  };
  return { change: previous ? 'updated' : 'created', value: { sid }, undo };
}

/**
 * RemovePermission of statement `sid` (a spec's, e.g. when the every-alarm rule is disconnected); no-op
 * when it or the function is gone (teardown deletes the function, and its policy, anyway).
 */
export async function removePermission(ctx: StackContext, sid: string): Promise<void> {
  await remove(ctx, sid);
}

/*
 * The verdict on the statements found, shared by `status` (is it healthy?) and `test --through-alarm`
 * (where did the chain stop?).
 */
type PermissionVerdict =
  /** The spec's principal may invoke, only from its source and the account. */
  | 'scoped'
  /** The principal may invoke, but not limited to the source (or the account): any topic or rule could trigger the function. */
  | 'unscoped'
  /** The principal may not invoke the function (from this source): the service drops every event silently. */
  | 'missing';

function isInvokeBy(p: PermissionFound, principal: string): boolean {
  const found = p.principal ?? '';
  const action = p.action ?? '';
  return (
    (found === principal || found.endsWith(`:${principal}`)) &&
    (action === INVOKE_ACTION || action === 'lambda:*')
  );
}

/** May the spec's principal invoke the function from the spec's source (and only from it, in the account)? */
export function permissionVerdict(
  found: readonly PermissionFound[],
  spec: Pick<PermissionSpec, 'principal' | 'sourceArn'>,
  account: string,
): PermissionVerdict {
  const invokers = found.filter((p) => isInvokeBy(p, spec.principal));
  if (invokers.some((p) => p.sourceArn === spec.sourceArn && p.sourceAccount === account)) return 'scoped';
  if (invokers.some((p) => p.sourceArn === undefined || p.sourceArn === spec.sourceArn)) return 'unscoped';
  return 'missing';
}
