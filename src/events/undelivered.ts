/**
 * What a message of the undelivered-alert queue holds, for `replay`: the invocation record Lambda writes
 * to the on-failure destination when it gives up on an asynchronous invocation (or the one the notifier
 * writes itself when Slack rate-limits it: condition "RateLimited"), unwrapped to the alarms of its
 * `requestPayload` (an SNS event of CloudWatch alarm notifications, or an EventBridge alarm state-change
 * event); and the SQS event a replay hands the function, as the event source mapping would. Pure.
 */

type Json = Record<string, unknown>;

interface UndeliveredAlert {
  /** The alarm's name; for an SNS message that is no alarm notification, its subject. */
  alarm: string;
  /** ALARM, OK, INSUFFICIENT_DATA; undefined when unknown. */
  state: string | undefined;
  /** When the alarm changed state, ISO 8601 (UTC); undefined when unknown. */
  changedAt: string | undefined;
  /** A notification of `alarm-to-slack test`. */
  test: boolean;
}

export interface Undelivered {
  /** What it would post; empty when the body cannot be read. */
  alerts: UndeliveredAlert[];
  /** requestContext.condition: RetriesExhausted, EventAgeExceeded, RateLimited (the notifier's hand-off) … */
  condition: string | undefined;
  /** How many times Lambda ran it (requestContext.approximateInvokeCount). */
  attempts: number | undefined;
  /** The function's last error (responsePayload.errorMessage, or its errorType). */
  error: string | undefined;
  /** When Lambda gave up on it (the record's timestamp). */
  failedAt: string | undefined;
  /** Why the body cannot be read as an alert; undefined when it can. */
  unreadable: string | undefined;
}

