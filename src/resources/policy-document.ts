/**
 * IAM policy documents as AWS returns them (URL-encoded JSON from IAM), and a semantic comparison:
 * statement order, Sid, a one-element array versus a plain string, and the order of values do not
 * change what a policy allows, so they do not count as a difference.
 */

/** Parses a policy document: plain JSON, or IAM's URL-encoded JSON. Undefined when absent or unreadable. */
export function parsePolicy<T = unknown>(text: string | undefined): T | undefined {
  if (!text) return undefined;
  const trimmed = text.trim();
  try {
    return JSON.parse(trimmed.startsWith('{') ? trimmed : decodeURIComponent(trimmed)) as T;
  } catch {
    return undefined;
  }
}

/** True when both documents grant the same (see the module comment); false when either is missing. */
export function samePolicy(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return false;
  return canonical(normalisePolicy(a)) === canonical(normalisePolicy(b));
}

function normalisePolicy(doc: unknown): unknown {
  if (!isObject(doc)) return doc;
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return {
    ...doc,
    Statement: statements.map(normaliseStatement).sort((x, y) => canonical(x).localeCompare(canonical(y))),
  };
}

function normaliseStatement(statement: unknown): unknown {
  if (!isObject(statement)) return statement;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(statement)) {
    if (key === 'Sid') continue;
    if (key === 'Principal' || key === 'NotPrincipal' || key === 'Condition') out[key] = normaliseDeep(value);
    else out[key] = normaliseValues(value);
  }
  return out;
}

/** Objects keep their keys; every leaf list of strings becomes sorted, and a single value a string. */
function normaliseDeep(value: unknown): unknown {
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normaliseDeep(v)]));
  }
  return normaliseValues(value);
}

function normaliseValues(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const unique = [...new Set(value.map((v) => (typeof v === 'string' ? v : canonical(v))))].sort();
  return unique.length === 1 ? unique[0] : unique;
}

/** JSON with object keys sorted, so that key order does not matter. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
