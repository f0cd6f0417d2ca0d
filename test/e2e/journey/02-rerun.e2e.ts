import { describe, expect, it } from 'vitest';
import {
  changedKinds,
  type Inventory,
  initArgs,
  inventory,
  itKeepsWebhookSecrets,
  jsonOf,
  messageText,
  newStack,
  runCli,
  show,
  slackMark,
  slackSince,
  snapshot,
  useE2EHooks,
  webhookEnv,
} from '../harness/index.js';

/**
 * Journey 2: init is safe to re-run. The same flags again change nothing at all (no AWS write, so
 * nothing that a write changes, and nothing posted to Slack); a changed --threshold changes the alarm
 * and nothing else.
 */
const s = newStack('rerun');
useE2EHooks(() => [s]);

interface InitJson {
  ok: boolean;
  steps: Array<{ id: string; status: string }>;
}

describe.sequential('re-running init', () => {
  let first: Inventory;

  it('a first init --yes exits 0', async () => {
    const run = await runCli(initArgs(s), { env: webhookEnv(s) });
    expect(run.code, show(run)).toBe(0);
    first = await inventory(s.stack);
    expect(first.function.named?.Configuration.FunctionName).toBe(s.functionName);
  });

  let mark: number;

  it('the same flags again make no AWS write: every step unchanged, every resource reads back the same', async () => {
    mark = slackMark();
    const run = await runCli(initArgs(s, ['--json']), { env: webhookEnv(s), record: true });
    expect(run.code, show(run)).toBe(0);
    const after = await inventory(s.stack);

    // What a write would have changed, named one by one for a readable failure, then everything.
    const [was, now] = [first, after].map((inv) => ({
      fn: inv.function.named?.Configuration,
      alarm: inv.alarm.named?.AlarmConfigurationUpdatedTimestamp,
      role: inv.role.named,
      key: inv.key.named,
      topic: inv.topic.named?.attributes,
    }));
    expect(now?.fn?.LastModified).toBe(was?.fn?.LastModified);
    expect(now?.fn?.RevisionId).toBe(was?.fn?.RevisionId);
    expect(now?.fn?.CodeSha256).toBe(was?.fn?.CodeSha256);
    expect(now?.alarm).toEqual(was?.alarm);
    expect(now?.role).toEqual(was?.role);
    expect(now?.key).toEqual(was?.key);
    expect(now?.topic).toEqual(was?.topic);
    expect(snapshot(after)).toEqual(snapshot(first));

    // And exactly: no call that could change anything, not even a re-encryption of the same URL.
    expect(run.calls.length, 'the run went through the call recorder').toBeGreaterThan(0);
    expect(run.calls.filter((c) => c.write).map((c) => `${c.service}:${c.action}`)).toEqual([]);
    expect(run.calls.filter((c) => c.action === 'Encrypt')).toEqual([]);
    const steps = jsonOf<InitJson>(run).steps;
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.filter((step) => step.status !== 'unchanged')).toEqual([]);
  });

  it('the same flags again post nothing to Slack (the webhook URL did not change)', () => {
    expect(slackSince(mark, { path: s.webhook.path }).map(messageText)).toEqual([]);
  });

  it('a changed --threshold updates the alarm and nothing else', async () => {
    const before = await inventory(s.stack);
    const run = await runCli(initArgs(s, ['--threshold', '75', '--json']), {
      env: webhookEnv(s),
      record: true,
    });
    expect(run.code, show(run)).toBe(0);
    const after = await inventory(s.stack);
    expect(changedKinds(before, after)).toEqual(['alarm']);
    expect(before.alarm.named?.Threshold).toBe(50);
    expect(after.alarm.named?.Threshold).toBe(75);
    const [was, now] = [before, after].map(
      (i) => i.alarm.named?.AlarmConfigurationUpdatedTimestamp?.getTime() ?? 0,
    );
    expect(now).toBeGreaterThan(was ?? 0);
    expect(run.calls.filter((c) => c.write).map((c) => `${c.service}:${c.action}`)).toEqual([
      'monitoring:PutMetricAlarm',
    ]);
    const changed = jsonOf<InitJson>(run).steps.filter((step) => step.status !== 'unchanged');
    expect(changed.map((step) => [step.id, step.status])).toEqual([['alarm', 'updated']]);
  });
});

itKeepsWebhookSecrets(() => [s]);
