import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import {
  aws,
  initArgs,
  inventory,
  itKeepsWebhookSecrets,
  jsonOf,
  leftovers,
  newStack,
  runCli,
  show,
  useE2EHooks,
  webhookEnv,
} from '../harness/index.js';

/**
 * Journey 4: teardown removes the whole stack and schedules the key's deletion at the default 7-day
 * window; running it again is safe.
 */
const s = newStack('teardown');
useE2EHooks(() => [s]);

const DAY = 24 * 3600 * 1000;

interface TeardownJson {
  ok: boolean;
  removed: Array<{ resource: string; name: string }>;
  failed: unknown[];
  keyDeletionDate: string | null;
}

describe.sequential('teardown', () => {
  let keyId: string | undefined;

  it('init --yes exits 0', async () => {
    const run = await runCli(initArgs(s), { env: webhookEnv(s) });
    expect(run.code, show(run)).toBe(0);
    const inv = await inventory(s.stack);
    keyId = inv.key.named?.metadata?.KeyId;
    expect(keyId).toBeDefined();
    expect(leftovers(inv).length).toBeGreaterThan(0);
  });

  it('teardown --yes leaves nothing of the stack, and the key pending deletion in 7 days', async () => {
    const started = Date.now();
    const run = await runCli(['teardown', '--yes', '--json', '--name', s.stack]);
    expect(run.code, show(run)).toBe(0);
    const report = jsonOf<TeardownJson>(run);
    expect(report.ok).toBe(true);
    expect(report.failed).toEqual([]);

    expect(leftovers(await inventory(s.stack))).toEqual([]);
    const { KeyMetadata: key } = await aws().kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    expect(key?.KeyState).toBe('PendingDeletion');
    const deletion = key?.DeletionDate?.getTime() ?? 0;
    // AWS: deleted after the pending window (PendingWindowInDays, 7 by default) from the request.
    expect(deletion).toBeGreaterThanOrEqual(started + 7 * DAY - 60_000);
    expect(deletion).toBeLessThan(Date.now() + 8 * DAY);
    expect(report.keyDeletionDate && Date.parse(report.keyDeletionDate)).toBe(deletion);
  });

  it('a second teardown exits 0 with nothing to remove', async () => {
    const run = await runCli(['teardown', '--yes', '--json', '--name', s.stack]);
    expect(run.code, show(run)).toBe(0);
    expect(jsonOf<TeardownJson>(run).removed).toEqual([]);
    expect(leftovers(await inventory(s.stack))).toEqual([]);
  });
});

itKeepsWebhookSecrets(() => [s]);
