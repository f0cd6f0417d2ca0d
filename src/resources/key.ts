import type { Ensured, PlanItem, StackContext, Tags } from './context.js';

/** Customer-managed KMS key and its alias `alias/<name>-kms-key`. CONTRACT STUB. */
export interface KeyFound {
  keyId: string;
  arn: string;
  /** KeyState: Enabled, Disabled, PendingDeletion, … */
  state: string;
  deletionDate?: Date | undefined;
  description?: string | undefined;
  tags: Tags;
}

/** DescribeKey on the alias (+ ListResourceTags); undefined when the alias does not exist. */
export async function findKey(_ctx: StackContext): Promise<KeyFound | undefined> {
  throw new Error('not implemented');
}

/** create when missing, or when the alias points to a key that is not Enabled (replaced, alias moved). */
export function planKey(_ctx: StackContext, _found: KeyFound | undefined): PlanItem {
  throw new Error('not implemented');
}

/**
 * Reuses the aliased key when Enabled; otherwise CreateKey (symmetric, description naming the stack,
 * stack tag) and CreateAlias, or UpdateAlias when the alias exists. Undo: alias deleted (or moved back),
 * new key's deletion scheduled at 7 days.
 */
export async function ensureKey(
  _ctx: StackContext,
  _found: KeyFound | undefined,
): Promise<Ensured<{ arn: string; keyId: string }>> {
  throw new Error('not implemented');
}

/** Encrypt under EncryptionContext {LambdaFunctionName: <function>}; base64 ciphertext. */
export async function encryptWebhook(_ctx: StackContext, _keyArn: string, _url: string): Promise<string> {
  throw new Error('not implemented');
}

/** Decrypts an existing ciphertext (same context) and compares; false when it cannot be decrypted. */
export async function ciphertextMatches(
  _ctx: StackContext,
  _ciphertext: string,
  _url: string,
): Promise<boolean> {
  throw new Error('not implemented');
}

/** DeleteAlias; no-op when already gone. */
export async function removeAlias(_ctx: StackContext): Promise<void> {
  throw new Error('not implemented');
}

/** ScheduleKeyDeletion; when already PendingDeletion, returns its existing date. */
export async function scheduleKeyDeletion(
  _ctx: StackContext,
  _keyId: string,
  _pendingWindowDays: number,
): Promise<{ deletionDate: Date | undefined }> {
  throw new Error('not implemented');
}
