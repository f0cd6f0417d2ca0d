// The notifier: SNS → Slack. Runtime nodejs24.x (or 22.x), handler index.handler.
// Environment: kmsEncryptedHookUrl (base64 KMS ciphertext of the webhook URL, encrypted under the
// EncryptionContext {LambdaFunctionName: <this function's name>}), slackChannel and slackMention (optional).
import { postToSlack } from './deliver.mjs';
import { formatRecord } from './format.mjs';

/**
 * @import { SnsRecord } from './format.mjs'
 * @typedef {{ getRemainingTimeInMillis?: () => number }} LambdaContext
 * @typedef {{ Records?: Array<SnsRecord & { Sns?: { MessageId?: unknown } }> }} SnsEvent
 * @typedef {{ env?: Record<string, string | undefined>, log?: (line: string) => void, sleep?: (ms: number) => Promise<void> }} HandlerDeps
 */

const HINTS = {
  AccessDeniedException: "the function's role may not use this key: it needs kms:Decrypt on the key's ARN",
  InvalidCiphertextException:
    'the ciphertext does not match this key and encryption context: it must be encrypted under {"LambdaFunctionName": "<function name>"}',
  IncorrectKeyException: 'the ciphertext was made with another key',
  DisabledException: 'the key is disabled',
  KMSInvalidStateException: 'the key is disabled or pending deletion',
  NotFoundException: 'the key no longer exists',
};

/** Decrypts the webhook URL. Errors say what to check, never any part of the URL. @param {Record<string, string | undefined>} env */
async function decryptHookUrl(env) {
  const ciphertext = (env.kmsEncryptedHookUrl ?? '').trim();
  const functionName = env.AWS_LAMBDA_FUNCTION_NAME ?? '';
  if (!ciphertext) throw new Error('kmsEncryptedHookUrl is not set: run `alarm-to-slack init` to set it.');
  const { KMSClient, DecryptCommand } = await import('@aws-sdk/client-kms');
  const context = { LambdaFunctionName: functionName };
  let plaintext;
  try {
    const out = await new KMSClient({}).send(
      new DecryptCommand({ CiphertextBlob: Buffer.from(ciphertext, 'base64'), EncryptionContext: context }),
    );
    plaintext = new TextDecoder().decode(out.Plaintext);
  } catch (error) {
    const e = /** @type {Error} */ (error);
    const hint = /** @type {Record<string, string>} */ (HINTS)[e.name];
    throw new Error(
      `Could not decrypt kmsEncryptedHookUrl (${e.name}: ${e.message})${hint ? `: ${hint}` : ''}. ` +
        `Check that the role has kms:Decrypt on the key with the condition kms:EncryptionContext:LambdaFunctionName = "${functionName}", ` +
        `that the ciphertext was encrypted with EncryptionContext ${JSON.stringify(context)}, ` +
        'and that the key is enabled and not pending deletion. `alarm-to-slack init` re-encrypts it.',
      { cause: error },
    );
  }
  if (!/^https?:\/\/[^\s]+$/.test(plaintext)) {
    throw new Error(
      'kmsEncryptedHookUrl decrypted to something that is not a URL: run `alarm-to-slack init` to set it again.',
    );
  }
  return plaintext;
}

/** A handler with its own state; `handler` below is the one Lambda calls. @param {HandlerDeps} [deps] */
export function createHandler(deps = {}) {
  const env = deps.env ?? process.env;
  const log = deps.log ?? ((line) => console.log(line));
  /** @type {Promise<string> | undefined} decrypted once per container; a failure is not kept */
  let hookUrl;
  /**
   * Messages this container posted in an invocation that then failed on a later record. Lambda retries a
   * failed asynchronous invocation as a whole (twice by default), usually on the same warm container, so
   * skipping these keeps a retry from posting them again. On another container they would be posted again:
   * that is the limit of Lambda's semantics (SNS sends one record per invocation, so it does not arise in practice).
   * @type {Set<string>}
   */
  const posted = new Set();

  /** @param {SnsEvent} event @param {LambdaContext} [context] */
  return async function handler(event, context) {
    const records = Array.isArray(event?.Records) ? event.Records : [];
    if (records.length === 0) {
      log('The event has no SNS records: nothing to post.');
      return { delivered: 0 };
    }
    hookUrl ??= decryptHookUrl(env).catch((error) => {
      hookUrl = undefined;
      throw error;
    });
    const url = await hookUrl;
    const options = { channel: env.slackChannel, mention: env.slackMention };
    const remaining = context?.getRemainingTimeInMillis;
    const remainingMs = remaining ? () => remaining.call(context) : undefined;
    /** @type {string[]} */
    const accepted = [];
    /** @type {string[]} */
    const skipped = [];
    let delivered = 0;
    for (const [i, record] of records.entries()) {
      const id = typeof record.Sns?.MessageId === 'string' ? record.Sns.MessageId : '';
      if (id && posted.has(id)) {
        skipped.push(id);
        log(`Record ${i + 1}: message ${id} was already posted by an earlier attempt; skipped.`);
        continue;
      }
      const payload = formatRecord(record, options);
      try {
        const { attempts } = await postToSlack(url, payload, {
          remainingMs,
          log,
          ...(deps.sleep && { sleep: deps.sleep }),
        });
        log(`Posted to Slack${attempts > 1 ? ` after ${attempts} attempts` : ''}: ${payload.text}`);
      } catch (error) {
        for (const done of accepted) posted.add(done);
        while (posted.size > 1000) posted.delete(/** @type {string} */ (posted.values().next().value));
        if (records.length === 1 || !(error instanceof Error)) throw error;
        throw new Error(
          `Record ${i + 1} of ${records.length}: ${error.message} (${delivered} posted before it)`,
          { cause: error },
        );
      }
      delivered++;
      if (id) accepted.push(id);
    }
    // The event went through: Lambda will not retry it, so what it skipped need not be remembered any longer.
    for (const id of skipped) posted.delete(id);
    return skipped.length ? { delivered, skipped: skipped.length } : { delivered };
  };
}

export const handler = createHandler();
