import { randomBytes } from 'node:crypto';
import { e2e } from './config.js';

/**
 * A stack under test: a name unique to this run, the resource names the README's "What gets created"
 * table promises (written out here, not imported from src/, so that a renamed resource fails a test),
 * and a webhook URL of its own on the Slack stand-in whose secret part is random.
 */
export interface StackNames {
  stack: string;
  topic: string;
  keyAlias: string;
  role: string;
  policy: string;
  functionName: string;
  logGroup: string;
  alarm: string;
  /** The undelivered-alert queue, the role's policy on it, and the every-alarm rule. */
  queue: string;
  queuePolicy: string;
  rule: string;
}

export const STACK_TAG = 'alarm-to-slack:stack';

export function namesOf(stack: string): StackNames {
  return {
    stack,
    topic: `${stack}-sns`,
    keyAlias: `alias/${stack}-kms-key`,
    role: `${stack}-lambda-role`,
    policy: `${stack}-kms-decrypt`,
    functionName: `${stack}-lambda`,
    logGroup: `/aws/lambda/${stack}-lambda`,
    alarm: `${stack}-cpu-alarm`,
    queue: `${stack}-undelivered`,
    queuePolicy: `${stack}-undelivered-queue`,
    rule: `${stack}-alarm-events`,
  };
}

interface Webhook {
  url: string;
  /** The path the stand-in logs its requests under. */
  path: string;
  /** What must never be shown or stored in clear: the path after /services/<team>/. */
  secret: string;
}

const token = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * A webhook URL on the stand-in, unique to this stack. Slack's shape is /services/T…/B…/<secret>;
 * `outsideServices` gives a path the stand-in answers 404 no_service for (a revoked webhook).
 */
function webhookFor(opts: { outsideServices?: boolean } = {}): Webhook {
  const secret = `B0E2E${token(4).toUpperCase()}/${token(12)}`;
  const path = `/${opts.outsideServices ? 'revoked' : 'services'}/T0E2E${token(3).toUpperCase()}/${secret}`;
  return { url: `${e2e().slack.origin}${path}`, path, secret };
}

export interface TestStack extends StackNames {
  webhook: Webhook;
  instanceId: string;
}

/** A new stack: `e2e-<label>-<time><random>` (letters, digits and hyphens; short enough for IAM). */
export function newStack(label: string, opts: { outsideServices?: boolean } = {}): TestStack {
  const stack = `e2e-${label}-${Date.now().toString(36)}${token(2)}`;
  return {
    ...namesOf(stack),
    webhook: webhookFor(opts),
    instanceId: `i-0e2e${token(7).slice(0, 13)}`, // i- and 17 hex digits, as EC2 makes them
  };
}

/** The flags of a non-interactive init of this stack (the webhook URL goes in SLACK_WEBHOOK_URL). */
export function initArgs(s: TestStack, extra: string[] = []): string[] {
  return ['init', '--yes', '--name', s.stack, '--instance-id', s.instanceId, ...extra];
}

/** The environment a user would set for init: SLACK_WEBHOOK_URL (kept out of the process's arguments). */
export function webhookEnv(s: TestStack): Record<string, string> {
  return { SLACK_WEBHOOK_URL: s.webhook.url };
}
