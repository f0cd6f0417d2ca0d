import { UsageError } from '../errors.js';
import type { Asker, IO } from './types.js';

export interface ValueSpec<T> {
  /** The flag named in messages, e.g. "--webhook-url". */
  flag: string;
  /** The value commander parsed, if the flag was given. */
  value: string | undefined;
  /** An environment variable consulted when the flag is absent. */
  envVar?: string;
  env?: NodeJS.ProcessEnv;
  /** Asked only when io.interactive (stdin is a TTY and --yes is absent). Answers are validated with `parse`. */
  prompt?: (ask: Asker, validate: (raw: string) => true | string) => Promise<string>;
  /** Used when nothing else gave a value. */
  default?: string;
  /** With no value from any source: exit 2 naming the flag (undefined is returned otherwise). */
  required?: boolean;
  /** Validates and converts; throws UsageError. */
  parse: (raw: string) => T;
}

/**
 * `parse`, its refusals (which name the flag) naming where the value came from instead: the environment
 * variable, or at a prompt "This" (the answer just typed).
 */
function parseFrom<T>(spec: ValueSpec<T>, raw: string, source: string): T {
  try {
    return spec.parse(raw);
  } catch (error) {
    if (!(error instanceof UsageError) || !error.message.startsWith(`${spec.flag} `)) throw error;
    throw new UsageError(source + error.message.slice(spec.flag.length), { hint: error.hint });
  }
}

/** Resolves one answer: flag → env → prompt (TTY only) → default; non-interactive and missing → exit 2. */
export async function resolveValue<T>(io: IO, spec: ValueSpec<T>): Promise<T | undefined> {
  if (spec.value !== undefined) return spec.parse(spec.value);
  const fromEnv = spec.envVar ? spec.env?.[spec.envVar] : undefined;
  if (spec.envVar && fromEnv !== undefined && fromEnv !== '') return parseFrom(spec, fromEnv, spec.envVar);
  if (spec.prompt && io.interactive) {
    const validate = (raw: string): true | string => {
      try {
        parseFrom(spec, raw, 'This');
        return true;
      } catch (error) {
        if (error instanceof UsageError) return error.message;
        throw error;
      }
    };
    return spec.parse(await spec.prompt(io.ask, validate));
  }
  if (spec.default !== undefined) return spec.parse(spec.default);
  if (spec.required) {
    const env = spec.envVar ? ` (or set ${spec.envVar})` : '';
    throw new UsageError(`Missing ${spec.flag}${env}; it is required when not running interactively.`);
  }
  return undefined;
}