const obj = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** "2026-11-24T10:42:27.519+0000" (CloudWatch's form) and other dates as ISO 8601; as given otherwise. */
function isoTime(value: unknown): string | undefined {
  const text = str(value);
  if (!text) return undefined;
  const ms = Date.parse(text.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
}

const isSnsEvent = (e: Json | undefined): e is { Records: unknown[] } =>
  Array.isArray(e?.Records) && e.Records.length > 0 && e.Records.every((r) => obj(obj(r)?.Sns));

const isEventBridge = (e: Json | undefined): e is Json =>
  typeof e?.['detail-type'] === 'string' && typeof e?.source === 'string';

/** The alerts of an SNS event (one per record), or of an EventBridge event; undefined for anything else. */
function alertsOf(payload: unknown): UndeliveredAlert[] | undefined {
  const event = obj(payload);
  if (isSnsEvent(event)) {
    return event.Records.map((r) => {
      const sns = obj(obj(r)?.Sns) ?? {};
      const message = obj(parse(typeof sns.Message === 'string' ? sns.Message : ''));
      const test = obj(sns.MessageAttributes)?.['alarm-to-slack-test'] !== undefined;
      if (message && typeof message.AlarmName === 'string')
        return {
          alarm: message.AlarmName,
          state: str(message.NewStateValue),
          changedAt: isoTime(message.StateChangeTime),
          test,
        };
      return {
        alarm: str(sns.Subject) ?? 'SNS message (not an alarm notification)',
        state: undefined,
        changedAt: isoTime(sns.Timestamp),
        test,
      };
    });
  }
  if (isEventBridge(event)) {
    const detail = obj(event.detail);
    const state = obj(detail?.state);
    const alarm = str(detail?.alarmName);
    return [
      {
        alarm: alarm ?? `${String(event['detail-type'])} (${String(event.source)})`,
        state: alarm ? str(state?.value) : undefined,
        changedAt: isoTime(state?.timestamp) ?? isoTime(event.time),
        test: false,
      },
    ];
  }
  return undefined;
}

const NONE = { condition: undefined, attempts: undefined, error: undefined, failedAt: undefined };

/**
 * The alerts a message body holds and why it is in the queue. A body that is no invocation record (an
 * SNS or EventBridge event sent as it is) has no reason; one that is neither is unreadable.
 */
export function readUndelivered(body: string): Undelivered {
  const parsed = parse(body);
  const record = obj(parsed);
  const context = obj(record?.requestContext);
  if (record && context && 'requestPayload' in record) {
    const response = obj(record.responsePayload);
    const count = context.approximateInvokeCount;
    const why = {
      condition: str(context.condition),
      attempts: typeof count === 'number' ? count : undefined,
      error: str(response?.errorMessage) ?? str(response?.errorType),
      failedAt: isoTime(record.timestamp),
    };
    const alerts = alertsOf(record.requestPayload);
    return alerts
      ? { alerts, ...why, unreadable: undefined }
      : { alerts: [], ...why, unreadable: 'its requestPayload is neither an SNS nor an EventBridge event' };
  }
  const alerts = alertsOf(parsed);
  if (alerts) return { alerts, ...NONE, unreadable: undefined };
  return {
    alerts: [],
    ...NONE,
    unreadable:
      parsed === undefined
        ? 'its body is not JSON'
        : 'its body is not an invocation record, SNS or EventBridge event',
  };
}

/** "RetriesExhausted after 3 attempts: Slack answered 503 …", or what is known of it. */
export function reasonText(u: Undelivered): string {
  if (u.unreadable) return `unreadable record: ${u.unreadable}`;
  const condition = u.condition
    ? `${u.condition}${u.attempts && u.attempts > 1 ? ` after ${u.attempts} attempts` : ''}`
    : undefined;
  return [condition, u.error].filter(Boolean).join(': ') || 'no reason recorded';
}

/** A message as ReceiveMessage returns it (the fields the SQS event is made of). */
interface ReceivedMessage {
  MessageId?: string | undefined;
  ReceiptHandle?: string | undefined;
  Body?: string | undefined;
  MD5OfBody?: string | undefined;
  Attributes?: Record<string, string> | undefined;
  MessageAttributes?:
    | Record<
        string,
        {
          StringValue?: string | undefined;
          BinaryValue?: Uint8Array | undefined;
          StringListValues?: string[] | undefined;
          BinaryListValues?: Uint8Array[] | undefined;
          DataType?: string | undefined;
        }
      >
    | undefined;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/**
 * The SQS event an event source mapping gives the function for these messages: Records of {messageId,
 * receiptHandle, body, attributes, messageAttributes (camelCase, binary values base64), md5OfBody,
 * eventSource, eventSourceARN, awsRegion}.
 */
export function sqsEventOf(messages: readonly ReceivedMessage[], queue: { arn: string; region: string }) {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId ?? '',
      receiptHandle: m.ReceiptHandle ?? '',
      body: m.Body ?? '',
      attributes: { ...m.Attributes },
      messageAttributes: Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {}).map(([name, a]) => [
          name,
          {
            ...(a.StringValue === undefined ? {} : { stringValue: a.StringValue }),
            ...(a.BinaryValue === undefined ? {} : { binaryValue: base64(a.BinaryValue) }),
            stringListValues: [...(a.StringListValues ?? [])],
            binaryListValues: (a.BinaryListValues ?? []).map(base64),
            dataType: a.DataType ?? 'String',
          },
        ]),
      ),
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: queue.region,
    })),
  };
}

/**
 * The message ids the function's answer leaves in the queue, by the event source mapping's rules
 * (ReportBatchItemFailures): an empty or null answer, or no or an empty batchItemFailures, is complete
 * success; an answer that is not JSON, or an item whose itemIdentifier is empty, missing or no id of the
 * batch, fails the whole batch.
 */
export function batchFailures(answer: string | undefined, ids: readonly string[]): Set<string> {
  const text = answer?.trim() ?? '';
  if (text === '') return new Set();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return new Set(ids);
  }
  if (parsed === null) return new Set();
  const items = obj(parsed)?.batchItemFailures;
  if (items === undefined || items === null) return new Set();
  if (!Array.isArray(items)) return new Set(ids);
  const failed = new Set<string>();
  for (const item of items) {
    const id = obj(item)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.includes(id)) return new Set(ids);
    failed.add(id);
  }
  return failed;
}

/** The notifier's "Record <id> not posted, left in the queue: <why>" lines of a log tail, by id. */
export function notPostedReasons(logTail: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of logTail.matchAll(/Record (\S+) not posted, left in the queue: ([^\n]*)/g))
    if (m[1] && m[2]) out.set(m[1], m[2].trim());
  return out;
}
