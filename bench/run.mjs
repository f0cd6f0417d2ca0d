// `npm run bench`: builds (see package.json), then runs every benchmark and prints one table.
// Each bench/<area>.mjs exports `bench()` returning rows {name, value, unit, target?}.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // as the CLI does

import { existsSync } from 'node:fs';

const areas = ['install', 'cli-startup', 'first-request', 'handler', 'init', 'teardown', 'storm'];
const rows = [];
let missed = 0;
for (const area of areas) {
  const file = new URL(`./${area}.mjs`, import.meta.url);
  if (!existsSync(file)) continue;
  const { bench } = await import(file.href);
  for (const row of await bench()) {
    const within = row.target === undefined ? '' : row.value <= row.target ? 'ok' : 'OVER';
    if (within === 'OVER') missed++;
    rows.push({ area, ...row, within });
  }
}

const fmt = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 3 : 1));
const width = Math.max(...rows.map((r) => `${r.area}: ${r.name}`.length));
for (const r of rows) {
  const target = r.target === undefined ? '' : `  (target ≤ ${fmt(r.target)} ${r.unit}: ${r.within})`;
  console.log(`${`${r.area}: ${r.name}`.padEnd(width)}  ${fmt(r.value).padStart(9)} ${r.unit}${target}`);
}
if (missed) console.log(`\n${missed} figure(s) over target`);
