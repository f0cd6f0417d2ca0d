import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The package's own files at run time: package.json (the version) and handler-template/ (zipped by init,
 * imported by preview), both at the package root. The root is the nearest directory above this module that
 * holds a package.json, so it is found the same way from src/package-files.ts (the tests run the TypeScript
 * sources) and from the bundle, where this module is inlined into whichever chunk of dist/ or dist/chunks/
 * uses it: no path here depends on the layout of the build. Keep this module a leaf (no imports of src/).
 */
let root: string | undefined;

function packageRoot(): string {
  if (root) return root;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      root = dir;
      return dir;
    }
    if (dirname(dir) === dir) throw new Error(`No package.json in ${start} or above it.`);
  }
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** handler-template/ (with a trailing separator), shipped unbundled at the package root. */
export function handlerDir(): string {
  return join(packageRoot(), 'handler-template', '/');
}

/** The file: URL of one of the handler's modules, for a dynamic import(). */
export function handlerModuleUrl(file: string): string {
  return pathToFileURL(join(handlerDir(), file)).href;
}
