// The notifier, index.handler: CloudWatch alarms → Slack, from SNS notifications, EventBridge events and the
// undelivered queue (SQS). Env: kmsEncryptedHookUrl, slackChannel, slackMention, alarmEventsFilter,
// undeliveredQueueUrl (see README).
import { postToSlack, SlackError, settings } from './deliver.mjs';
import { alertsOf, alertsOfRecord, deliveredByRule, isSqs, parseFilter } from './route.mjs';
import { obj, plural, str, truncate } from './text.mjs';

/** @import { Alert, Filter } from './route.mjs' */
/** @import { BatchResponse, DeliverOptions, DirectResult, HandlerDeps, InvocationRecord, LambdaContext } from './types.js' */

/** Alerts remembered per container, as accepted by Slack. */
const KEEP = 500;

/** @param {unknown} e */
const errorText = (e) => (e instanceof Error ? `${e.name}${e.message ? `: ${e.message}` : ''}` : String(e));

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
    throw new Error(
      `Could not decrypt kmsEncryptedHookUrl (${errorText(error)}). Check that the ` +
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
export function createHandler({
  env = process.env,
  log = console.log,
  now = Date.now,
  paceMs = 1000,
  ...delivery
} = {}) {
  /** @type {Promise<string> | undefined} decrypted once per container; a failure is not kept */
  let hookUrl;
  // Keys of the alerts Slack accepted on this container, so that none is posted twice when Lambda retries an
  // invocation, SNS or EventBridge deliver it again, or the queue (or `replay`) hands it back.
  /** @type {Set<string>} */
  const posted = new Set();
  /** @type {{ filter?: Filter } | undefined} read at the first alarm notification */
  let rule;
  /** @type {import('@aws-sdk/client-sqs').SQSClient | undefined} */
  let sqs;

  function filter() {
    if (rule) return rule.filter;
    try {
      rule = { filter: parseFilter(env.alarmEventsFilter) };
    } catch (error) {
      rule = {};
      const raw = JSON.stringify(truncate(String(env.alarmEventsFilter), 200));
      log(`alarmEventsFilter ${raw} ignored (${errorText(error)}): every SNS notification is posted.`);
    }
    return rule.filter;
  }

  /** @param {string} key */
  function remember(key) {
    if (!key) return;
    posted.add(key);
    for (const old of posted) {
      if (posted.size <= KEEP) break;
      posted.delete(old);
    }
  }

  /** Formats (as late as possible, for the late line) and posts. @param {Alert} alert @param {string} url @param {DeliverOptions} options */
  async function post(alert, url, options) {
    const payload = alert.format({ channel: env.slackChannel, mention: env.slackMention, now: now() });
    const { attempts } = await postToSlack(url, payload, { ...delivery, now, log, ...options });
    remember(alert.key);
    log(`Posted to Slack${attempts > 1 ? ` after ${attempts} attempts` : ''}: ${payload.text}`);
  }

  /**
   * Slack rate-limits: the alerts not posted go to the paced queue now, as the invocation record Lambda itself
   * writes there, rather than retried in step with every other invocation. If that fails, the Slack error is
   * thrown: Lambda's retries and destination take over.
   * @param {string} queueUrl @param {Alert[]} alerts @param {unknown} event @param {SlackError} error
   * @param {LambdaContext} context
   */
  async function handOff(queueUrl, alerts, event, error, context) {
    const records = alerts.flatMap((a) => (a.record ? [a.record] : []));
    /** @type {InvocationRecord} */
    const body = {
      version: '1.0',
      timestamp: new Date(now()).toISOString(),
      requestContext: {
        requestId: str(context.awsRequestId),
        functionArn: str(context.invokedFunctionArn),
        condition: 'RateLimited',
        approximateInvokeCount: 1,
      },
      requestPayload: records.length ? { ...obj(event), Records: records } : event,
      responsePayload: { errorType: error.name, errorMessage: error.message },
    };
    const queue = queueUrl.split('/').pop();
    const left = context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY;
    try {
      const { SQSClient, SendMessageCommand } = await import('@aws-sdk/client-sqs');
      sqs ??= new SQSClient({});
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(body) }), {
        abortSignal: AbortSignal.timeout(Math.max(100, Math.min(5000, left - 500))),
      });
    } catch (e) {
      log(
        `Could not hand ${plural(alerts.length, 'alert')} to the queue ${queue} (${errorText(e)}): failing.`,
      );
      throw error;
    }
    log(
      `${error.message}: ${plural(alerts.length, 'alert')} handed to the queue ${queue}, to be posted paced.`,
    );
  }

  /** SNS, EventBridge or anything else, invoked by its source. @param {unknown} event @param {string} url @param {LambdaContext} context @returns {Promise<DirectResult>} */
  async function direct(event, url, context) {
    const alerts = alertsOf(event);
    const byRule = alerts.some((a) => a.alarm) ? filter() : undefined;
    /** @type {Array<[number, Alert]>} */
    const todo = [];
    let skipped = 0;
    for (const [i, alert] of alerts.entries()) {
      const why = deliveredByRule(alert, byRule, env.AWS_REGION, context)
        ? `${str(alert.alarm?.AlarmName)} ${str(alert.alarm?.NewStateValue)}: delivered through the EventBridge rule instead`
        : posted.has(alert.key) && 'posted by an earlier attempt';
      if (!why) todo.push([i, alert]);
      else {
        skipped++;
        log(`Skipped ${alert.key} (${why}).`);
      }
    }
    const queueUrl = str(env.undeliveredQueueUrl);
    const remainingMs = context.getRemainingTimeInMillis?.bind(context);
    let delivered = 0;
    for (const [n, [i, alert]] of todo.entries()) {
      try {
        await post(alert, url, { remainingMs, failOnRateLimit: !!queueUrl });
        delivered++;
      } catch (error) {
        if (queueUrl && error instanceof SlackError && error.status === 429) {
          const rest = todo.slice(n).map(([, a]) => a);
          await handOff(queueUrl, rest, event, error, context);
          return { delivered, ...(skipped ? { skipped } : {}), queued: rest.length };
        }
        if (alerts.length === 1 || !(error instanceof Error)) throw error;
        const where = `Record ${i + 1} of ${alerts.length}`;
        throw new Error(`${where}: ${error.message} (${delivered} posted before it)`, { cause: error });
      }
    }
    return skipped ? { delivered, skipped } : { delivered };
  }

  /**
   * The undelivered queue (event source mapping, or `replay`): each record posted at most about once a second;
   * a 429 that cannot be waited out, or the end of the invocation's time, leaves that record and the rest in
   * the queue. Never throws for a record.
   * @param {unknown[]} records @param {string} url @param {LambdaContext} context @returns {Promise<BatchResponse>}
   */
  async function drain(records, url, context) {
    const o = { ...settings, ...delivery };
    const remainingMs = context.getRemainingTimeInMillis?.bind(context);
    const remaining = remainingMs ?? (() => Number.POSITIVE_INFINITY);
    /** @type {string[]} */
    const failed = [];
    let stop = '';
    let left = 0;
    let last = Number.NEGATIVE_INFINITY;
    for (const item of records) {
      const record = obj(item) ?? {};
      const id = str(record.messageId);
      if (stop) {
        failed.push(id);
        left++;
        continue;
      }
      try {
        for (const alert of alertsOfRecord(record)) {
          if (posted.has(alert.key)) {
            log(`Skipped ${alert.key} of record ${id} (posted by an earlier attempt).`);
            continue;
          }
          const wait = Math.max(0, last + paceMs - now());
          if (remaining() - wait - o.safetyMarginMs < o.minAttemptMs) {
            stop = 'the invocation is running out of time';
            throw new Error(`not tried: only ${Math.round(remaining())} ms of the invocation left`);
          }
          if (wait) await o.sleep(wait);
          last = now();
          await post(alert, url, { remainingMs });
        }
      } catch (error) {
        failed.push(id);
        if (error instanceof SlackError && error.status === 429) stop = 'Slack is rate-limiting';
        log(`Record ${id} not posted, left in the queue: ${error instanceof Error ? error.message : error}`);
      }
    }
    if (left) log(`${plural(left, 'more record')} left in the queue: ${stop}.`);
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  }

  /** @param {unknown} event @param {LambdaContext} [context] */
  return async function handler(event, context = {}) {
    hookUrl ??= decryptHookUrl(env).catch((error) => {
      hookUrl = undefined;
      throw error;
    });
    const url = await hookUrl;
    return isSqs(event) ? drain(event.Records, url, context) : direct(event, url, context);
  };
}

export const handler = createHandler();
