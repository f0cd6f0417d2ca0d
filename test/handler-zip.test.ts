import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildHandlerZip, HANDLER_DIR } from '../src/handler-zip.js';

// readdir wrapped, so that a test can hand out directory entries as Node 20 before 20.12 makes them.
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return { ...fs, readdir: vi.fn(fs.readdir) };
});

/** Reads a zip's central directory: each entry's name, DOS date/time, unix mode and inflated content. */
function readZip(zip: Buffer) {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(eocd).toBeGreaterThan(0);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: Array<{ name: string; time: number; date: number; mode: number; content: string }> = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataStart, dataStart + compressedSize);
    entries.push({
      name,
      time: zip.readUInt16LE(at + 12),
      date: zip.readUInt16LE(at + 14),
      mode: zip.readUInt32LE(at + 38) >>> 16,
      content: (method === 8 ? inflateRawSync(raw) : raw).toString('utf8'),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const RUNTIME_FILES = ['deliver.mjs', 'format.mjs', 'index.mjs', 'route.mjs', 'text.mjs'];

describe('buildHandlerZip', () => {
  it('zips exactly the runtime modules of handler-template/, sorted, with their contents', async () => {
    const { zip } = await buildHandlerZip();
    const entries = readZip(zip);
    expect(entries.map((e) => e.name)).toEqual(RUNTIME_FILES);
    const onDisk = (await readdir(HANDLER_DIR)).filter((f) => f.endsWith('.mjs')).sort();
    expect(onDisk).toEqual(RUNTIME_FILES);
    for (const e of entries) expect(e.content).toBe(await readFile(join(HANDLER_DIR, e.name), 'utf8'));
  });

  it('uses a fixed date (1980-01-01 00:00) and mode 0644 for every entry', async () => {
    const entries = readZip((await buildHandlerZip()).zip);
    for (const e of entries) {
      expect(e.date).toBe((0 << 9) | (1 << 5) | 1);
      expect(e.time).toBe(0);
      expect(e.mode).toBe(0o100644);
    }
  });

  it('gives identical bytes and the base64 SHA-256 Lambda reports as CodeSha256', async () => {
    const a = await buildHandlerZip();
    const b = await buildHandlerZip();
    expect(b.zip.equals(a.zip)).toBe(true);
    expect(b.codeSha256).toBe(a.codeSha256);
    expect(a.codeSha256).toBe(createHash('sha256').update(a.zip).digest('base64'));
    expect(a.codeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('fits in 16 KB', async () => {
    const { zip } = await buildHandlerZip();
    expect(zip.length).toBeLessThanOrEqual(16_384);
  });

  it('imports nothing but its own modules, node: built-ins and the runtime-provided KMS and SQS clients', async () => {
    for (const file of RUNTIME_FILES) {
      const source = await readFile(join(HANDLER_DIR, file), 'utf8');
      const specifiers = [
        ...source.matchAll(
          /(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
        ),
      ].map((m) => m[1] ?? m[2]);
      for (const s of specifiers) {
        const ok =
          s === '@aws-sdk/client-kms' ||
          s === '@aws-sdk/client-sqs' ||
          s?.startsWith('node:') ||
          RUNTIME_FILES.includes(String(s?.replace(/^\.\//, '')));
        expect(ok, `${file} imports ${s}`).toBe(true);
      }
    }
  });
});

describe('buildHandlerZip on another folder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'handler-zip-'));
    await mkdir(join(dir, 'lib'));
    await mkdir(join(dir, 'node_modules', 'x'), { recursive: true });
    await writeFile(join(dir, 'index.mjs'), 'export const handler = async () => ({});\n');
    await writeFile(join(dir, 'lib', 'util.mjs'), 'export const one = 1;\n');
    await writeFile(join(dir, 'b.mjs'), 'export {};\n');
    for (const extra of ['README.md', 'package.json', 'index.test.mjs', 'format.d.mts', 'tsconfig.json'])
      await writeFile(join(dir, extra), 'not runtime\n');
    await writeFile(join(dir, 'node_modules', 'x', 'index.mjs'), 'export {};\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes only the top-level runtime modules (the handler is flat), in sorted order', async () => {
    const names = readZip((await buildHandlerZip(dir)).zip).map((e) => e.name);
    expect(names).toEqual(['b.mjs', 'index.mjs']);
  });

  it('does not need Dirent.parentPath, which Node 20 before 20.12 does not have', async () => {
    const real = (await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises')).readdir;
    vi.mocked(readdir).mockImplementation((async (path: string, options?: object) => {
      const entries = (await real(path, { ...options, withFileTypes: true })) as Dirent[];
      for (const e of entries)
        Object.defineProperties(e, { parentPath: { value: undefined }, path: { value: undefined } });
      return (options as { withFileTypes?: boolean } | undefined)?.withFileTypes
        ? entries
        : entries.map((e) => e.name);
    }) as unknown as typeof readdir);
    try {
      const names = readZip((await buildHandlerZip(dir)).zip).map((e) => e.name);
      expect(names).toEqual(['b.mjs', 'index.mjs']);
      expect(vi.mocked(readdir)).toHaveBeenCalled();
    } finally {
      vi.mocked(readdir).mockImplementation(real as unknown as typeof readdir);
    }
  });

  it('does not depend on file times, but does on contents', async () => {
    const before = await buildHandlerZip(dir);
    await utimes(join(dir, 'b.mjs'), new Date('2030-05-05T05:05:05Z'), new Date('2030-05-05T05:05:05Z'));
    expect((await buildHandlerZip(dir)).codeSha256).toBe(before.codeSha256);
    await writeFile(join(dir, 'b.mjs'), 'export const changed = true;\n');
    expect((await buildHandlerZip(dir)).codeSha256).not.toBe(before.codeSha256);
  });

  it('refuses a folder without index.mjs', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'handler-zip-empty-'));
    try {
      await expect(buildHandlerZip(empty)).rejects.toThrow('has no index.mjs');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
