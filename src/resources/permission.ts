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

/** The function's resource policy statement letting SNS invoke it. */
export interface PermissionFound {
  sid: string;
  principal: string | undefined;
  action: string | undefined;
  sourceArn: string | undefined;
  sourceAccount: string | undefined;
}

export const SNS_PRINCIPAL = 'sns.amazonaws.com';
export const INVOKE_ACTION = 'lambda:InvokeFunction';

/** Our statement id: stable, so a re-run finds (and never duplicates) it. */
function permissionSid(ctx: StackContext): string {
  return `${ctx.names.topic}-invoke`;
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

function grantsTopic(ctx: StackContext, p: PermissionFound, topicArn: string): boolean {
  return (
    p.principal === SNS_PRINCIPAL &&
    p.action === INVOKE_ACTION &&
    p.sourceArn === topicArn &&
    p.sourceAccount === ctx.account
  );
}

/** Is there a statement: sns.amazonaws.com, lambda:InvokeFunction, SourceArn = topic, SourceAccount = account? */
export function planPermission(ctx: StackContext, found: PermissionFound[], topicArn: string): PlanItem {
  const sid = permissionSid(ctx);
  const item = { resource: 'Lambda permission', name: sid };
  if (found.some((p) => grantsTopic(ctx, p, topicArn))) return { ...item, action: 'unchanged' };
  const ours = found.find((p) => p.sid === sid);
  if (!ours) return { ...item, action: 'create' };
  const changes: string[] = [];
  if (ours.principal !== SNS_PRINCIPAL)
    changes.push(`principal ${ours.principal ?? '(none)'} → ${SNS_PRINCIPAL}`);
  if (ours.action !== INVOKE_ACTION) changes.push(`action ${ours.action ?? '(none)'} → ${INVOKE_ACTION}`);
  if (ours.sourceArn !== topicArn) changes.push(`SourceArn ${ours.sourceArn ?? '(any)'} → ${topicArn}`);
  if (ours.sourceAccount !== ctx.account)
    changes.push(`SourceAccount ${ours.sourceAccount ?? '(any)'} → ${ctx.account}`);
  return { ...item, action: 'update', changes };
}

async function add(ctx: StackContext, p: PermissionFound): Promise<void> {
  await withLambdaRetry(
    ctx,
    () =>
      ctx.clients.get(LambdaClient).send(
        new AddPermissionCommand({
          FunctionName: ctx.names.functionName,
          StatementId: p.sid,
          Action: p.action ?? INVOKE_ACTION,
          Principal: p.principal ?? SNS_PRINCIPAL,
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
 * AddPermission (SourceArn = topic, SourceAccount = account) unless a statement already grants it;
 * our statement id with other values is replaced (RemovePermission, then AddPermission). Retries while
 * the function is being updated (ResourceConflictException). Undo reverts exactly that.
 */
export async function ensurePermission(
  ctx: StackContext,
  found: PermissionFound[],
  topicArn: string,
): Promise<Ensured<{ sid: string }>> {
  const existing = found.find((p) => grantsTopic(ctx, p, topicArn));
  if (existing) return { change: 'unchanged', value: { sid: existing.sid } };
  const sid = permissionSid(ctx);
  const desired: PermissionFound = {
    sid,
    principal: SNS_PRINCIPAL,
    action: INVOKE_ACTION,
    sourceArn: topicArn,
    sourceAccount: ctx.account,
  };
  const previous = found.find((p) => p.sid === sid);
  if (previous) await remove(ctx, sid);
  try {
    await add(ctx, desired);
  } catch (error) {
    // Our statement with other values was removed above: put it back, or say it is gone.
    if (!previous) throw error;
    await cleanUpAndThrow(
      ctx,
      error,
      `Lambda permission ${sid} (removed, not replaced)`,
      () => add(forUndo(ctx), previous),
      'putting the previous statement back',
    );
  }
  const undo = async () => {
    const quiet = forUndo(ctx);
    await remove(quiet, sid);
    if (previous) await add(quiet, previous);
  };
  return { change: previous ? 'updated' : 'created', value: { sid }, undo };
}

/** RemovePermission of our statement; no-op when it or the function is gone (teardown deletes the function anyway). */
export async function removePermission(ctx: StackContext): Promise<void> {
  await remove(ctx, permissionSid(ctx));
}
