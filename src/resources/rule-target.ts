/**
 * The every-alarm rule's target: the function (Id `<name>-lambda`, its unqualified ARN), receiving each
 * event as it is. PutTargets and RemoveTargets answer HTTP 200 even when an entry failed
 * (FailedEntryCount > 0, e.g. ConcurrentModificationException): that answer is turned into the error
 * it is. Targets someone else added to the rule are reported and left alone.
 */
import {
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { isNotFound } from '../errors.js';
import type { Ensured, PlanItem, StackContext } from './context.js';

export interface RuleTargetFound {
  id: string;
  arn: string;
  /** The target as ListTargetsByRule returned it, so a replaced one can be put back exactly. */
  raw: Target;
}

/** At most 10 entries per RemoveTargets request (a rule has at most 5 targets anyway). */
const REMOVE_BATCH = 10;

const events = (ctx: StackContext) => ctx.clients.get(EventBridgeClient);
/** Our target's Id: the function's name. */
const targetId = (ctx: StackContext) => ctx.names.functionName;

/** A refused entry of a 200 answer, named after its ErrorCode as an SDK error is after its code. */
class FailedEntryError extends Error {
  constructor(operation: string, entry: { TargetId?: string; ErrorCode?: string; ErrorMessage?: string }) {
    super(`${operation} of target ${entry.TargetId ?? '(unknown)'}: ${entry.ErrorMessage ?? 'failed'}`);
    this.name = entry.ErrorCode ?? 'FailedEntry';
  }
}

function throwOnFailedEntries(
  operation: string,
  out: { FailedEntryCount?: number; FailedEntries?: { TargetId?: string; ErrorCode?: string }[] },
): void {
  if ((out.FailedEntryCount ?? 0) === 0 && (out.FailedEntries ?? []).length === 0) return;
  throw new FailedEntryError(operation, out.FailedEntries?.[0] ?? {});
}

/** ListTargetsByRule, every page (NextToken). */
export async function listTargets(ctx: StackContext): Promise<RuleTargetFound[]> {
  const targets: RuleTargetFound[] = [];
  let token: string | undefined;
  do {
    const page = await events(ctx).send(
      new ListTargetsByRuleCommand({ Rule: ctx.names.rule, ...(token ? { NextToken: token } : {}) }),
    );
    for (const t of page.Targets ?? []) targets.push({ id: t.Id ?? '', arn: t.Arn ?? '', raw: t });
    // The same token twice would loop forever (the SDK's paginators stop there too).
    token = page.NextToken && page.NextToken !== token ? page.NextToken : undefined;
  } while (token);
  return targets;
}

async function putTargets(ctx: StackContext, targets: Target[]): Promise<void> {
  const out = await events(ctx).send(new PutTargetsCommand({ Rule: ctx.names.rule, Targets: targets }));
  throwOnFailedEntries('PutTargets', out);
}

/** RemoveTargets of these Ids, 10 a request; no-op when the rule is gone. */
export async function removeTargets(ctx: StackContext, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += REMOVE_BATCH) {
    try {
      const out = await events(ctx).send(
        new RemoveTargetsCommand({ Rule: ctx.names.rule, Ids: ids.slice(i, i + REMOVE_BATCH) }),
      );
      throwOnFailedEntries('RemoveTargets', out);
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
  }
}

/** Does this target deliver each event, unchanged, to the function (no Input/InputPath/InputTransformer)? */
function delivers(ctx: StackContext, t: RuleTargetFound): boolean {
  return (
    t.arn === ctx.arns.functionArn &&
    t.raw.Input === undefined &&
    t.raw.InputPath === undefined &&
    t.raw.InputTransformer === undefined
  );
}

/** The target's plan item; `targets` undefined when the rule does not exist yet. */
export function planTarget(ctx: StackContext, targets: RuleTargetFound[] | undefined): PlanItem {
  const item = { resource: 'EventBridge target', name: `${ctx.names.rule} → ${ctx.names.functionName}` };
  const all = targets ?? [];
  const others = all.filter((t) => t.id !== targetId(ctx) && !delivers(ctx, t));
  const note =
    others.length > 0 ? [`other targets left as they are: ${others.map((t) => t.id).join(', ')}`] : [];
  if (all.some((t) => delivers(ctx, t)))
    return { ...item, action: 'unchanged', ...(note.length > 0 ? { changes: note } : {}) };
  const ours = all.find((t) => t.id === targetId(ctx));
  if (!ours) return { ...item, action: 'create', changes: ['target added', ...note] };
  const change =
    ours.arn !== ctx.arns.functionArn
      ? `target ${ours.arn} → ${ctx.names.functionName}`
      : 'target input rewritten → the event as is';
  return { ...item, action: 'update', changes: [change, ...note] };
}

/**
 * PutTargets of our target unless one already delivers the events to the function as they are (never
 * a second one: each alarm would be posted twice). Undo: RemoveTargets of our Id, or our target as it
 * was put back. `targets` undefined (or []): a rule just created.
 */
export async function ensureRuleTarget(
  ctx: StackContext,
  targets: RuleTargetFound[] | undefined,
): Promise<Ensured<{ id: string }>> {
  const all = targets ?? [];
  const existing = all.find((t) => delivers(ctx, t));
  if (existing) return { change: 'unchanged', value: { id: existing.id } };
  const id = targetId(ctx);
  const previous = all.find((t) => t.id === id);
  await putTargets(ctx, [{ Id: id, Arn: ctx.arns.functionArn }]);
  const undo = () => (previous ? putTargets(ctx, [previous.raw]) : removeTargets(ctx, [id]));
  return { change: previous ? 'updated' : 'created', value: { id }, undo };
}
