import { timingSafeEqual } from 'node:crypto';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { awsErrorName } from '../errors.js';
import type { StackContext } from './context.js';

/**
 * The webhook URL under the stack's KMS key: encrypted with the EncryptionContext the role's policy
 * requires, and compared with a deployed ciphertext without re-encrypting (KMS ciphertexts are
 * randomised, so only decrypting tells whether the URL changed).
 */

/** The EncryptionContext the webhook URL is encrypted under, and that the role's policy requires. */
function encryptionContext(ctx: StackContext): Record<string, string> {
  return { LambdaFunctionName: ctx.names.functionName };
}

/** Backoff while a new key is not yet visible everywhere in KMS (about 8 s in all). */
const KEY_VISIBILITY_DELAYS_MS = [250, 500, 1000, 2000, 4000];

/**
 * KMS is eventually consistent: right after CreateKey, calls naming the new key can answer
 * NotFoundException for a few seconds, and the SDK's retry strategy does not retry that. Retries
 * with backoff (through ctx.sleep), then lets the last NotFound through.
 */
export async function untilVisible<T>(ctx: StackContext, call: () => Promise<T>): Promise<T> {
  for (const delay of KEY_VISIBILITY_DELAYS_MS) {
    try {
      return await call();
    } catch (error) {
      if (awsErrorName(error) !== 'NotFoundException') throw error;
      ctx.note('waiting for the new KMS key to become visible…');
      await ctx.clock.sleep(delay, ctx.signal);
    }
  }
  return call();
}

/** Encrypt under EncryptionContext {LambdaFunctionName: <function>}; base64 ciphertext. */
export async function encryptWebhook(ctx: StackContext, keyArn: string, url: string): Promise<string> {
  const out = await untilVisible(ctx, () =>
    ctx.clients.get(KMSClient).send(
      new EncryptCommand({
        KeyId: keyArn,
        Plaintext: new TextEncoder().encode(url),
        EncryptionContext: encryptionContext(ctx),
      }),
    ),
  );
  if (!out.CiphertextBlob) throw new Error('KMS Encrypt returned no ciphertext');
  return Buffer.from(out.CiphertextBlob).toString('base64');
}

/** KMS answers meaning "this ciphertext cannot be decrypted (with this key, context or identity)". */
const UNDECRYPTABLE = new Set([
  'InvalidCiphertextException',
  'IncorrectKeyException',
  'AccessDeniedException',
  'DisabledException',
  'KMSInvalidStateException',
  'NotFoundException',
  'InvalidKeyUsageException',
  'KeyUnavailableException',
]);

/**
 * Decrypts an existing ciphertext (same context) and compares; false when it cannot be decrypted.
 * With `keyArn`, Decrypt is pinned to that key, so a ciphertext made under another key (e.g. the one
 * the alias named before it was replaced) does not match.
 */
export async function ciphertextMatches(
  ctx: StackContext,
  ciphertext: string,
  url: string,
  keyArn?: string,
): Promise<boolean> {
  let plaintext: Uint8Array | undefined;
  try {
    const out = await ctx.clients.get(KMSClient).send(
      new DecryptCommand({
        CiphertextBlob: Buffer.from(ciphertext, 'base64'),
        EncryptionContext: encryptionContext(ctx),
        ...(keyArn ? { KeyId: keyArn } : {}),
      }),
    );
    plaintext = out.Plaintext;
  } catch (error) {
    if (UNDECRYPTABLE.has(awsErrorName(error) ?? '')) return false;
    throw error;
  }
  if (!plaintext) return false;
  const a = Buffer.from(plaintext);
  const b = Buffer.from(url, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
