import type { StackContext } from '../resources/context.js';

/**
 * What `test`, `teardown` and `status` take besides options and the command context: the clock, the
 * sleep and the id source. Production passes nothing (real timers, Date.now, random UUIDs); tests inject
 * them so that no test waits for real time.
 */
export interface CommandDeps {
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch. */
  now?: () => number;
  newId?: () => string;
}

/** The stack context with the injected sleep, when there is one. */
export function withDeps(stack: StackContext, deps: CommandDeps): StackContext {
  return deps.sleep ? { ...stack, sleep: deps.sleep } : stack;
}
