import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { handlerDir } from './package-files.js';

/**
 * The deployment package: handler-template/ zipped deterministically (sorted entries, fixed timestamps
 * and modes, no directory entries), so the same code always has the same CodeSha256 on any machine.
 */

/** handler-template/ at the package root (see package-files.ts: found from src/ and from the bundle alike). */
export const HANDLER_DIR = handlerDir();

/** Stored in every entry: DOS time starts at 1980; archiver writes UTC, so no time zone leaks in. */
const FIXED_DATE = new Date('1980-01-01T00:00:00Z');
const FILE_MODE = 0o644;

/** Only what runs goes in: the ES modules of the handler, without tests or type declarations. */
export function isRuntimeFile(path: string): boolean {
  return /\.mjs$/.test(path) && !/\.(test|spec)\.mjs$/.test(path);
}

/**
 * The handler is flat: only top-level modules count (no subfolders, hence no node_modules). Not recursive, so
 * that nothing depends on Dirent.parentPath, which Node 20 has only since 20.12 (engines says >=20).
 */
async function listRuntimeFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && isRuntimeFile(e.name))
    .map((e) => e.name)
    .sort();
}

/** base64 SHA-256, the form of Lambda's CodeSha256. */
export function codeSha256(zip: Uint8Array): string {
  return createHash('sha256').update(zip).digest('base64');
}

export async function buildHandlerZip(
  dir: string = HANDLER_DIR,
): Promise<{ zip: Buffer; codeSha256: string }> {
  const files = await listRuntimeFiles(dir);
  if (!files.includes('index.mjs'))
    throw new Error(`${dir} has no index.mjs: the handler package is incomplete.`);
  // archiver is loaded only to build a package (codeSha256 is used without it).
  const [{ default: archiver }, contents] = await Promise.all([
    import('archiver'),
    Promise.all(files.map((f) => readFile(join(dir, f)))),
  ]);
  const archive = archiver('zip', { zlib: { level: 9 } });
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', () => resolve());
    archive.on('error', reject);
    archive.on('warning', reject);
  });
  files.forEach((name, i) => {
    archive.append(contents[i] ?? Buffer.alloc(0), { name, date: FIXED_DATE, mode: FILE_MODE });
  });
  await archive.finalize();
  await done;
  const zip = Buffer.concat(chunks);
  return { zip, codeSha256: codeSha256(zip) };
}
