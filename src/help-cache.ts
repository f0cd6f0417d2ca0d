import { readFileSync } from 'node:fs';

/**
 * `--help` and `--version` without commander. The build (scripts/build.mjs) has the bundle's own commander
 * render every help text, and the version, into help.json beside dist/cli.js; bin.ts prints from there and
 * loads nothing else (commander and the program cost about as much again as node's own start).
 * test/help-cache.test.ts holds the file equal to what commander prints.
 *
 * Only where the answer cannot differ from commander's: `--version`/`-v` alone, no argument, `--help`/`-h`
 * alone, or one command name then `--help`/`-h`; for help, an output that is not a terminal or one as wide as
 * the texts were laid out for (commander wraps to a terminal's width). Anything else, an unknown command
 * name, a missing or unreadable file (a source checkout has none beside src/bin.ts) goes to commander.
 * Keep this module a leaf.
 */
interface HelpCache {
  /** package.json's version when the bundle was built. */
  version: string;
  /** The width the texts were laid out for: commander's own when the output is not a terminal. */
  width: number;
  /** The program's help (what no argument and `--help` print). */
  root: string;
  /** Each command's help, by name. */
  commands: Record<string, string>;
}

const isHelpFlag = (arg: string | undefined) => arg === '--help' || arg === '-h';

/** Which help the arguments ask for: '' for the program's, a name for a command's, undefined for neither. */
function helpAskedFor(args: readonly string[]): string | undefined {
  const [first, second] = args;
  if (args.length === 0 || (args.length === 1 && isHelpFlag(first))) return '';
  if (args.length === 2 && isHelpFlag(second) && first && /^[a-z][a-z-]*$/.test(first)) return first;
  return undefined;
}

/** What commander would print for these arguments, from the cache; undefined: ask commander. */
export function cachedAnswer(
  file: URL,
  args: readonly string[],
  out: { isTTY?: boolean; columns?: number },
): string | undefined {
  const version = args.length === 1 && (args[0] === '--version' || args[0] === '-v');
  const wanted = helpAskedFor(args);
  if (!version && wanted === undefined) return undefined;
  let cache: HelpCache;
  try {
    cache = JSON.parse(readFileSync(file, 'utf8')) as HelpCache;
  } catch {
    return undefined;
  }
  if (version) return `${cache.version}\n`;
  if (out.isTTY && out.columns !== cache.width) return undefined;
  if (wanted === '') return cache.root;
  return wanted !== undefined && Object.hasOwn(cache.commands, wanted) ? cache.commands[wanted] : undefined;
}
