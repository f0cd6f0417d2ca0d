import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, REGION } from './constants.js';
import { createFakeAws } from './core.js';

/**
 * The fake answers every command the product sends: each `XCommand` (and `paginateX`) that src/
 * imports from an SDK client package has a handler, which answers an empty input or refuses it with an
 * AWS-shaped error (never "fake AWS has no …", never a TypeError). Kept in step with src/ by reading it.
 */
const CLIENT_KEYS: Record<string, string> = { 'cloudwatch-logs': 'logs' };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function commandsOfSrc(): Array<[string, string]> {
  const found = new Set<string>();
  const src = new URL('../../src', import.meta.url).pathname;
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z-]+)'/g,
    )) {
      const client = CLIENT_KEYS[m[2] ?? ''] ?? m[2] ?? '';
      for (const raw of (m[1] ?? '').split(',')) {
        const name =
          raw
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)[0] ?? '';
        if (/^[A-Z]\w+Command$/.test(name)) found.add(`${client}.${name.replace(/Command$/, '')}`);
        if (/^paginate[A-Z]\w+$/.test(name)) found.add(`${client}.${name.replace(/^paginate/, '')}`);
        if (/^waitUntilFunction/.test(name)) found.add(`${client}.GetFunction`);
      }
    }
  }
  return [...found].sort().map((k) => k.split('.') as [string, string]);
}

describe('coverage of the product', () => {
  const commands = commandsOfSrc();

  it('finds the commands src/ sends', () => {
    expect(commands.length).toBeGreaterThan(40);
    expect(commands).toContainEqual(['lambda', 'CreateFunction']);
    expect(commands).toContainEqual(['logs', 'FilterLogEvents']);
  });

  it.each(commands)(
    '%s.%s is answered, or refused as AWS refuses (never a crash)',
    async (client, command) => {
      const fake = createFakeAws({ account: ACCOUNT, region: REGION });
      const outcome = await fake.answer(client, command, {}).then(
        () => 'answered',
        (error: Error & { $metadata?: { httpStatusCode?: number } }) =>
          error.$metadata?.httpStatusCode ? 'AWS error' : `crash: ${error.message}`,
      );
      expect(['answered', 'AWS error']).toContain(outcome);
    },
  );
});
