import { DEFAULT_STACK } from '../names.js';
import type { StackContext } from '../resources/context.js';
import { maskWebhookUrl } from '../validate.js';

/**
 * The commands our messages point at, and hints at the usual cause of a notifier failure.
 */

type Scope = Pick<StackContext, 'names' | 'region' | 'connection'>;

/** --profile and --endpoint-url as given (both the AWS CLI and ours take them). */
function connectionFlags(stack: Scope): string {
  const { profile, endpointUrl } = stack.connection ?? {};
  return `${profile ? ` --profile ${profile}` : ''}${endpointUrl ? ` --endpoint-url ${endpointUrl}` : ''}`;
}

/**
 * The flags that select this stack in a suggested command, with a leading space: --name (when not the
 * default), --region (always: the resolved one, so the command works whatever the environment), and
 * --profile / --endpoint-url as given. One place for init's summary and every hint of test, teardown
 * and status.
 */
export function scopeFlags(stack: Scope): string {
  const name = stack.names.stack === DEFAULT_STACK ? '' : ` --name ${stack.names.stack}`;
  return `${name} --region ${stack.region}${connectionFlags(stack)}`;
}

/** `alarm-to-slack <command>` with the scope flags, then `extra`. */
export function cliCommand(stack: Scope, command: string, extra = ''): string {
  return `alarm-to-slack ${command}${scopeFlags(stack)}${extra ? ` ${extra}` : ''}`;
}

export function initCommand(stack: Scope, extra = ''): string {
  return cliCommand(stack, 'init', extra);
}

/** `aws <command> --region <region>` with --profile / --endpoint-url as given. */
export function awsCommand(stack: Scope, command: string): string {
  return `aws ${command} --region ${stack.region}${connectionFlags(stack)}`;
}

/** How to keep a key pending deletion: cancel the deletion, then enable the key again (it comes back Disabled). */
export function keyRecoveryCommand(stack: Scope, keyId: string): string {
  return `${awsCommand(stack, `kms cancel-key-deletion --key-id ${keyId}`)} && ${awsCommand(stack, `kms enable-key --key-id ${keyId}`)}`;
}

/** A date as the day it falls on (UTC), e.g. 2026-12-02: when KMS deletes a key. */
export function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

const WEBHOOK_URL = /https?:\/\/[^\s"'<>]*\/services\/[^\s"'<>]+/g;

/** The webhook URL is a credential: any that shows up in a log line or error is masked. */
export function redactWebhooks(text: string): string {
  return text.replace(WEBHOOK_URL, (url) => maskWebhookUrl(url));
}

/** A hint at the usual cause of the function's error (its errorType and errorMessage, or a log line). */
export function hintForFunctionError(stack: StackContext, error: string): string {
  const fn = stack.names.functionName;
  if (/Task timed out|timed out after/i.test(error)) {
    return (
      'The function timed out: Slack did not answer in time. Check that Slack is reachable from the ' +
      "function (a function in a VPC needs a NAT gateway for internet access) and Slack's status page."
    );
  }
  // AWS's error names first: the notifier's own message may mention several possible causes.
  if (/InvalidCiphertext/i.test(error)) {
    return (
      'KMS could not decrypt the webhook: the ciphertext was made with another key or encryption context ' +
      `(it must be LambdaFunctionName=${fn}). Re-encrypt it: ${initCommand(stack, '--webhook-url <url>')}`
    );
  }
  if (/AccessDenied|not authorized to perform: kms:Decrypt/i.test(error)) {
    return (
      `The function's role may not decrypt the webhook: it needs kms:Decrypt on the stack's key with the ` +
      `encryption context LambdaFunctionName=${fn}. Re-run ${initCommand(stack)} to repair the role.`
    );
  }
  if (/KMSInvalidState|DisabledException|is pending deletion|is disabled/i.test(error)) {
    return (
      "The stack's KMS key is disabled or pending deletion. Keep it (" +
      `${keyRecoveryCommand(stack, '<id>')}) or re-run ${initCommand(stack, '--webhook-url <url>')}, which replaces it.`
    );
  }
  if (
    /invalid_token|no_service|channel_not_found|channel_is_archived|no_team|team_disabled|\b(403|404|410)\b/i.test(
      error,
    )
  ) {
    return (
      'Slack rejected the webhook: it was revoked, or its channel was deleted or archived. Create a new ' +
      `incoming webhook in Slack and re-run ${initCommand(stack, '--webhook-url <new url>')}`
    );
  }
  if (/invalid_payload|\b400\b/.test(error)) {
    return 'Slack rejected the message itself (invalid_payload): please report this as a bug of alarm-to-slack.';
  }
  if (/\b(429|5\d\d)\b|rate_limited|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|fetch failed/i.test(error)) {
    return 'Slack was unavailable or rate-limited the function; try again in a minute.';
  }
  return `See the log tail above; \`${awsCommand(stack, `logs tail ${stack.names.logGroup} --since 15m`)}\` shows more.`;
}
