/**
 * Policy documents compared by what they grant: a one-element list and a plain string are the same,
 * and so are lists in another order. Statements are compared without their Sid.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function normalise(value: unknown): Json {
  if (Array.isArray(value)) {
    const items = value.map(normalise);
    if (items.length === 1) return items[0] ?? null;
    return items
      .map((v) => JSON.stringify(v))
      .sort()
      .map((s) => JSON.parse(s) as Json);
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([k]) => k !== 'Sid');
    return Object.fromEntries(
      entries.sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, normalise(v)]),
    );
  }
  return value as Json;
}

/** The statements of a policy document, normalised (see above). */
export function statements(doc: unknown): Json[] {
  const list = (doc as { Statement?: unknown } | undefined)?.Statement;
  const all = Array.isArray(list) ? list : list === undefined ? [] : [list];
  return all.map(normalise);
}

/** One statement, normalised, for toEqual against statements(doc). */
export function statement(s: Record<string, unknown>): Json {
  return normalise(s);
}
