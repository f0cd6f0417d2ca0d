import type { FakeState } from './types.js';

/**
 * Just enough IAM policy evaluation for Lambda's checks of an execution role: Allow statements whose
 * Action and Resource match (with * and ? wildcards, actions case-insensitively), an explicit Deny
 * wins, conditions are not evaluated. Attached AWS managed policies are known by their documents below;
 * any other attached policy grants nothing.
 */
interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
}

const LOGS = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];
const MANAGED_POLICIES: Record<string, Statement[]> = {
  AWSLambdaBasicExecutionRole: [{ Effect: 'Allow', Action: LOGS, Resource: '*' }],
  AWSLambdaSQSQueueExecutionRole: [
    {
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', ...LOGS],
      Resource: '*',
    },
  ],
};

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function glob(pattern: string, value: string, ignoreCase: boolean): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, ignoreCase ? 'i' : '').test(value);
}

function statementsOf(state: FakeState, roleName: string): Statement[] {
  const role = state.roles.get(roleName);
  if (!role) return [];
  const out: Statement[] = [];
  for (const text of role.inline.values()) {
    try {
      const doc = JSON.parse(text) as { Statement?: Statement | Statement[] };
      out.push(...(Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : []));
    } catch {
      // an unreadable document grants nothing
    }
  }
  for (const arn of role.attached) out.push(...(MANAGED_POLICIES[arn.split('/').pop() ?? ''] ?? []));
  return out;
}

/** May the role (by name) perform `action` on `resource`? */
export function roleAllows(state: FakeState, roleName: string, action: string, resource: string): boolean {
  const matching = statementsOf(state, roleName).filter(
    (s) =>
      list(s.Action).some((a) => glob(a, action, true)) &&
      list(s.Resource).some((r) => glob(r, resource, false)),
  );
  return matching.some((s) => s.Effect === 'Allow') && !matching.some((s) => s.Effect === 'Deny');
}

/** Does the trust policy let lambda.amazonaws.com assume the role? */
export function trustsLambda(trust: string): boolean {
  let doc: { Statement?: Array<Record<string, unknown>> | Record<string, unknown> };
  try {
    doc = JSON.parse(trust.trim().startsWith('{') ? trust : decodeURIComponent(trust));
  } catch {
    return false;
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  return statements.some((s) => {
    const principal = s.Principal as { Service?: string | string[] } | undefined;
    return (
      s.Effect === 'Allow' &&
      list(principal?.Service).includes('lambda.amazonaws.com') &&
      list(s.Action as string | string[] | undefined).some((a) => glob(a, 'sts:AssumeRole', true))
    );
  });
}
