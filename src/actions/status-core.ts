import { samePolicy } from '../resources/policy-document.js';
import { decryptPolicy, queuePolicy, trustPolicy } from '../resources/role-policies.js';
import { awsCommand, day, initCommand, keyRecoveryCommand } from './hints.js';
import { collector, owner, type StatusCheck, short } from './status-types.js';

/** `status` checks of the stack's own resources: topic, key, role and log group. */
/** The topic alarms publish to. */
export const checkTopic: StatusCheck = (stack, f) => {
  const { names } = stack;
  const { result, row, missing } = collector(stack);
  if (f.topic) {
    const o = owner(f.topic.tags, names.stack);
    row({
      resource: 'SNS topic',
      name: names.topic,
      present: true,
      healthy: true,
      summary: `present${o.note}`,
      details: { arn: f.topic.arn, owner: o.owner },
    });
  } else missing('SNS topic', names.topic, 'alarms have nowhere to go.');
  return result;
};

/** The key that encrypts the webhook URL: Enabled, or how to keep or replace it. */
export const checkKey: StatusCheck = (stack, f) => {
  const { names } = stack;
  const { result, row, problem, missing } = collector(stack);
  if (f.key) {
    const k = f.key;
    const o = owner(k.tags, names.stack);
    const healthy = k.state === 'Enabled';
    const when = k.deletionDate ? ` (deleted on ${day(k.deletionDate)})` : '';
    row({
      resource: 'KMS key',
      name: names.keyAlias,
      present: true,
      healthy,
      summary: `${k.state}${k.state === 'PendingDeletion' ? when : ''}, key ${k.keyId}${o.note}`,
      details: {
        keyId: k.keyId,
        arn: k.arn,
        state: k.state,
        deletionDate: k.deletionDate?.toISOString() ?? null,
        owner: o.owner,
      },
    });
    const keep = keyRecoveryCommand(stack, k.keyId);
    const replace = initCommand(stack, '--webhook-url <url>');
    if (k.state === 'PendingDeletion')
      problem(
        'KMS key',
        `the key is pending deletion${when}: the function cannot decrypt the webhook.`,
        `${keep} (or ${replace}, which replaces the key)`,
      );
    else if (k.state === 'Disabled')
      problem(
        'KMS key',
        'the key is disabled: the function cannot decrypt the webhook.',
        `${awsCommand(stack, `kms enable-key --key-id ${k.keyId}`)} (or ${replace})`,
      );
    else if (!healthy) problem('KMS key', `the key is ${k.state}.`, replace);
  } else missing('KMS key', names.keyAlias, 'the webhook URL cannot be decrypted.');
  return result;
};

/** The function's role: trust, basic execution, the kms:Decrypt policy. */
export const checkRole: StatusCheck = (stack, f) => {
  const { names, arns } = stack;
  const { result, row, problem, missing } = collector(stack);
  if (f.role) {
    const r = f.role;
    const o = owner(r.tags, names.stack);
    const trustOk = samePolicy(r.trustPolicy, trustPolicy());
    const basicOk = r.attachedPolicyArns.includes(arns.basicExecutionPolicyArn);
    const decryptOk = f.key ? samePolicy(r.decryptPolicy, decryptPolicy(stack, f.key.arn)) : undefined;
    const queueOk = samePolicy(r.queuePolicy, queuePolicy(stack));
    const extra = [
      ...r.attachedPolicyArns.filter((a) => a !== arns.basicExecutionPolicyArn).map(short),
      ...r.inlinePolicyNames.filter((n) => n !== names.policy && n !== names.queuePolicy),
    ];
    const wrong = [
      trustOk ? '' : 'trust policy (lambda.amazonaws.com)',
      basicOk ? '' : 'AWSLambdaBasicExecutionRole attachment',
      decryptOk === false ? `${names.policy} (kms:Decrypt on the key, LambdaFunctionName condition)` : '',
      queueOk ? '' : `${names.queuePolicy} (send to, receive from and delete in ${names.queue})`,
    ].filter(Boolean);
    row({
      resource: 'IAM role',
      name: names.role,
      present: true,
      healthy: wrong.length === 0,
      summary:
        (wrong.length
          ? `not as expected: ${wrong.join(', ')}`
          : 'trust, basic execution, kms:Decrypt and queue policies as expected') +
        (decryptOk === undefined ? '; kms:Decrypt not checked (no key)' : '') +
        (extra.length ? `; also: ${extra.join(', ')}` : '') +
        o.note,
      details: {
        arn: r.arn,
        trustPolicy: trustOk,
        basicExecution: basicOk,
        decryptPolicy: decryptOk ?? null,
        queuePolicy: queueOk,
        otherPolicies: extra,
        owner: o.owner,
      },
    });
    if (wrong.length)
      problem(
        'IAM role',
        `the role's ${wrong.join(', ')} ${wrong.length > 1 ? 'are' : 'is'} not as expected.`,
      );
  } else missing('IAM role', names.role, 'the function has no identity to run with.');
  return result;
};

/** The function's log group: present with a retention. */
export const checkLogGroup: StatusCheck = (stack, f) => {
  const { names } = stack;
  const { result, row, problem, missing } = collector(stack);
  if (f.logGroup) {
    const l = f.logGroup;
    const o = owner(l.tags, names.stack);
    const healthy = l.retentionDays !== undefined;
    row({
      resource: 'Log group',
      name: names.logGroup,
      present: true,
      healthy,
      summary: `retention ${healthy ? `${l.retentionDays} days` : 'none: logs never expire'}${o.note}`,
      details: { retentionDays: l.retentionDays ?? null, owner: o.owner },
    });
    if (!healthy)
      problem(
        'Log group',
        'its logs never expire and grow forever.',
        initCommand(stack, '--log-retention-days 30'),
      );
  } else
    missing(
      'Log group',
      names.logGroup,
      'Lambda would create it on the next run without a retention (logs kept forever).',
    );
  return result;
};
