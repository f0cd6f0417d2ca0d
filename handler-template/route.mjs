// What an invocation holds: its alerts, each with the identity it keeps on every path (direct, Lambda's retries,
// the undelivered queue, `replay`), and which SNS notifications the EventBridge rule delivers instead. Pure.
import { formatEvent, formatEventBridge, formatRecord } from './format.mjs';
import { obj, parse, parseArn, str } from './text.mjs';

/** @import { FormatOptions, Json, LambdaContext, SlackPayload, SnsRecord } from './types.js' */
/**
 * @typedef {object} Alert
 * @property {string} key `sns:<MessageId>`, `events:<event id>`, or '' (no identity: never taken for a duplicate)
 * @property {(options: FormatOptions) => SlackPayload} format
 * @property {SnsRecord} [record] an SNS notification's record (what a hand-off re-sends)
 * @property {Json} [alarm] an SNS notification's alarm message
 */
/** @typedef {{ states: string[], prefix: string }} Filter */

/** @param {unknown} e @returns {e is Json} */
const isEventBridge = (e) =>
  typeof obj(e)?.['detail-type'] === 'string' && typeof obj(e)?.source === 'string';
/** @param {unknown} e @returns {e is { Records: SnsRecord[] }} */
const isSns = (e) => {
  const records = obj(e)?.Records;
  return Array.isArray(records) && records.length > 0 && records.every((r) => obj(obj(r)?.Sns));
};
/** @param {unknown} e @returns {e is { Records: Json[] }} */
export const isSqs = (e) => {
  const records = obj(e)?.Records;
  return Array.isArray(records) && records.length > 0 && obj(records[0])?.eventSource === 'aws:sqs';
};

/** The alerts of a payload: a direct invocation's, or the one an SQS record carries. @param {unknown} payload @param {string} [from] */
export function alertsOf(payload, from = '') {
  if (isSns(payload))
    return payload.Records.map((record) => {
      const id = str(record.Sns?.MessageId);
      const alarm = obj(parse(typeof record.Sns?.Message === 'string' ? record.Sns.Message : ''));
      return /** @type {Alert} */ ({
        key: id && `sns:${id}`,
        format: (o) => formatRecord(record, o),
        record,
        ...(typeof alarm?.AlarmName === 'string' ? { alarm } : {}),
      });
    });
  const id = isEventBridge(payload) ? str(payload.id) : '';
  const format = isEventBridge(payload)
    ? (/** @type {FormatOptions} */ o) => formatEventBridge(payload, o)
    : (/** @type {FormatOptions} */ o) => formatEvent(payload, o, from);
  return [/** @type {Alert} */ ({ key: id && `events:${id}`, format })];
}

/**
 * What an SQS record carries: the original event of an invocation record (Lambda's on-failure destination, or
 * the handler's own 429 hand-off), else an SNS or EventBridge event sent as it is, else the body as it is.
 * @param {Json} record
 */
export function alertsOfRecord(record) {
  const raw = typeof record.body === 'string' ? record.body : '';
  const body = parse(raw);
  const invocation = obj(body);
  if (invocation && obj(invocation.requestContext) && 'requestPayload' in invocation)
    return alertsOf(invocation.requestPayload);
  if (isSns(body) || isEventBridge(body)) return alertsOf(body);
  const queue = parseArn(record.eventSourceARN)?.resource;
  return alertsOf(body === undefined ? raw : body, queue ? `SQS queue ${queue}` : 'SQS');
}

/**
 * alarmEventsFilter, as the CLI writes it: {"states":["ALARM","OK"],"prefix":"prod-"} (no prefix, or "", for
 * every name). Undefined when absent; throws when malformed. @param {string | undefined} raw @returns {Filter | undefined}
 */
export function parseFilter(raw) {
  if (!raw?.trim()) return undefined;
  const f = obj(parse(raw));
  const states = f?.states;
  if (!Array.isArray(states) || !states.length || !states.every((s) => typeof s === 'string'))
    throw new Error('"states" must be a list of alarm states');
  if (f?.prefix != null && typeof f.prefix !== 'string') throw new Error('"prefix" must be a string');
  return { states, prefix: typeof f?.prefix === 'string' ? f.prefix : '' };
}

/**
 * Whether the EventBridge rule delivers this SNS notification as well, so that posting it too would say the
 * same state change twice. Only when sure: an alarm of this function's own account and region (the rule is on
 * its default bus), in one of the rule's states, with the prefix, and not a test event. Without an AlarmArn (old
 * messages) or anything else to be sure of, the answer is no: a duplicate beats a lost alert.
 * @param {Alert} alert @param {Filter | undefined} filter @param {string | undefined} region @param {LambdaContext} context
 */
export function deliveredByRule(alert, filter, region, context) {
  const { alarm, record } = alert;
  if (!filter || !alarm || !region) return false;
  if (obj(record?.Sns?.MessageAttributes)?.['alarm-to-slack-test'] !== undefined) return false;
  const arn = parseArn(alarm.AlarmArn);
  const account = parseArn(context.invokedFunctionArn)?.account;
  return (
    !!arn &&
    !!account &&
    arn.account === account &&
    arn.region === region &&
    filter.states.includes(str(alarm.NewStateValue)) &&
    String(alarm.AlarmName).startsWith(filter.prefix)
  );
}
