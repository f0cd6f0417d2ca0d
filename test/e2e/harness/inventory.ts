import { accountId, aws } from './aws.js';
import { e2e } from './config.js';
import { KINDS } from './inventory-kinds.js';
import type { Ctx, Found, Kind } from './inventory-read.js';
import { namesOf } from './stack.js';

/**
 * A stack's inventory: every kind in KINDS, read with the tests' own SDK clients, by the README's
 * names and by the stack tag. `leftovers` lists what still exists (nothing, after a teardown or a
 * rolled-back init); `snapshot` is what a write would change, to compare before and after a run.
 */
type Kinds = typeof KINDS;
type NamedOf<K extends keyof Kinds> = NonNullable<Awaited<ReturnType<Kinds[K]['read']>>['named']>;

export type Inventory = { [K in keyof Kinds]: Found<NamedOf<K>> };

export async function inventory(stack: string): Promise<Inventory> {
  const names = namesOf(stack);
  const { region } = e2e();
  const account = await accountId();
  const cache = new Map<string, Promise<unknown>>();
  const ctx: Ctx = {
    aws: aws(),
    names,
    account,
    region,
    arns: {
      topic: `arn:aws:sns:${region}:${account}:${names.topic}`,
      functionName: `arn:aws:lambda:${region}:${account}:function:${names.functionName}`,
      alarm: `arn:aws:cloudwatch:${region}:${account}:alarm:${names.alarm}`,
      logGroup: `arn:aws:logs:${region}:${account}:log-group:${names.logGroup}`,
      queue: `arn:aws:sqs:${region}:${account}:${names.queue}`,
      rule: `arn:aws:events:${region}:${account}:rule/${names.rule}`,
    },
    once<T>(key: string, read: () => Promise<T>) {
      if (!cache.has(key)) cache.set(key, read());
      return cache.get(key) as Promise<T>;
    },
  };
  const entries = await Promise.all(
    Object.entries(KINDS).map(async ([kind, k]) => {
      try {
        return [kind, await (k as Kind<unknown>).read(ctx)] as const;
      } catch (error) {
        throw new Error(`inventory of ${kind} for ${stack} failed: ${String(error)}`, { cause: error });
      }
    }),
  );
  return Object.fromEntries(entries) as Inventory;
}

/** What is left of the stack: "kind name" for each resource present by name or by tag. */
export function leftovers(inv: Inventory): string[] {
  const left = new Set<string>();
  for (const [kind, found] of Object.entries(inv) as Array<[keyof Kinds, Found<unknown>]>) {
    const k = KINDS[kind] as Kind<unknown>;
    if (found.named !== undefined && (k.remains?.(found.named) ?? true)) left.add(`${kind} (by name)`);
    for (const t of found.tagged) if (!t.gone) left.add(`${kind} ${t.id} (tagged for the stack)`);
  }
  return [...left].sort();
}

/** Every kind's resource as AWS describes it (what a write would change), for before/after comparisons. */
export function snapshot(inv: Inventory): { [K in keyof Kinds]: NamedOf<K> | undefined } {
  return Object.fromEntries(Object.entries(inv).map(([kind, found]) => [kind, found.named])) as {
    [K in keyof Kinds]: NamedOf<K> | undefined;
  };
}

/** The kinds whose snapshot differs between two inventories. */
export function changedKinds(before: Inventory, after: Inventory): string[] {
  const a = snapshot(before) as Record<string, unknown>;
  const b = snapshot(after) as Record<string, unknown>;
  return Object.keys(KINDS).filter((kind) => JSON.stringify(a[kind]) !== JSON.stringify(b[kind]));
}
