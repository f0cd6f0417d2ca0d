import { describe, expect, it } from 'vitest';
import {
  initArgs,
  itKeepsWebhookSecrets,
  newStack,
  runCli,
  show,
  slackControl,
  slackMark,
  slackSince,
  useE2EHooks,
  webhookEnv,
} from '../harness/index.js';

/**
 * Journey 5: what Slack answers reaches the user. A Slack that fails twice with 500 gets the test
 * alarm on the third try, once; a revoked webhook (Slack's 404 no_service) fails `test` with the hint
 * to make a new one.
 */
const flaky = newStack('slack');
const revoked = newStack('revoked', { outsideServices: true });
useE2EHooks(() => [flaky, revoked]);

describe.sequential('Slack errors', () => {
  it('the stand-in answering 500 twice: test delivers, exactly once', async () => {
    const init = await runCli(initArgs(flaky), { env: webhookEnv(flaky) });
    expect(init.code, show(init)).toBe(0);
    await slackControl({ fail: 2 });
    const mark = slackMark();
    const run = await runCli(['test', '--name', flaky.stack]);
    expect(run.code, show(run)).toBe(0);
    expect(slackSince(mark, { path: flaky.webhook.path }).map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it('a webhook answering 404 no_service: test exits 1 with the hint about a revoked webhook', async () => {
    const init = await runCli(initArgs(revoked, ['--no-verify-webhook']), { env: webhookEnv(revoked) });
    expect(init.code, show(init)).toBe(0);
    const mark = slackMark();
    const run = await runCli(['test', '--name', revoked.stack]);
    expect(run.code, show(run)).toBe(1);
    expect(run.stderr).toContain('no_service');
    expect(run.stderr).toMatch(/revoked/i);
    expect(run.stderr).toContain('--webhook-url');
    // A 404 is a refusal, not a failure to retry.
    expect(slackSince(mark, { path: revoked.webhook.path }).map((r) => r.status)).toEqual([404]);
  });
});

itKeepsWebhookSecrets(() => [flaky, revoked]);
