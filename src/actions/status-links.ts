import { RUNTIME, sameEnvironmentValue } from '../resources/function-spec.js';
import { permissionVerdict, snsPermissionSpec } from '../resources/permission.js';
import { awsCommand, cliCommand, initCommand } from './hints.js';
import { collector, owner, type StatusCheck, short } from './status-types.js';

/** `status` checks of the function and the links that deliver to it: permission, subscription, alarm, errors. */

/** Lambda's "2026-11-20T09:12:03.114+0000" as "2026-11-20 09:12 UTC". */
function readableTime(time: string | undefined): string {
  if (!time) return 'unknown';
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d).*(\+0000|Z)$/.exec(time);
  return m ? `${m[1]} ${m[2]} UTC` : time;
}

/** The notifier: runtime, encryption with the stack key, role, state. */
export const checkFunction: StatusCheck = (stack, f) => {
  const { names, arns } = stack;
  const { result, row, problem, missing } = collector(stack);
  if (!f.fn) {
    missing('Lambda function', names.functionName, 'nothing posts alarms to Slack.');
    return result;
  }
  const fn = f.fn;
  const o = owner(fn.tags, names.stack);
  const encrypted = f.key !== undefined && fn.kmsKeyArn === f.key.arn;
  const issues: string[] = [];
  if (fn.runtime !== RUNTIME) issues.push(`runtime ${fn.runtime ?? 'unknown'} (init deploys ${RUNTIME})`);
  if (!fn.environment.kmsEncryptedHookUrl) issues.push('no kmsEncryptedHookUrl in its environment');
  if (f.key && !encrypted)
    issues.push(
      `environment encrypted with ${fn.kmsKeyArn ? short(fn.kmsKeyArn) : "Lambda's default key"}, not the stack's key`,
    );
  if (fn.role && fn.role !== arns.roleArn) issues.push(`runs as ${short(fn.role)}, not ${names.role}`);
  if (fn.state === 'Failed' || fn.lastUpdateStatus === 'Failed')
    issues.push(`state ${fn.state}/${fn.lastUpdateStatus}`);
  if (fn.environmentError) issues.push(`environment error: ${fn.environmentError}`);
  if (
    f.queue &&
    !sameEnvironmentValue('undeliveredQueueUrl', fn.environment.undeliveredQueueUrl, f.queue.url)
  )
    issues.push(
      `its environment does not name ${names.queue} (rate-limited alerts wait for Lambda's retries)`,
    );
  row({
    resource: 'Lambda function',
    name: names.functionName,
    present: true,
    healthy: issues.length === 0,
    summary:
      `${fn.runtime ?? 'unknown runtime'}, modified ${readableTime(fn.lastModified)}, ` +
      (encrypted
        ? "environment encrypted with the stack's key"
        : 'environment NOT encrypted with the stack key') +
      (fn.state && fn.state !== 'Active' ? `, ${fn.state}` : '') +
      o.note,
    details: {
      arn: fn.arn,
      runtime: fn.runtime ?? null,
      lastModified: fn.lastModified ?? null,
      state: fn.state ?? null,
      kmsKeyArn: fn.kmsKeyArn ?? null,
      encryptedWithStackKey: encrypted,
      owner: o.owner,
    },
  });
  for (const issue of issues) problem('Lambda function', `${names.functionName}: ${issue}.`);
  return result;
};

/** May SNS invoke the function from the topic (and only from it)? */
export const checkPermission: StatusCheck = (stack, f) => {
  const { names, arns } = stack;
  const { result, row, problem, missing } = collector(stack);
  const topicArn = f.topic?.arn ?? arns.topicArn;
  // Only meaningful with a function.
  if (f.fn) {
    const verdict = permissionVerdict(f.permissions, snsPermissionSpec(stack, topicArn), stack.account);
    const sids = f.permissions.map((p) => p.sid);
    row({
      resource: 'Lambda permission',
      name: `${names.topic} → ${names.functionName}`,
      present: verdict !== 'missing',
      healthy: verdict === 'scoped',
      summary:
        verdict === 'scoped'
          ? `sns.amazonaws.com may invoke it from ${names.topic} (account ${stack.account}) only`
          : verdict === 'unscoped'
            ? 'SNS may invoke it, but not limited to the topic and account'
            : 'SNS may not invoke it from the topic',
      details: { verdict, statements: sids },
    });
    if (verdict === 'missing')
      problem(
        'Lambda permission',
        `SNS may not invoke ${names.functionName} from ${names.topic}: every alarm is dropped silently.`,
      );
    else if (verdict === 'unscoped') {
      const sid =
        f.permissions.find((p) => !p.sourceArn || p.sourceAccount !== stack.account)?.sid ?? '<sid>';
      problem(
        'Lambda permission',
        'the SNS permission is not limited to the topic (SourceArn) and account (SourceAccount).',
        `${awsCommand(stack, `lambda remove-permission --function-name ${names.functionName} --statement-id ${sid}`)}, then ${initCommand(stack)}`,
      );
    }
  } else missing('Lambda permission', `${names.topic} → ${names.functionName}`, 'needs the function', false);
  return result;
};

