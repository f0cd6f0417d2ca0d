import { ensureAlarm } from '../../resources/alarm.js';
import { leftBehindBy } from '../../resources/cleanup.js';
import type { Ensured, StackContext } from '../../resources/context.js';
import { ensureFunction } from '../../resources/function.js';
import { createKey, encryptWebhook, ensureKeyAlias, ensureKeyTag } from '../../resources/key.js';
import { ensureLogGroup } from '../../resources/log-group.js';
import { ensurePermission } from '../../resources/permission.js';
import { ensureRolePolicies, ensureRoleTrust } from '../../resources/role.js';
import { ensureSubscription } from '../../resources/subscription.js';
import { ensureTopic } from '../../resources/topic.js';
import type { Step, StepDone } from '../../steps/runner.js';
import type { InitAnswers } from './answers.js';
import type { Discovered } from './discover.js';
import { type CiphertextPlan, desiredEnvironment, keyIsReused } from './plan.js';

/** Step ids; also the keys of the JSON `steps` array. */
export const STEP = {
  topic: 'topic',
  key: 'key',
  alias: 'key-alias',
  logGroup: 'log-group',
  role: 'role',
  rolePolicies: 'role-policies',
  encrypt: 'encrypt',
  fn: 'function',
  permission: 'permission',
  subscription: 'subscription',
  alarm: 'alarm',
} as const;

function done<T>(ensured: Ensured<T>): StepDone<T> {
  return {
    status: ensured.change,
    value: ensured.value,
    ...(ensured.undo ? { undo: ensured.undo } : {}),
  };
}

/** A finished step's value (the runner starts a step only once everything it needs is done). */
export function stepValue<T>(results: ReadonlyMap<string, StepDone>, id: string): T {
  const result = results.get(id);
  if (result?.value === undefined) throw new Error(`step ${id} has no value`);
  return result.value as T;
}

/**
 * The provisioning graph. Topic, key, role (trust only) and log group start at once; what needs the
 * key's ARN (the alias, the encryption, the role's policies) follows the key, concurrently; the
 * function needs the role's policies, the ciphertext and the log group; permission and subscription
 * follow the function; the alarm needs only the topic. Critical path (first run): CreateKey ‖ CreateRole
 * → Encrypt ‖ PutRolePolicy ‖ CreateAlias → CreateFunction (+ waiter) → AddPermission ‖ Subscribe.
 */
export function buildSteps(
  context: StackContext,
  d: Discovered,
  answers: InitAnswers,
  cipher: CiphertextPlan,
  /** Filled with what a failed step left behind (its own cleanup failed, or --no-rollback), by step id. */
  leftBehind: Map<string, string[]> = new Map(),
): Step[] {
  // --no-rollback also keeps what a failing step made halfway (e.g. a function that never became Active).
  const stack: StackContext = { ...context, rollback: answers.rollback };
  const n = stack.names;
  const steps: Step[] = [
    {
      id: STEP.topic,
      title: `SNS topic ${n.topic}`,
      run: async () => done(await ensureTopic(stack, d.topic)),
    },
    {
      id: STEP.key,
      title: `KMS key ${n.keyAlias}`,
      run: async () =>
        // The aliased key is reused when Enabled (tagged if it has no stack tag); otherwise a new one is
        // created and the alias moved.
        done(d.key && keyIsReused(stack, d) ? await ensureKeyTag(stack, d.key) : await createKey(stack)),
    },
    {
      id: STEP.alias,
      title: `KMS alias ${n.keyAlias}`,
      needs: [STEP.key],
      run: async (r) =>
        done(await ensureKeyAlias(stack, d.key, stepValue<{ keyId: string }>(r, STEP.key).keyId)),
    },
    {
      id: STEP.logGroup,
      title: `Log group ${n.logGroup}`,
      run: async () => done(await ensureLogGroup(stack, d.logGroup, answers.logRetentionDays)),
    },
    {
      id: STEP.role,
      title: `IAM role ${n.role}`,
      run: async () => done(await ensureRoleTrust(stack, d.role)),
    },
    {
      id: STEP.rolePolicies,
      title: `IAM role policies (basic execution, ${n.policy})`,
      needs: [STEP.role, STEP.key],
      run: async (r) =>
        done(await ensureRolePolicies(stack, d.role, stepValue<{ arn: string }>(r, STEP.key).arn)),
    },
    {
      id: STEP.encrypt,
      title: 'Encrypt the webhook URL',
      needs: [STEP.key],
      run: async (r): Promise<StepDone<string>> => {
        if (cipher.kind === 'keep')
          return { status: 'unchanged', value: cipher.ciphertext, detail: cipher.reason };
        const keyArn = stepValue<{ arn: string }>(r, STEP.key).arn;
        const ciphertext = await encryptWebhook(stack, keyArn, cipher.url);
        return { status: d.fn ? 'updated' : 'created', value: ciphertext, detail: cipher.reason };
      },
    },
    {
      id: STEP.fn,
      title: `Lambda function ${n.functionName}`,
      needs: [STEP.rolePolicies, STEP.encrypt, STEP.logGroup],
      run: async (r) =>
        done(
          await ensureFunction(stack, d.fn, {
            roleArn: stepValue<{ arn: string }>(r, STEP.role).arn,
            keyArn: stepValue<{ arn: string }>(r, STEP.key).arn,
            environment: desiredEnvironment(d, answers, stepValue<string>(r, STEP.encrypt)),
            zip: d.zip.zip,
            codeSha256: d.zip.codeSha256,
          }),
        ),
    },
    {
      id: STEP.permission,
      title: 'Lambda permission for SNS',
      needs: [STEP.fn, STEP.topic],
      run: async (r) =>
        done(await ensurePermission(stack, d.permissions, stepValue<{ arn: string }>(r, STEP.topic).arn)),
    },
    {
      id: STEP.subscription,
      title: `Subscription of ${n.functionName} to ${n.topic}`,
      needs: [STEP.fn, STEP.topic],
      run: async (r) =>
        done(
          await ensureSubscription(
            stack,
            d.subscriptions,
            stepValue<{ arn: string }>(r, STEP.topic).arn,
            // The unqualified ARN, as discovery looked it up (never a version or alias).
            stack.arns.functionArn,
          ),
        ),
    },
  ];
  const alarm = answers.alarm;
  if (alarm) {
    steps.push({
      id: STEP.alarm,
      title: `CPU alarm ${n.alarm}`,
      needs: [STEP.topic],
      run: async (r) =>
        done(
          await ensureAlarm(stack, d.alarm, {
            ...alarm,
            topicArn: stepValue<{ arn: string }>(r, STEP.topic).arn,
          }),
        ),
    });
  }
  return steps.map((step) => ({
    ...step,
    run: async (results) => {
      try {
        return await step.run(results);
      } catch (error) {
        const left = leftBehindBy(error);
        if (left.length > 0) leftBehind.set(step.id, left);
        throw error;
      }
    },
  }));
}
