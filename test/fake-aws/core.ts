import { clone, type Env, type Handlers, type InvokeHandler, type Timing, type Window } from './env.js';
import { SERVICES } from './services/index.js';
import { parseCiphertext, plaintextOf } from './services/kms.js';
import { emptyState, type FakeState } from './types.js';

/**
 * The in-memory AWS: one account in one region, answering every command the product sends from state
 * that the writes change, with AWS's error names, codes and messages. Commands are answered by
 * `answer(clientKey, commandName, input)` (clientKey: sts, sns, kms, iam, lambda, cloudwatch, logs,
 * ec2, sqs, eventbridge; commandName with or without "Command"); the input is cloned on the way in and
 * the answer on the way out, so neither side can change the other's objects.
 */
export interface FakeAwsOptions {
  account: string;
  region: string;
  partition?: string;
  /** Milliseconds since the epoch. Default: a virtual clock at START_TIME that only `advance` moves. */
  clock?: () => number;
  /** Lambda refuses a role just created or changed: for this many calls and/or ms (default none). */
  iamPropagation?: { calls?: number; ms?: number };
  /** GetFunction reads before a created or updated function settles (default 0: by the first read). */
  functionSettleReads?: number;
  /** Reads before an event source mapping leaves Creating/Updating/Deleting (default 0). */
  mappingSettleReads?: number;
}

/** A scripted answer: an error to throw, a function of the input giving one (or nothing), or nothing. */
export type Scripted = Error | ((input: Record<string, unknown>) => unknown) | undefined;

/** 2026-11-25T00:00:00Z: where the default clock starts (a key scheduled for 7 days goes on 2026-12-02). */
export const START_TIME = Date.parse('2026-11-25T00:00:00.000Z');

const ALIASES: Record<string, string> = { events: 'eventbridge', cw: 'cloudwatch', cloudwatchlogs: 'logs' };

export type FakeAws = ReturnType<typeof createFakeAws>;

