import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { expect, it } from 'vitest';
import { aws, unlessMissing } from './aws.js';
import { allRuns, type CliRun } from './cli.js';
import { e2e } from './config.js';
import type { TestStack } from './stack.js';

/**
 * Where a secret (the webhook URL's secret part) shows up: the output of CLI runs, any file in their
 * temporary HOME and working folder, the emulator's own files (its logs, invocation records, faults
 * file) other than the Slack stand-in's request log, which must record the path it was called on, and
 * the function's log events. Returns one line per place; [] means it leaked nowhere.
 */
function filesUnder(dir: string, skip: (path: string) => boolean): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    if (skip(path)) return [];
    const stat = lstatSync(path); // never follows a link (the emulator's rt/node_modules is one)
    if (stat.isDirectory()) return filesUnder(path, skip);
    return stat.isFile() ? [path] : [];
  });
}

function filesHolding(secret: string, files: string[]): string[] {
  const needle = Buffer.from(secret, 'utf8');
  return files.filter((file) => {
    try {
      return readFileSync(file).includes(needle);
    } catch {
      return false; // removed meanwhile
    }
  });
}

async function logEventsHolding(secret: string, logGroupName: string): Promise<string[]> {
  const out = await unlessMissing(
    aws().logs.send(new FilterLogEventsCommand({ logGroupName, limit: 10_000 })),
  );
  return (out?.events ?? [])
    .filter((e) => e.message?.includes(secret))
    .map((e) => `log event of ${logGroupName}: ${e.message}`);
}

export async function placesHolding(
  secret: string,
  opts: { runs: readonly CliRun[]; logGroups?: string[] },
): Promise<string[]> {
  const places: string[] = [];
  for (const run of opts.runs) {
    const what = `alarm-to-slack ${run.args.join(' ')}`;
    if (run.stdout.includes(secret)) places.push(`stdout of ${what}`);
    if (run.stderr.includes(secret)) places.push(`stderr of ${what}`);
    const files = [...filesUnder(run.home, () => false), ...filesUnder(run.cwd, () => false)];
    for (const file of filesHolding(secret, files)) places.push(`${file} (written by ${what})`);
  }
  const { emulator, slack } = e2e();
  if (emulator) {
    const files = filesUnder(emulator.runDir, (path) => path === slack.log);
    for (const file of filesHolding(secret, files)) places.push(`emulator file ${file}`);
  }
  for (const group of opts.logGroups ?? []) places.push(...(await logEventsHolding(secret, group)));
  return places;
}

/**
 * The last test of a file: no webhook secret of its stacks in any output of the file's runs, any file
 * they wrote, the emulator's logs or the functions' logs.
 */
export function itKeepsWebhookSecrets(stacks: () => TestStack[]): void {
  it("shows and stores the webhook URL's secret part nowhere", async () => {
    for (const s of stacks()) {
      const places = await placesHolding(s.webhook.secret, { runs: allRuns(), logGroups: [s.logGroup] });
      expect(places, `the webhook secret of ${s.stack}`).toEqual([]);
    }
  });
}
