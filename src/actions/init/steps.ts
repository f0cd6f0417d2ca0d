import { ensureAlarm } from '../../resources/alarm.js';
import type { StackContext } from '../../resources/context.js';
import { ensureMapping } from '../../resources/event-source.js';
import { ensureFunction } from '../../resources/function.js';
import { ensureInvokeConfig } from '../../resources/invoke-config.js';
import { createKey, ensureKeyAlias, ensureKeyTag } from '../../resources/key.js';
import { encryptWebhook } from '../../resources/key-cipher.js';
import { ensureLogGroup } from '../../resources/log-group.js';
import { ensurePermission, snsPermissionSpec } from '../../resources/permission.js';
import { ensureQueue } from '../../resources/queue.js';
import { ensureRolePolicies, ensureRoleTrust } from '../../resources/role.js';
import { ensureSubscription } from '../../resources/subscription.js';
import { ensureTopic } from '../../resources/topic.js';
import { type StepDone, StepPlan } from '../../steps/runner.js';
import {
  ALARM_EVENT_STEP,
  environmentFilters,
  stepDone,
  withAlarmEventSteps,
} from '../alarm-events-steps.js';
import { desiredRule } from './alarm-events.js';
import type { AlarmAnswers, InitAnswers } from './answers.js';
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
  queue: 'queue',
  invokeConfig: 'invoke-config',
  mapping: 'event-source-mapping',
  rule: ALARM_EVENT_STEP.rule,
  ruleTarget: ALARM_EVENT_STEP.target,
  rulePermission: ALARM_EVENT_STEP.permission,
  ruleFilter: ALARM_EVENT_STEP.filter,
} as const;

const done = stepDone;

/**
 * The provisioning graph. Topic, key, role (trust only) and log group start at once; what needs the
 * key's ARN (the alias, the encryption, the role's policies) follows the key, concurrently; the
 * function needs the role's policies, the ciphertext and the log group; permission and subscription
 * follow the function; the alarm needs only the topic. Critical path (first run): CreateKey ‖ CreateRole
 * → Encrypt ‖ PutRolePolicy ‖ CreateAlias → CreateFunction (+ polls) → AddPermission ‖ Subscribe.
 */
export function buildSteps(
  context: StackContext,
  d: Discovered,
  answers: InitAnswers,
  cipher: CiphertextPlan,
) {
  // --no-rollback also keeps what a failing step made halfway (e.g. a function that never became Active).
  const stack: StackContext = { ...context, rollback: answers.rollback };
  const n = stack.names;
  const rule = desiredRule(stack, d, answers);
  const filters = environmentFilters(stack, d, rule);
  const plan = StepPlan.empty()
    .add(STEP.topic, {
      title: `SNS topic ${n.topic}`,
      run: async () => done(await ensureTopic(stack, d.topic)),
    })
    .add(STEP.key, {
      title: `KMS key ${n.keyAlias}`,
      // The aliased key is reused when Enabled (tagged if it has no stack tag); otherwise a new one is
      // created and the alias moved.
      run: async () =>
        done(d.key && keyIsReused(stack, d) ? await ensureKeyTag(stack, d.key) : await createKey(stack)),
    })
    .add(STEP.alias, {
      title: `KMS alias ${n.keyAlias}`,
      needs: [STEP.key],
      run: async ({ key }) => done(await ensureKeyAlias(stack, d.key, key.keyId)),
    })
    .add(STEP.logGroup, {
      title: `Log group ${n.logGroup}`,
      run: async () => done(await ensureLogGroup(stack, d.logGroup, answers.logRetentionDays)),
    })
    .add(STEP.role, {
      title: `IAM role ${n.role}`,
      run: async () => done(await ensureRoleTrust(stack, d.role)),
    })
    .add(STEP.rolePolicies, {
      title: `IAM role policies (basic execution, ${n.policy}, ${n.queuePolicy})`,
      needs: [STEP.role, STEP.key],
      run: async ({ key }) => done(await ensureRolePolicies(stack, d.role, key.arn)),
    })
    .add(STEP.encrypt, {
      title: 'Encrypt the webhook URL',
      needs: [STEP.key],
      run: async ({ key }): Promise<StepDone<string>> => {
        if (cipher.kind === 'keep')
          return { status: 'unchanged', value: cipher.ciphertext, detail: cipher.reason };
        const ciphertext = await encryptWebhook(stack, key.arn, cipher.url);
        return { status: d.fn ? 'updated' : 'created', value: ciphertext, detail: cipher.reason };
      },
    })
    .add(STEP.queue, {
      title: `SQS queue ${n.queue} (undelivered alerts)`,
      run: async () => done(await ensureQueue(stack, d.queue)),
    })
    .add(STEP.fn, {
      title: `Lambda function ${n.functionName}`,
      needs: [STEP.role, STEP.key, STEP.rolePolicies, STEP.encrypt, STEP.logGroup, STEP.queue],
      run: async ({ role, key, encrypt, queue }) => {
        const environment = desiredEnvironment(d, answers, encrypt, {
          queueUrl: queue.url,
          filter: filters.interim,
        });
        const ensured = await ensureFunction(stack, d.fn, {
          roleArn: role.arn,
          keyArn: key.arn,
          environment,
          zip: d.zip.zip,
          codeSha256: d.zip.codeSha256,
        });
        return done({ ...ensured, value: { ...ensured.value, environment } });
      },
    })
    .add(STEP.invokeConfig, {
      title: `Failure destination of ${n.functionName} (${n.queue})`,
      needs: [STEP.fn, STEP.queue, STEP.rolePolicies],
      run: async () => done(await ensureInvokeConfig(stack, d.invokeConfig)),
    })
    .add(STEP.mapping, {
      title: `Re-delivery of ${n.queue} to ${n.functionName} (event source mapping)`,
      needs: [STEP.fn, STEP.queue, STEP.rolePolicies],
      run: async () => done(await ensureMapping(stack, d.mapping)),
    })
    .add(STEP.permission, {
      title: 'Lambda permission for SNS',
      needs: [STEP.fn, STEP.topic],
      run: async ({ topic }) =>
        done(await ensurePermission(stack, d.permissions, snsPermissionSpec(stack, topic.arn))),
    })
    .add(STEP.subscription, {
      title: `Subscription of ${n.functionName} to ${n.topic}`,
      needs: [STEP.fn, STEP.topic],
      run: async ({ topic }) =>
        // The unqualified ARN, as discovery looked it up (never a version or alias).
        done(await ensureSubscription(stack, d.subscriptions, topic.arn, stack.arns.functionArn)),
    })
    .addIf(answers.alarm, STEP.alarm, (alarm: AlarmAnswers) => ({
      title: `CPU alarm ${n.alarm}`,
      needs: [STEP.topic],
      run: async ({ topic }) => done(await ensureAlarm(stack, d.alarm, { ...alarm, topicArn: topic.arn })),
    }));
  return withAlarmEventSteps(plan, stack, d, rule);
}

/** The steps of an init run, with the type of what each produces. */
type InitSteps = ReturnType<typeof buildSteps>;

/** What running them reports, with each step's value typed. */
export type InitReport = Awaited<ReturnType<InitSteps['run']>>;