export function createFakeAws(options: FakeAwsOptions) {
  const state: FakeState = emptyState();
  const partition = options.partition ?? 'aws';
  const base = options.clock ?? (() => START_TIME);
  let offset = 0;
  let serial = 0;
  let seeding = 0;
  let invokeHandler: InvokeHandler | undefined;
  const failures = new Map<string, { next: Scripted[]; always: Scripted }>();
  const timing: Timing = {
    iamCalls: options.iamPropagation?.calls ?? 0,
    iamMs: options.iamPropagation?.ms ?? 0,
    functionSettleReads: options.functionSettleReads ?? 0,
    mappingSettleReads: options.mappingSettleReads ?? 0,
  };
  const windows = { trust: new Map<string, Window>(), policy: new Map<string, Window>() };
  const nextSerial = () => {
    serial += 1;
    return serial;
  };
  const env: Env = {
    state,
    account: options.account,
    region: options.region,
    partition,
    timing,
    now: () => base() + offset,
    arn: (service, resource, regional = true) =>
      `arn:${partition}:${service}:${regional ? options.region : ''}:${options.account}:${resource}`,
    serial: nextSerial,
    uuid: () => {
      const n = nextSerial().toString(16).padStart(12, '0');
      return `00000000-0000-4000-8000-${n}`;
    },
    seeding: () => seeding > 0,
    windows,
    invokeHandler: () => invokeHandler,
    call: (client, command, input) => run(client, command, input, false),
  };
  const handlers: Handlers = Object.assign({}, ...SERVICES.map((make) => make(env)));

  function handlerFor(client: string, name: string) {
    const key = `${ALIASES[client] ?? client}.${name}`;
    const exact = handlers[key];
    if (exact) return exact;
    const byName = Object.keys(handlers).filter((k) => k.endsWith(`.${name}`));
    const only = byName.length === 1 && byName[0] ? handlers[byName[0]] : undefined;
    if (!only) throw new Error(`fake AWS has no ${client}.${name}`);
    return only;
  }

  async function run(client: string, command: string, input: object | undefined, scripted: boolean) {
    const name = command.replace(/Command$/, '');
    if (scripted) {
      const script = failures.get(`${ALIASES[client] ?? client}.${name}`) ?? failures.get(name);
      if (script) {
        const next = script.next.length > 0 ? script.next.shift() : script.always;
        const thrown =
          typeof next === 'function' ? await next(clone(input as Record<string, unknown>) ?? {}) : next;
        if (thrown) throw thrown;
      }
    }
    const handler = handlerFor(client, name);
    return clone(await handler(clone((input ?? {}) as Record<string, unknown>)));
  }

  const must = <T>(what: string, value: T | undefined): T => {
    if (value === undefined) throw new Error(`fake AWS has no ${what}`);
    return value;
  };

  return {
    state,
    account: options.account,
    region: options.region,
    partition,
    /** Answers one command as AWS would, after any scripted failure for it. */
    answer: (client: string, command: string, input?: object) => run(client, command, input, true),
    /**
     * Runs a command without scripted failures and without propagation windows: for seeding state
     * through AWS's own semantics (a queue with messages, a mapping on a permitted role).
     */
    async call(client: string, command: string, input?: object): Promise<unknown> {
      seeding += 1;
      try {
        return await run(client, command, input, false);
      } finally {
        seeding -= 1;
      }
    },
    /**
     * The next calls of `command` ("CreateFunction", or "lambda.TagResource" for one client) throw these
     * errors, in order. An entry may be a function of the input returning (or resolving to) the error,
     * or nothing: then the call is answered normally (e.g. after a delay or an abort).
     */
    fail(command: string, ...errors: Scripted[]): void {
      const script = failures.get(command) ?? { next: [], always: undefined };
      script.next.push(...errors);
      failures.set(command, script);
    },
    /** Every call of `command` fails with `error` from now on (after any queued by `fail`). */
    failAlways(command: string, error: Scripted): void {
      const script = failures.get(command) ?? { next: [], always: undefined };
      script.always = error;
      failures.set(command, script);
    },
    /** Forgets every scripted failure. */
    clearFailures: () => failures.clear(),
    /** Runs `handler` for Invoke (and deliveries to a function) instead of the canned success. */
    onInvoke(handler: InvokeHandler | undefined): void {
      invokeHandler = handler;
    },
    /** The fake's clock, in ms since the epoch. */
    now: env.now,
    /** Moves the fake's clock on (e.g. from a test's injected sleep). */
    advance(ms: number): void {
      offset += ms;
    },
    /** The plaintext of a ciphertext the fake's Encrypt made (base64 or bytes), or undefined. */
    plaintextOf(ciphertext: string | Uint8Array): string | undefined {
      const bytes = typeof ciphertext === 'string' ? Buffer.from(ciphertext, 'base64') : ciphertext;
      const blob = parseCiphertext(bytes);
      return blob && plaintextOf(blob);
    },
    /** Records that must exist (a clear error otherwise), typed, for tests that inspect or edit them. */
    find: {
      function: (name: string) => must(`function ${name}`, state.functions.get(name)),
      key: (idOrAlias: string) =>
        must(`key ${idOrAlias}`, state.keys.get(state.aliases.get(idOrAlias) ?? idOrAlias)),
      role: (name: string) => must(`role ${name}`, state.roles.get(name)),
      alarm: (name: string) => must(`alarm ${name}`, state.alarms.get(name)),
      logGroup: (name: string) => must(`log group ${name}`, state.logGroups.get(name)),
      topic: (name: string) => must(`topic ${name}`, state.topics.get(env.arn('sns', name))),
      queue: (name: string) => must(`queue ${name}`, state.queues.get(name)),
      rule: (name: string) => must(`rule ${name}`, state.rules.get(name)),
    },
    /** A plain-JSON copy of every resource (Maps as objects, dates as ISO strings), to compare states. */
    snapshot() {
      const plain = (m: Map<string, unknown>): Record<string, unknown> =>
        Object.fromEntries([...m].map(([k, v]) => [k, v instanceof Map ? plain(v) : v]));
      const roles = Object.fromEntries(
        [...state.roles].map(([k, r]) => [k, { ...r, inline: plain(r.inline) }]),
      );
      return JSON.parse(
        JSON.stringify({
          topics: plain(state.topics),
          subscriptions: plain(state.subscriptions),
          keys: plain(state.keys),
          aliases: plain(state.aliases),
          roles,
          logGroups: plain(state.logGroups),
          functions: plain(state.functions),
          alarms: plain(state.alarms),
          queues: plain(state.queues),
          rules: plain(state.rules),
          mappings: plain(state.mappings),
        }),
      ) as Record<string, Record<string, unknown>>;
    },
  };
}
