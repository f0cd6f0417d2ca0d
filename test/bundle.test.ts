import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The shape of the bundle test/global-build.ts built, read from its metafile: what each command loads, and
 * whether tree-shaking left out the parts of the SDK the CLI never sends.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
/** Where scripts/build.mjs keeps the metafile of the last build. */
const METAFILE = join(root, 'node_modules', '.cache', 'alarm-to-slack', 'metafile.json');

interface Output {
  bytes: number;
  entryPoint?: string;
  imports: { path: string; kind: string; external?: boolean }[];
  inputs: Record<string, { bytesInOutput: number }>;
}
let outputs: Record<string, Output>;

beforeAll(async () => {
  outputs = (JSON.parse(await readFile(METAFILE, 'utf8')) as { outputs: Record<string, Output> }).outputs;
});

/** The output files loaded with `file`, through static imports only (what runs before any import()). */
function staticClosure(file: string): string[] {
  const seen = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const i of outputs[f]?.imports ?? [])
      if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(file);
  return [...seen];
}

const inputsOf = (files: string[]) => files.flatMap((f) => Object.keys(outputs[f]?.inputs ?? {}));
const packageOf = (input: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];

describe('the bundle', () => {
  /** The chunk of src/cli.ts (commander, the program, the context): what the entry imports for a command. */
  const cliChunk = () => Object.entries(outputs).find(([, o]) => o.entryPoint === 'src/cli.ts')?.[0] ?? '';
  const heavy = (packages: Set<string | undefined>) =>
    [...packages].filter((p) => /^(@aws-sdk|@smithy|@inquirer|ora$|archiver)/.test(p ?? ''));

  it('loads no npm package before it knows the run needs more than --help or --version', () => {
    const packages = new Set(inputsOf(staticClosure('dist/cli.js')).map(packageOf).filter(Boolean));
    expect([...packages]).toEqual([]);
    const dynamic = outputs['dist/cli.js']?.imports
      .filter((i) => i.kind === 'dynamic-import')
      .map((i) => i.path);
    expect(dynamic).toEqual([cliChunk()]);
  });

  it('loads commander, and neither the SDK nor the prompts, to parse a command line', () => {
    expect(cliChunk()).toMatch(/^dist\/chunks\//);
    const packages = new Set(inputsOf(staticClosure(cliChunk())).map(packageOf).filter(Boolean));
    expect(packages.has('commander')).toBe(true);
    expect(heavy(packages)).toEqual([]);
  });

  it.each(['init', 'test', 'connect', 'disconnect', 'teardown', 'status', 'replay', 'preview'])(
    'puts %s in a chunk of its own, imported by the commander layer when it runs',
    (command) => {
      const chunk = Object.entries(outputs).find(([, o]) => o.entryPoint === `src/commands/${command}.ts`);
      expect(chunk?.[0]).toMatch(/^dist\/chunks\//);
      const dynamic = outputs[cliChunk()]?.imports
        .filter((i) => i.kind === 'dynamic-import')
        .map((i) => i.path);
      expect(dynamic).toContain(chunk?.[0]);
    },
  );

  it('drops the EC2 model the CLI does not use (it sends only DescribeInstances)', async () => {
    let ec2Bytes = 0;
    for (const o of Object.values(outputs))
      for (const [input, { bytesInOutput }] of Object.entries(o.inputs))
        if (input.includes('node_modules/@aws-sdk/client-ec2/')) ec2Bytes += bytesInOutput;
    // The whole service model is over 1 MB; DescribeInstances and the client need about 80 kB.
    expect(ec2Bytes).toBeGreaterThan(10_000);
    expect(ec2Bytes).toBeLessThan(200_000);
    const code = (await Promise.all(Object.keys(outputs).map((f) => readFile(join(root, f), 'utf8')))).join(
      '\n',
    );
    expect(code).toContain('DescribeInstancesRequest$ =');
    expect(code).not.toContain('RunInstancesRequest$ =');
  });
});
