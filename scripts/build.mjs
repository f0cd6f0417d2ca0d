// `npm run build`: src/bin.ts and everything it imports, npm packages included, bundled by esbuild into
// dist/ (ES modules for Node 20, one chunk per dynamic import, so each command loads only its own code),
// plus THIRD-PARTY-NOTICES.md for the bundled packages. The published package has no dependencies.
// handler-template/ is not bundled: it ships as files, zipped at run time and imported by `preview`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { thirdPartyNotices } from './notices.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const OUTDIR = join(root, 'dist');
/** Where the last build's metafile is kept (not shipped): the pack test reads the list of outputs from it. */
const METAFILE = join(root, 'node_modules', '.cache', 'alarm-to-slack', 'metafile.json');
const NOTICES = join(root, 'THIRD-PARTY-NOTICES.md');

/**
 * CommonJS packages inside an ES module bundle call require() for Node's built-ins; ES modules have none,
 * so every output file gets one (esbuild's __require shim uses it when it is defined).
 */
const REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);";

/**
 * The AWS SDK's schema modules key most trait objects by a constant ({ [_xN]: _m4 }); esbuild cannot prove a
 * computed key free of side effects, so it keeps every such shape, and with them almost the whole service
 * model (client-ec2: 1 MB, of which DescribeInstances needs about 55 kB). Replacing each key by the string
 * its constant holds (declared in the same module) changes nothing at run time and lets tree-shaking work.
 */
const sdkSchemaKeys = {
  name: 'sdk-schema-keys',
  setup(build) {
    const schemas = /[\\/]@aws-sdk[\\/].+[\\/]dist-es[\\/](.+[\\/])?schemas[\\/]schemas_\d+\.js$/;
    build.onLoad({ filter: schemas }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const strings = new Map();
      for (const [, id, value] of source.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm))
        strings.set(id, value);
      const contents = source.replace(/\[(_\w+)\]: /g, (key, id) => {
        const value = strings.get(id);
        return value === undefined ? key : `${value}: `;
      });
      return { contents, loader: 'js' };
    });
  },
};

/** The esbuild options of the bundle. */
function bundleOptions() {
  return {
    absWorkingDir: root,
    entryPoints: { cli: 'src/bin.ts' },
    outdir: OUTDIR,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // The ES module builds (the AWS SDK's dist-es): tree-shakeable, unlike the CommonJS ones.
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_BANNER },
    plugins: [sdkSchemaKeys],
    // Unminified and without source maps: a --debug stack trace names readable dist/ code (each module is
    // headed by its source path). Minified with maps (shipped, enabled under --debug) packed larger, 1.04 MB
    // against 0.76 MB, and started --help no faster.
    minify: false,
    sourcemap: false,
    legalComments: 'none', // the licences are in THIRD-PARTY-NOTICES.md, in full
    metafile: true,
    logLevel: 'warning',
  };
}

/**
 * dist/help.json (src/help-cache.ts): the version, and every help text as the bundle's own commander prints
 * it when its output is not a terminal (80 columns), so that cli.js answers `--help` and `--version` without
 * loading commander. Rendered
 * by running the bundle before the file exists (without it, cli.js asks commander).
 */
function writeHelpCache(version) {
  const help = (args) =>
    execFileSync(process.execPath, [join(OUTDIR, 'cli.js'), ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
  const rootHelp = help(['--help']);
  const listed = rootHelp.split('\nCommands:\n')[1] ?? '';
  const names = [...listed.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]).filter((n) => n !== 'help');
  if (names.length === 0) throw new Error('The help lists no command: cannot write dist/help.json.');
  const commands = Object.fromEntries(names.map((n) => [n, help([n, '--help'])]));
  writeFileSync(
    join(OUTDIR, 'help.json'),
    `${JSON.stringify({ version, width: 80, root: rootHelp, commands })}\n`,
  );
}

async function build() {
  rmSync(OUTDIR, { recursive: true, force: true }); // no chunk of an earlier build survives
  const result = await esbuild.build(bundleOptions());
  mkdirSync(join(METAFILE, '..'), { recursive: true });
  writeFileSync(METAFILE, JSON.stringify(result.metafile));
  const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  writeHelpCache(version);
  const notices = thirdPartyNotices(root, result.metafile, { product: name });
  writeFileSync(NOTICES, notices.text);
  return { metafile: result.metafile, packages: notices.packages };
}

const started = performance.now();
const { metafile, packages } = await build();
const outputs = Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.js'));
const kB = outputs.reduce((sum, [, o]) => sum + o.bytes, 0) / 1024;
const ms = Math.round(performance.now() - started);
process.stdout.write(
  `dist/: ${outputs.length} files, ${kB.toFixed(0)} kB; ${relative(root, NOTICES)}: ${packages.length} packages (${ms} ms)\n`,
);
