import { UsageError } from '../../errors.js';
import type { Style } from '../../io/types.js';
import { planAlarm } from '../../resources/alarm.js';
import { filterEnvValue } from '../../resources/alarm-events-filter.js';
import type { PlanItem, StackContext } from '../../resources/context.js';
import { planMapping } from '../../resources/event-source.js';
import { planFunction } from '../../resources/function.js';
import type { FunctionEnvironment } from '../../resources/function-spec.js';
import { planInvokeConfig } from '../../resources/invoke-config.js';
import { planKey } from '../../resources/key.js';
import { ciphertextMatches } from '../../resources/key-cipher.js';
import { planLogGroup } from '../../resources/log-group.js';
import { planPermission, snsPermissionSpec } from '../../resources/permission.js';
import { planQueue } from '../../resources/queue.js';
import { planRole } from '../../resources/role.js';
import type { AlarmEventFilter } from '../../resources/rule-pattern.js';
import { planSubscription } from '../../resources/subscription.js';
import { planTopic } from '../../resources/topic.js';
import { alarmEventsPlan } from '../alarm-events-steps.js';
import { table } from '../table.js';
import { desiredRule } from './alarm-events.js';
import type { InitAnswers } from './answers.js';
import type { Discovered } from './discover.js';

/** What happens to the encrypted webhook URL in the function's environment. */
export type CiphertextPlan =
  | { kind: 'keep'; ciphertext: string; reason: string }
  | { kind: 'encrypt'; url: string; reason: string };

const MISSING_WEBHOOK = 'Missing --webhook-url (or SLACK_WEBHOOK_URL)';

/** The aliased key is kept (Enabled); otherwise a new key is created and the alias moved. */
export function keyIsReused(stack: StackContext, d: Discovered): boolean {
  return d.key !== undefined && planKey(stack, d.key).action !== 'create';
}

/**
 * Keeps the deployed ciphertext when it still holds the same URL under the same key (no churn), or when
 * no URL was given on a re-run; otherwise the URL is encrypted (again). A URL that is needed but was not
 * given stops the run here, before any write (exit 2).
 */
export async function planCiphertext(
  stack: StackContext,
  d: Discovered,
  answers: InitAnswers,
): Promise<CiphertextPlan> {
  const existing = d.fn?.environment.kmsEncryptedHookUrl || undefined;
  const reused = keyIsReused(stack, d);
  const url = answers.webhookUrl;
  if (url === undefined) {
    if (existing && reused) return { kind: 'keep', ciphertext: existing, reason: 'kept (no new URL given)' };
    if (existing) {
      throw new UsageError(
        `${MISSING_WEBHOOK}: the KMS key ${stack.names.keyAlias} is being replaced, so the webhook URL must be encrypted again.`,
      );
    }
    const fn = stack.names.functionName;
    throw new UsageError(
      d.fn
        ? `${MISSING_WEBHOOK}; it is required because ${fn} exists but has no encrypted webhook URL (kmsEncryptedHookUrl) to keep.`
        : `${MISSING_WEBHOOK}; it is required when ${fn} does not exist yet.`,
    );
  }
  if (!existing) return { kind: 'encrypt', url, reason: 'first encryption' };
  if (!reused) return { kind: 'encrypt', url, reason: 'key replaced' };
  if (await ciphertextMatches(stack, existing, url, d.key?.arn))
    return { kind: 'keep', ciphertext: existing, reason: 'same URL' };
  return { kind: 'encrypt', url, reason: 'new URL' };
}

/**
 * The function's environment: channel and mention keep their deployed values when not given; the queue's
 * URL and the every-alarm filter are what the queue and rule steps make them.
 */
