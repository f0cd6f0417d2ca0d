import { INVOKE_ACTION, type PermissionFound, type PermissionSpec } from '../resources/permission.js';

/**
 * Checks on the links of the chains that deliver to the function (alarm → topic → subscription →
 * permission → function, and alarm → EventBridge rule → permission → function), shared by
 * `test --through-alarm` (where did it stop?) and `status` (is it healthy?).
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
