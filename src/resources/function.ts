import type { Ensured, PlanItem, StackContext, Tags } from './context.js';

/** Lambda function `<name>-lambda` running handler-template/. CONTRACT STUB. */
export interface FunctionEnvironment {
  kmsEncryptedHookUrl: string;
  slackChannel: string;
  slackMention: string;
}

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
}

export interface FunctionDesired {
  roleArn: string;
  keyArn: string;
  environment: FunctionEnvironment;
  zip: Uint8Array;
  /** base64 SHA-256 of the zip, as Lambda reports CodeSha256. */
  codeSha256: string;
}

export const RUNTIME = 'nodejs24.x';
export const HANDLER = 'index.handler';
export const MEMORY_MB = 128;
export const TIMEOUT_S = 15;

export async function findFunction(_ctx: StackContext): Promise<FunctionFound | undefined> {
  throw new Error('not implemented');
}

/** Compares configuration and CodeSha256; `desired` may lack the final ciphertext/key before they exist. */
export function planFunction(
  _ctx: StackContext,
  _found: FunctionFound | undefined,
  _desired: Partial<FunctionDesired> & { codeSha256: string },
): PlanItem {
  throw new Error('not implemented');
}

/**
 * CreateFunction, or UpdateFunctionConfiguration / UpdateFunctionCode only for what differs. Retries the
 * IAM/KMS propagation errors with exponential backoff for ~2 minutes (noting it), then waits with
 * waitUntilFunctionActiveV2 / waitUntilFunctionUpdatedV2. Undo: delete what was created, restore what was updated.
 */
export async function ensureFunction(
  _ctx: StackContext,
  _found: FunctionFound | undefined,
  _desired: FunctionDesired,
): Promise<Ensured<{ arn: string }>> {
  throw new Error('not implemented');
}

export async function removeFunction(_ctx: StackContext): Promise<void> {
  throw new Error('not implemented');
}