export function desiredEnvironment(
  d: Discovered,
  answers: InitAnswers,
  ciphertext: string,
  delivery: { queueUrl: string; filter: AlarmEventFilter | undefined },
): FunctionEnvironment {
  return {
    kmsEncryptedHookUrl: ciphertext,
    slackChannel: answers.channel ?? d.fn?.environment.slackChannel ?? '',
    slackMention: answers.mention ?? d.fn?.environment.slackMention ?? '',
    undeliveredQueueUrl: delivery.queueUrl,
    alarmEventsFilter: filterEnvValue(delivery.filter),
  };
}

/** One item per resource (and one for the webhook ciphertext), in the order the steps build them. */
export function buildPlan(
  stack: StackContext,
  d: Discovered,
  answers: InitAnswers,
  cipher: CiphertextPlan,
): PlanItem[] {
  const { topicArn } = stack.arns;
  const reused = keyIsReused(stack, d);
  const keyArn = reused ? d.key?.arn : undefined;
  const rule = desiredRule(stack, d, answers);
  const delivery = { queueUrl: d.queue?.url ?? '', filter: rule };
  const items: PlanItem[] = [
    planTopic(stack, d.topic),
    planQueue(stack, d.queue),
    planKey(stack, d.key),
    {
      resource: 'Webhook URL (encrypted)',
      name: 'kmsEncryptedHookUrl',
      action: cipher.kind === 'keep' ? 'unchanged' : d.fn ? 'update' : 'create',
      ...(cipher.kind === 'encrypt' && d.fn ? { changes: [cipher.reason] } : {}),
    },
    planRole(stack, d.role, keyArn),
    planLogGroup(stack, d.logGroup, answers.logRetentionDays),
  ];

  const fnItem = planFunction(stack, d.fn, {
    roleArn: stack.arns.roleArn,
    ...(keyArn ? { keyArn } : {}),
    ...(cipher.kind === 'keep'
      ? { environment: desiredEnvironment(d, answers, cipher.ciphertext, delivery) }
      : {}),
    zip: d.zip.zip,
    codeSha256: d.zip.codeSha256,
  });
  if (d.fn && cipher.kind === 'encrypt') {
    // A fresh ciphertext always differs (KMS ciphertexts are randomised), so the environment is rewritten.
    const why =
      cipher.reason === 'key replaced'
        ? 'KMS key replaced: environment re-encrypted'
        : 'webhook URL re-encrypted';
    fnItem.action = 'update';
    fnItem.changes = [...(fnItem.changes ?? []).filter((c) => c !== why), why];
  }
  if (d.fn && !d.queue) {
    // The new queue's URL joins the environment (the notifier hands rate-limited alerts to it).
    fnItem.action = 'update';
    fnItem.changes = [
      ...(fnItem.changes ?? []).filter((c) => c !== 'environment'),
      'environment (queue URL)',
    ];
  }
  items.push(
    fnItem,
    planInvokeConfig(stack, d.invokeConfig),
    planMapping(stack, d.mapping),
    planPermission(stack, d.permissions, snsPermissionSpec(stack, topicArn)),
    planSubscription(stack, d.subscriptions),
  );
  if (rule) items.push(...alarmEventsPlan(stack, d, rule));
  if (answers.alarm) items.push(planAlarm(stack, d.alarm, { ...answers.alarm, topicArn }));
  return items;
}

export function hasChanges(plan: PlanItem[]): boolean {
  return plan.some((item) => item.action !== 'unchanged');
}

/** The plan as an aligned table: resource, name, action, changes (wrapped to the terminal, see table.ts). */
export function planTable(plan: PlanItem[], style: Style): string {
  const paint = (action: string, text: string) =>
    action === 'create'
      ? style.ok(text)
      : action === 'update'
        ? style.warn(text)
        : action === 'remove'
          ? style.fail(text)
          : style.dim(text);
  const header = ['RESOURCE', 'NAME', 'ACTION', 'CHANGES'].map((h) => style.bold(h));
  const rows = plan.map((p) => [p.resource, p.name, paint(p.action, p.action), (p.changes ?? []).join('; ')]);
  return table([header, ...rows], { width: style.width });
}
