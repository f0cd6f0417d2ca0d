import type { Ensured, PlanItem, StackContext } from './context.js';

/** The function's resource policy statement letting SNS invoke it. CONTRACT STUB. */
export interface PermissionFound {
  sid: string;
  principal: string | undefined;
  action: string | undefined;
  sourceArn: string | undefined;
  sourceAccount: string | undefined;
}

/** GetPolicy of the function; [] when there is no policy or no function. */
export async function findPermissions(_ctx: StackContext): Promise<PermissionFound[]> {
  throw new Error('not implemented');
}

/** Is there a statement: sns.amazonaws.com, lambda:InvokeFunction, SourceArn = topic, SourceAccount = account? */
export function planPermission(_ctx: StackContext, _found: PermissionFound[], _topicArn: string): PlanItem {
  throw new Error('not implemented');
}

export async function ensurePermission(
  _ctx: StackContext,
  _found: PermissionFound[],
  _topicArn: string,
): Promise<Ensured<{ sid: string }>> {
  throw new Error('not implemented');
}
