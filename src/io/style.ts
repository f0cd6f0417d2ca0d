import { Chalk } from 'chalk';
import type { Style } from './types.js';

/** Running in CI: CI is set to anything but "", "false" or "0" (the CDK CLI's rule). */
export function inCI(env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI?.trim().toLowerCase();
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/**
 * Spinners only on a TTY outside CI that reports a width: a pseudo-terminal opened without a size (e.g.
 * `script` without columns) says 0 columns, and ora, dividing each line's width by it to know how many
 * lines to clear, then clears forever.
 */
export function spinnersEnabled(opts: {
  isTTY: boolean;
  columns: number | undefined;
  env: NodeJS.ProcessEnv;
}) {
  return opts.isTTY && !inCI(opts.env) && (opts.columns ?? 0) > 0;
}

/** Colour only when the stream is a TTY, not in CI, NO_COLOR is unset and --no-color was not given. */
export function colorEnabled(opts: { isTTY: boolean; env: NodeJS.ProcessEnv; color: boolean }): boolean {
  if (!opts.color || !opts.isTTY) return false;
  if (opts.env.NO_COLOR !== undefined && opts.env.NO_COLOR !== '') return false;
  return !inCI(opts.env);
}

/** Colours when `enabled`; `width`: the terminal's columns (undefined, or 0 as an unsized pty says: none). */
export function createStyle(enabled: boolean, width?: number): Style {
  const c = new Chalk({ level: enabled ? 1 : 0 });
  return {
    ...(width ? { width } : {}),
    ok: (t) => c.green(t),
    fail: (t) => c.red(t),
    warn: (t) => c.yellow(t),
    dim: (t) => c.dim(t),
    bold: (t) => c.bold(t),
    code: (t) => c.cyan(t),
  };
}
