import { INVOKE_ACTION, type PermissionFound, SNS_PRINCIPAL } from '../resources/permission.js';

/**
 * Checks on the links of the chain alarm → topic → subscription → permission → function, shared by
 * `test --through-alarm` (where did it stop?) and `status` (is it healthy?).
 */

type PermissionVerdict =
  /** sns.amazonaws.com may invoke, only from the topic and the account. */
  | 'scoped'
  /** SNS may invoke, but not limited to the topic (or the account): any topic could trigger the function. */
  | 'unscoped'
  /** SNS may not invoke the function (from this topic): SNS drops every notification silently. */
  | 'missing';

function isSnsInvoke(p: PermissionFound): boolean {
  const principal = p.principal ?? '';
  const action = p.action ?? '';
  return (
    (principal === SNS_PRINCIPAL || principal.endsWith(`:${SNS_PRINCIPAL}`)) &&
    (action === INVOKE_ACTION || action === 'lambda:*')
  );
}

export function snsPermission(
  found: readonly PermissionFound[],
  topicArn: string,
  account: string,
): PermissionVerdict {
  const sns = found.filter(isSnsInvoke);
  if (sns.some((p) => p.sourceArn === topicArn && p.sourceAccount === account)) return 'scoped';
  if (sns.some((p) => p.sourceArn === undefined || p.sourceArn === topicArn)) return 'unscoped';
  return 'missing';
}
