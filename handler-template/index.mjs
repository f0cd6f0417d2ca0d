// SNS → Slack notifier, index.handler. Env: kmsEncryptedHookUrl, slackChannel, slackMention (see README).
import { postToSlack } from './deliver.mjs';
import { formatRecord } from './format.mjs';

/** @import { HandlerDeps, SnsEvent } from './types.js' */

/** Errors never show the URL. @param {Record<string, string | undefined>} env */
async function decryptHookUrl(env) {
  const ciphertext = env.kmsEncryptedHookUrl?.trim();
  if (!ciphertext) throw new Error('kmsEncryptedHookUrl is not set: run `alarm-to-slack init` to set it.');
  // loaded here, not at import: faster cold start
  const { KMSClient, DecryptCommand } = await import('@aws-sdk/client-kms');
  const context = { LambdaFunctionName: env.AWS_LAMBDA_FUNCTION_NAME ?? '' };
  let url = '';
  try {
    const out = await new KMSClient({}).send(
      new DecryptCommand({ CiphertextBlob: Buffer.from(ciphertext, 'base64'), EncryptionContext: context }),
      { abortSignal: AbortSignal.timeout(5000) }, // a hung call must leave time for Slack
    );
    url = new TextDecoder().decode(out.Plaintext);
  } catch (error) {
    const e = /** @type {Error} */ (error);
    throw new Error(
      `Could not decrypt kmsEncryptedHookUrl (${e.name}${e.message ? `: ${e.message}` : ''}). Check that the ` +
        `function's role may kms:Decrypt on the key with EncryptionContext ${JSON.stringify(context)}, that the ` +
        'ciphertext was made with that context, and that the key is enabled, not pending deletion. `alarm-to-slack init` re-encrypts it.',
      { cause: error },
    );
  }
  if (!/^https?:\/\//.test(url) || !URL.canParse(url))
    throw new Error(
      'kmsEncryptedHookUrl does not hold a valid URL: run `alarm-to-slack init` to set it again.',
    );
  return url;
}

/** A handler with its own state; `handler` below is Lambda's. @param {HandlerDeps} [deps] */
export function createHandler({ env = process.env, log = console.log, ...delivery } = {}) {
  /** @type {Promise<string> | undefined} decrypted once per container; a failure is not kept */
  let hookUrl;
  // Records posted by an invocation that failed on a later one: skipped when Lambda retries the event on this
  // container (SNS sends one record per invocation: only hand-made events have several).
  /** @type {Set<string>} */
  const posted = new Set();

  /** @param {SnsEvent} event @param {{ getRemainingTimeInMillis?: () => number }} [context] */
  return async function handler(event, context) {
    const records = Array.isArray(event?.Records) ? event.Records : [];
    if (!records.length) return { delivered: 0 };
    hookUrl ??= decryptHookUrl(env).catch((error) => {
      hookUrl = undefined;
      throw error;
    });
    const url = await hookUrl;
    const options = { channel: env.slackChannel, mention: env.slackMention };
    const remainingMs = context?.getRemainingTimeInMillis?.bind(context);
    /** @type {string[]} */
    const accepted = [];
    /** @type {string[]} */
    const skipped = [];
    for (const [i, record] of records.entries()) {
      const id = typeof record.Sns?.MessageId === 'string' ? record.Sns.MessageId : '';
      if (posted.has(id)) {
        skipped.push(id);
        log(`Message ${id} was posted by an earlier attempt: skipped.`);
        continue;
      }
      const payload = formatRecord(record, options);
      try {
        const { attempts } = await postToSlack(url, payload, { ...delivery, remainingMs, log });
        log(`Posted to Slack${attempts > 1 ? ` after ${attempts} attempts` : ''}: ${payload.text}`);
      } catch (error) {
        for (const done of accepted) if (done) posted.add(done);
        for (const old of posted) if (posted.size > 500) posted.delete(old);
        if (records.length === 1 || !(error instanceof Error)) throw error;
        const where = `Record ${i + 1} of ${records.length}`;
        throw new Error(`${where}: ${error.message} (${accepted.length} posted before it)`, { cause: error });
      }
      accepted.push(id);
    }
    for (const id of skipped) posted.delete(id);
    return skipped.length
      ? { delivered: accepted.length, skipped: skipped.length }
      : { delivered: accepted.length };
  };
}

export const handler = createHandler();
