import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { expect, it } from 'vitest';
import {
  aws,
  faultsLeft,
  initArgs,
  inventory,
  itKeepsWebhookSecrets,
  leftovers,
  newStack,
  requires,
  runCli,
  setFaults,
  show,
  useE2EHooks,
  webhookEnv,
} from '../harness/index.js';

/**
 * Journey 3: a first init whose alarm step fails (an injected CloudWatch error) stops with AWS's own
 * message and exit 1, and rolls back everything it made: nothing of the stack is left, except a key
 * whose deletion is scheduled and which no alias names any more (it cannot be deleted at once).
 */
const s = newStack('rollback');
useE2EHooks(() => [s]);

const DAY = 24 * 3600 * 1000;
const LIMIT = 'The maximum number of alarms for this account in this Region has been reached.';

it('a failure of the alarm step: exit 1, AWS message shown, nothing of the stack left', async (ctx) => {
  requires(ctx, 'faults');
  setFaults({ 'cloudwatch.put_metric_alarm': [{ code: 'LimitExceeded', message: LIMIT, times: 1 }] });
  const started = Date.now();
  const run = await runCli(initArgs(s), { env: webhookEnv(s) });
  expect(run.code, show(run)).toBe(1);
  expect(faultsLeft('cloudwatch.put_metric_alarm'), 'the injected failure was met').toBe(0);
  expect(run.stderr).toContain(LIMIT);
  expect(run.stderr).toContain(s.alarm);

  const inv = await inventory(s.stack);
  expect(leftovers(inv)).toEqual([]);
  // Whatever key this run made is on its way out, at the 7-day minimum.
  for (const { id } of inv.key.tagged) {
    const { KeyMetadata: key } = await aws().kms.send(new DescribeKeyCommand({ KeyId: id }));
    expect(key?.KeyState).toBe('PendingDeletion');
    expect(key?.DeletionDate?.getTime()).toBeGreaterThanOrEqual(started + 7 * DAY - 60_000);
    expect(key?.DeletionDate?.getTime()).toBeLessThan(Date.now() + 8 * DAY);
  }
});

itKeepsWebhookSecrets(() => [s]);
