// @ts-nocheck: plain JS shared with the benchmark; its shapes are AWS's, checked by the tests that use it.
// A small in-memory AWS for `init`: every command the resource modules send, answered from state the
// writes change, with AWS's own error names and shapes. Shared by test/init/*.test.ts (through
// aws-sdk-client-mock) and bench/init.mjs (through latencyMocks), so both see the same behaviour.
import { createHash, randomUUID } from 'node:crypto';
import { computeHandlers } from './fake-aws/compute.mjs';
import { identityLogsHandlers } from './fake-aws/identity-logs.mjs';
import { messagingHandlers } from './fake-aws/messaging.mjs';

/** An SDK-shaped AWS error reply. */
export function awsError(name, status = 400, message = `${name} from AWS`) {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

/** Commands that change nothing in AWS (reads, and KMS Decrypt). Everything else counts as a write. */
export const READ = /^(Get|List|Describe|Decrypt)/;

const clone = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('base64');

/**
 * @param {{ account: string, region: string, partition?: string }} where
 */
export function fakeAws(where) {
  const { account, region } = where;
  const partition = where.partition ?? 'aws';
  const state = {
    topics: new Map(), // arn → { tags }
    subscriptions: new Map(), // arn → { topicArn, protocol, endpoint }
    keys: new Map(), // keyId → { arn, state, description, tags, policy }
    aliases: new Map(), // alias name → keyId
    roles: new Map(), // name → { arn, trust, attached: string[], inline: Map<name, doc>, tags }
    logGroups: new Map(), // name → { retention, tags }
    functions: new Map(), // name → { config, tags, statements }
    alarms: new Map(), // name → { alarm, tags }
    /** @type {Array<{ id: string, name?: string, type?: string }>} */
    instances: [],
    /**
     * Set to { StateReasonCode, StateReason } to make CreateFunction's function end up Failed.
     * @type {Record<string, string> | undefined}
     */
    newFunctionFails: undefined,
  };
  /** Scripted failures: command → errors thrown by its next calls (in order). */
  const failures = new Map();
  let serial = 0;

  const arn = (service, resource, regional = true) =>
    `arn:${partition}:${service}:${regional ? region : ''}:${account}:${resource}`;
  const tagList = (tags, k = 'Key', v = 'Value') =>
    Object.entries(tags).map(([a, b]) => ({ [k]: a, [v]: b }));
  const tagMap = (list = [], k = 'Key', v = 'Value') => Object.fromEntries(list.map((t) => [t[k], t[v]]));
  const keyOf = (id) => {
    if (typeof id !== 'string') return undefined;
    if (id.startsWith('alias/')) return state.aliases.get(id);
    const bare = id.includes(':key/') ? id.split(':key/')[1] : id;
    return state.keys.has(bare) ? bare : undefined;
  };
  const fnOf = (name) => {
    const fn = state.functions.get(String(name).split(':function:').pop());
    if (!fn)
      throw awsError(
        'ResourceNotFoundException',
        404,
        `Function not found: ${arn('lambda', `function:${name}`)}`,
      );
    return fn;
  };
  const alarmArn = (name) => arn('cloudwatch', `alarm:${name}`);

  const nextSerial = () => {
    serial += 1;
    return serial;
  };
  const env = {
    state,
    account,
    partition,
    arn,
    tagList,
    tagMap,
    keyOf,
    fnOf,
    alarmArn,
    awsError,
    clone,
    sha256,
    nextSerial,
    randomUUID,
  };
  const handlers = { ...messagingHandlers(env), ...identityLogsHandlers(env), ...computeHandlers(env) };

  /** Answers one command; `client` is the AwsClients key (sts, sns, kms, …), `command` e.g. "CreateTopicCommand". */
  async function answer(client, command, input) {
    const name = command.replace(/Command$/, '');
    const scripted = failures.get(name);
    if (scripted) {
      const error = scripted.next.length > 0 ? scripted.next.shift() : scripted.always;
      const thrown = typeof error === 'function' ? await error(input) : error;
      if (thrown) throw thrown;
    }
    const handler = handlers[`${client}.${name}`] ?? handlers[name];
    if (!handler) throw new Error(`fake AWS has no ${client}.${name}`);
    return handler(input ?? {});
  }

  return {
    state,
    answer,
    /**
     * The next calls of `command` (e.g. "CreateFunction") throw these errors, in order. An entry may be a
     * function of the input returning (or resolving to) the error, or nothing to answer normally (e.g.
     * after aborting, or after a delay).
     */
    fail(command, ...errors) {
      const scripted = failures.get(command) ?? { next: [], always: undefined };
      scripted.next.push(...errors);
      failures.set(command, scripted);
    },
    /** Every call of `command` fails with `error` from now on. */
    failAlways(command, error) {
      failures.set(command, { next: [], always: error });
    },
    /** A snapshot of the state (to compare before and after a run). */
    snapshot() {
      const plain = (m) => Object.fromEntries([...m].map(([k, v]) => [k, v instanceof Map ? plain(v) : v]));
      return JSON.parse(
        JSON.stringify({
          topics: plain(state.topics),
          subscriptions: plain(state.subscriptions),
          keys: plain(state.keys),
          aliases: plain(state.aliases),
          roles: Object.fromEntries([...state.roles].map(([k, r]) => [k, { ...r, inline: plain(r.inline) }])),
          logGroups: plain(state.logGroups),
          functions: plain(state.functions),
          alarms: plain(state.alarms),
        }),
      );
    },
  };
}
