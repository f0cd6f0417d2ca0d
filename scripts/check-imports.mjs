// `npm run lint:imports`: fails on any import cycle among src/'s modules, and on any import that points up
// the layers (cli → commands → actions → steps/resources → aws/io → leaf modules). Static, type-only and
// dynamic imports all count. Usage: node scripts/check-imports.mjs [src]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? 'src');

/** A module's layer: lower numbers may import higher ones (and their own), never the other way. */
function layerOf(file) {
  const path = relative(root, file).split('\\').join('/');
  if (path === 'bin.ts' || path === 'cli.ts' || path === 'program.ts') return { rank: 0, name: 'cli' };
  const top = path.includes('/') ? path.split('/')[0] : '';
  const ranks = { commands: 1, actions: 2, steps: 3, resources: 3, aws: 4, io: 4 };
  if (top in ranks) return { rank: ranks[top], name: top };
  return { rank: 5, name: 'leaf' };
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

// `import … from`, `export … from`, a side-effect `import './x.js'`, and `import('./x.js')`.
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"](\.[^'"]+)['"]|(?:^|[\s;])import\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function importsOf(file, files) {
  const deps = new Set();
  for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
    if (files.has(target)) deps.add(target);
  }
  return deps;
}

/** Tarjan's strongly connected components: every group of modules that import each other in a ring. */
function cycles(graph) {
  let index = 0;
  const stack = [];
  const on = new Set();
  const idx = new Map();
  const low = new Map();
  const found = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v)) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const group = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || graph.get(v).has(v)) found.push(group);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

const files = new Set(walk(root));
const graph = new Map([...files].map((f) => [f, importsOf(f, files)]));
const problems = [];
for (const group of cycles(graph)) {
  problems.push(`import cycle: ${group.map((f) => relative(root, f)).join(' <-> ')}`);
}
for (const [file, deps] of graph) {
  const from = layerOf(file);
  for (const dep of deps) {
    const to = layerOf(dep);
    if (to.rank < from.rank) {
      problems.push(
        `upward import: ${relative(root, file)} (${from.name}) imports ${relative(root, dep)} (${to.name})`,
      );
    }
  }
}
for (const line of problems) console.error(line);
if (problems.length > 0) {
  console.error(
    `\n${problems.length} import problem(s) in ${relative(process.cwd(), root) || '.'}/ (layers: cli → commands → actions → steps/resources → aws/io → leaf modules)`,
  );
  process.exit(1);
}
console.log(`imports: ${files.size} modules, no cycle, every import points down the layers`);
