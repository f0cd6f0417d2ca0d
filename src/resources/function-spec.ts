/**
 * The notifier function `<name>-lambda` as this stack wants it: its settings and the shapes of what is
 * found and desired. No SDK import, so that `preview` (which needs the timeout) and the modules that
 * create, update or restore the function can all use it.
 */
import type { Tags } from './context.js';

export const RUNTIME = 'nodejs24.x';
export const HANDLER = 'index.handler';
export const MEMORY_MB = 128;
export const TIMEOUT_S = 15;
/** x86_64: available for every runtime in every region and partition; kept stable across runs. */
export const ARCHITECTURE = 'x86_64';

export interface FunctionEnvironment {
  kmsEncryptedHookUrl: string;
  slackChannel: string;
  slackMention: string;
  /** The undelivered-alert queue's URL: the notifier hands an alert Slack rate-limited to it ('' none). */
  undeliveredQueueUrl: string;
  /**
   * The every-alarm rule's filter as JSON ({"states":[…],"prefix":…}): the notifier skips the SNS copy of a
   * state change the rule also delivers, so that it is posted once ('' when there is no rule).
   */
  alarmEventsFilter: string;
}

/** The variables the stack sets; any other in the function's environment is someone else's. */
export const ENVIRONMENT_KEYS = [
  'kmsEncryptedHookUrl',
  'slackChannel',
  'slackMention',
  'undeliveredQueueUrl',
  'alarmEventsFilter',
] as const satisfies ReadonlyArray<keyof FunctionEnvironment>;

export interface FunctionFound {
  arn: string;
  runtime: string | undefined;
  handler: string | undefined;
  role: string | undefined;
  memorySize: number | undefined;
  timeout: number | undefined;
  codeSha256: string | undefined;
  kmsKeyArn: string | undefined;
  environment: Record<string, string>;
  lastModified: string | undefined;
  state: string | undefined;
  lastUpdateStatus: string | undefined;
  tags: Tags;
  /** Presigned URL of the current code (valid ~10 minutes); downloaded only to undo a code update. */
  codeLocation?: string | undefined;
  description?: string | undefined;
  /** Set when Lambda could not decrypt the environment for the caller (Environment.Error). */
  environmentError?: string | undefined;
  /** Set when the caller may not list the function's tags (GetFunction's TagsError): `tags` is then unknown. */
  tagsError?: string | undefined;
}

export interface FunctionDesired {
  roleArn: string;
  keyArn: string;
  environment: FunctionEnvironment;
  zip: Uint8Array;
  /** base64 SHA-256 of the zip, as Lambda reports CodeSha256. */
  codeSha256: string;
}

/** The stack's variables in a found function's environment ('' for those it lacks). */
export function foundEnvironment(variables: Record<string, string>): FunctionEnvironment {
  const env = {} as FunctionEnvironment;
  for (const key of ENVIRONMENT_KEYS) env[key] = variables[key] ?? '';
  return env;
}

/** The variables we set: the ciphertext always; the others only when non-empty. */
export function environmentVariables(env: FunctionEnvironment): Record<string, string> {
  const variables: Record<string, string> = { kmsEncryptedHookUrl: env.kmsEncryptedHookUrl };
  for (const key of ENVIRONMENT_KEYS)
    if (key !== 'kmsEncryptedHookUrl' && env[key]) variables[key] = env[key];
  return variables;
}

/**
 * Whether two environment values are the same for the stack. A queue URL is compared by its path
 * (`/<account>/<queue name>`): SQS answers GetQueueUrl with the host the request was sent to (the regional
 * endpoint, a legacy `<region>.queue.amazonaws.com` one, or a proxy in front of a local emulator), and
 * the same queue reached another way is not a change worth an update.
 */
export function sameEnvironmentValue(
  key: keyof FunctionEnvironment,
  found: string | undefined,
  desired: string | undefined,
): boolean {
  const a = found ?? '';
  const b = desired ?? '';
  if (a === b) return true;
  if (key !== 'undeliveredQueueUrl' || !a || !b) return false;
  try {
    return new URL(a).pathname === new URL(b).pathname;
  } catch {
    return false;
  }
}