/** Does the topic deliver to the function, exactly once? */
export const checkSubscription: StatusCheck = (stack, f) => {
  const { names } = stack;
  const { result, row, problem, missing } = collector(stack);
  // Only meaningful with a topic.
  if (f.topic) {
    const n = f.subscriptions.length;
    row({
      resource: 'SNS subscription',
      name: `${names.topic} → ${names.functionName}`,
      present: n > 0,
      healthy: n === 1,
      summary:
        n === 0 ? 'missing' : n === 1 ? 'present' : `${n} subscriptions: each alarm is posted ${n} times`,
      details: { subscriptions: f.subscriptions.map((s) => s.arn) },
    });
    if (n === 0) problem('SNS subscription', `${names.topic} does not deliver to ${names.functionName}.`);
    for (const extra of f.subscriptions.slice(1))
      problem(
        'SNS subscription',
        'a duplicate subscription posts every alarm twice.',
        awsCommand(stack, `sns unsubscribe --subscription-arn ${extra.arn}`),
      );
  } else missing('SNS subscription', `${names.topic} → ${names.functionName}`, 'needs the topic', false);
  return result;
};

/** The stack's CPU alarm: optional (init --no-alarm), so its absence is not a problem. */
export const checkAlarm: StatusCheck = (stack, f) => {
  const { names, arns } = stack;
  const { result, row, problem } = collector(stack);
  const topicArn = f.topic?.arn ?? arns.topicArn;
  if (f.alarm) {
    const a = f.alarm;
    const o = owner(a.tags, names.stack);
    const onAlarm = a.alarmActions.includes(topicArn);
    const onOk = a.okActions.includes(topicArn);
    const enabled = a.actionsEnabled !== false;
    const healthy = onAlarm && onOk && enabled;
    row({
      resource: 'CloudWatch alarm',
      name: names.alarm,
      present: true,
      healthy,
      summary:
        `${a.state ?? 'unknown state'}; ` +
        (healthy
          ? `ALARM and OK actions → ${names.topic}`
          : `actions: ALARM ${onAlarm ? '→ topic' : 'missing'}, OK ${onOk ? '→ topic' : 'missing'}${enabled ? '' : ', disabled'}`) +
        o.note,
      details: {
        arn: a.arn,
        state: a.state ?? null,
        alarmActions: a.alarmActions,
        okActions: a.okActions,
        actionsEnabled: enabled,
        owner: o.owner,
      },
    });
    if (!healthy) {
      const what = [onAlarm ? '' : 'ALARM', onOk ? '' : 'OK'].filter(Boolean).join(' and ');
      problem(
        'CloudWatch alarm',
        enabled
          ? `the alarm does not notify ${names.topic} on ${what}.`
          : "the alarm's actions are disabled.",
        initCommand(stack, a.instanceId ? `--instance-id ${a.instanceId}` : ''),
      );
    }
  } else {
    row({
      resource: 'CloudWatch alarm',
      name: names.alarm,
      present: false,
      healthy: true,
      summary: `none (optional: any alarm can use ${topicArn} as its action)`,
      details: {},
    });
  }
  return result;
};

/** The function's errors over the last 24 hours. */
export const checkErrors: StatusCheck = (stack, f) => {
  const { names } = stack;
  const { result, problem } = collector(stack);
  if (f.metrics && f.metrics.errors > 0) {
    problem(
      'Lambda function',
      `${f.metrics.errors} error(s) in the last 24 hours (${f.metrics.invocations} invocation(s)).`,
      `${cliCommand(stack, 'test')} (and ${awsCommand(stack, `logs tail ${names.logGroup} --since 24h`)})`,
    );
  }
  return result;
};
