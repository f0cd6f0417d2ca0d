// THIRD-PARTY-NOTICES.md from esbuild's metafile: every package whose code ended up in the bundle (an
// input with bytes in some output), its version, licence id and licence text, read from the package itself.
// Used by scripts/build.mjs. A package that ships no licence file gets, in this order, the "License" section
// of its README when that holds the licence's text, or the licence file of a bundled package from the same
// repository with the same licence id (some @aws-sdk packages ship none); failing both, the build fails.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** LICENSE, LICENCE.md, license.txt, COPYING, LICENSE-MIT…; NOTICE files too (Apache-2.0 asks that they travel). */
const LICENCE_FILE = /^(licen[cs]e|copying)([.-].*)?$/i;
const NOTICE_FILE = /^notice([.-].*)?$/i;

/** The package directory of a metafile input: the part up to the last node_modules/<name> (scoped or not). */
function packageDirOf(input) {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replaceAll('\\', '/'));
  return match?.[1];
}

/** Package directories with code in the bundle; inputs esbuild tree-shook away entirely do not count. */
function bundledPackageDirs(metafile) {
  const dirs = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const dir = bytesInOutput > 0 ? packageDirOf(input) : undefined;
      if (dir) dirs.add(dir);
    }
  }
  return [...dirs];
}

function licenceId(pkg) {
  if (typeof pkg.license === 'string') return pkg.license;
  if (pkg.license?.type) return pkg.license.type;
  if (Array.isArray(pkg.licenses)) return pkg.licenses.map((l) => l.type ?? l).join(' OR ');
  return undefined;
}

/** The README's "License"/"Licence" section, when it holds a licence's text rather than a mere name or link. */
function readmeLicence(files, read) {
  const readme = files.find((f) => /^readme(\.md|\.markdown)?$/i.test(f));
  if (!readme) return [];
  const match = /^#+\s*licen[cs]e\b.*\n([\s\S]*?)(?=^#+\s|(?![\s\S]))/im.exec(read(readme));
  const text = match?.[1]?.trim() ?? '';
  const isText = /permission is hereby granted|redistribution and use|licensed under the apache/i.test(text);
  return isText ? [{ file: `${readme} (licence section)`, text }] : [];
}

/** "https://github.com/aws/aws-sdk-js-v3.git", "git+https://…", "github:aws/…" → "github.com/aws/aws-sdk-js-v3". */
function repositoryKey(pkg) {
  const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  if (!url) return undefined;
  return url
    .replace(/^github:/, 'github.com/')
    .replace(/^(git\+)?[a-z]+:\/\/(git@)?/, '')
    .replace(/^git@([^:]+):/, '$1/')
    .replace(/\.git$/, '')
    .toLowerCase();
}

/** One package's entry: name, version, licence id, the text of each licence (and NOTICE) file. */
function readPackage(root, dir) {
  const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  const files = readdirSync(join(root, dir)).sort();
  const text = (f) => readFileSync(join(root, dir, f), 'utf8');
  const read = (pattern) => files.filter((f) => pattern.test(f)).map((f) => ({ file: f, text: text(f) }));
  const licences = read(LICENCE_FILE);
  return {
    name: pkg.name,
    version: pkg.version,
    license: licenceId(pkg),
    repository: repositoryKey(pkg),
    licences: licences.length ? licences : readmeLicence(files, text),
    notices: read(NOTICE_FILE),
  };
}

/** The notices document; throws listing every bundled package that lacks a licence id or text. */
export function thirdPartyNotices(root, metafile, { product }) {
  const byKey = new Map();
  for (const dir of bundledPackageDirs(metafile)) {
    const entry = readPackage(root, dir);
    byKey.set(`${entry.name}@${entry.version}`, entry);
  }
  const entries = [...byKey.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version),
  );
  for (const entry of entries.filter((e) => e.licences.length === 0 && e.repository && e.license)) {
    const sibling = entries.find(
      (e) =>
        e !== entry &&
        e.repository === entry.repository &&
        e.license === entry.license &&
        e.licences.some((l) => !l.from),
    );
    const own = sibling?.licences.filter((l) => !l.from) ?? [];
    entry.licences = own.map((l) => ({
      file: `${l.file} of ${sibling?.name} ${sibling?.version}`,
      text: l.text,
      from: sibling?.name,
    }));
    if (sibling && entry.licences.length)
      entry.note = `${entry.name} ships no licence file: listed with the ${entry.license} text of ${sibling.name}, from the same repository.`;
  }
  const missing = entries.filter((e) => e.licences.length === 0 || !e.license);
  if (missing.length) {
    const list = missing.map((e) => `${e.name}@${e.version}${e.license ? '' : ' (no licence id)'}`);
    throw new Error(`No licence text found for bundled package(s): ${list.join(', ')}`);
  }
  // Identical texts (most of the AWS SDK's Apache-2.0 files) are printed once, with the packages that ship them.
  const texts = new Map();
  for (const e of entries) {
    e.texts = [...e.licences, ...e.notices].map((f) => {
      const text = f.text.replace(/\r\n?/g, '\n').trimEnd();
      if (!texts.has(text)) texts.set(text, { n: texts.size + 1, text, users: [] });
      const shared = texts.get(text);
      shared.users.push(`${e.name} ${e.version} (${f.file})`);
      return shared.n;
    });
  }
  const fence = (text) => {
    const ticks = '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
    return `${ticks}text\n${text}\n${ticks}`;
  };
  const lines = [
    '# Third-party notices',
    '',
    `${product} is published as one bundle that contains code of the ${entries.length} packages below.`,
    'This file is generated by `npm run build` (scripts/build.mjs) from what the bundle actually contains;',
    "each package's licence (and NOTICE) text is copied from the package as installed, and printed once",
    'under "Texts" when several packages ship the same one.',
    '',
    '## Packages',
    '',
    '| Package | Version | Licence | Texts |',
    '| --- | --- | --- | --- |',
    ...entries.map(
      (e) =>
        `| ${e.name} | ${e.version} | ${e.license} | ${e.texts.map((n) => `[${n}](#text-${n})`).join(', ')} |`,
    ),
    '',
    ...entries.filter((e) => e.note).map((e) => `- ${e.note}`),
    '',
    '## Texts',
    '',
    ...[...texts.values()].flatMap((t) => [
      `### Text ${t.n}`,
      '',
      `From: ${t.users.join('; ')}`,
      '',
      fence(t.text),
      '',
    ]),
  ];
  return { text: lines.join('\n'), packages: entries };
}
