import { mkdirSync, writeFileSync } from 'node:fs';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, REGION } from './constants.js';
import { createFakeAws } from './core.js';
import { type Installed, installFakeAws } from './install.js';

/** The plain installer (no vitest), and the bundle the benchmark can load. */
describe('installFakeAws', () => {
  it('makes every SDK client answer from the fake, records the calls, and restore() undoes it', async () => {
    const fake = createFakeAws({ account: ACCOUNT, region: REGION });
    const original = SNSClient.prototype.send;
    const installed: Installed = installFakeAws(fake);
    try {
      const out = await new SNSClient({ region: REGION }).send(new CreateTopicCommand({ Name: 't' }));
      expect(out.TopicArn).toBe(`arn:aws:sns:${REGION}:${ACCOUNT}:t`);
      expect(installed.calls).toEqual([['sns', 'CreateTopicCommand', { Name: 't' }]]);
      expect(fake.state.topics.size).toBe(1);
    } finally {
      installed.restore();
    }
    expect(SNSClient.prototype.send).toBe(original);
  });

  it('adds the latency asked for', async () => {
    const installed = installFakeAws(createFakeAws({ account: ACCOUNT, region: REGION }), {
      clients: { sts: STSClient },
      latencyMs: 30,
    });
    try {
      const started = performance.now();
      await new STSClient({ region: REGION }).send(new GetCallerIdentityCommand({}));
      expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    } finally {
      installed.restore();
    }
  });
});

describe('the bundle', () => {
  it('builds with esbuild (packages external), imports no test framework and answers', async () => {
    const out = await build({
      entryPoints: [new URL('./index.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      write: false,
      logLevel: 'silent',
    });
    const code = out.outputFiles[0]?.text ?? '';
    expect(code).not.toMatch(/from ["'](vitest|aws-sdk-client-mock)["']/);
    const dir = new URL('../../node_modules/.cache/fake-aws-bundle/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = new URL('index.mjs', dir);
    writeFileSync(file, code);
    const bundled = (await import(file.href)) as typeof import('./index.js');
    const fake = bundled.createFakeAws({ account: ACCOUNT, region: REGION });
    bundled.seedStack(fake);
    expect(await fake.answer('lambda', 'GetFunction', { FunctionName: 'mission-lambda' })).toMatchObject({
      Configuration: { FunctionArn: bundled.FUNCTION_ARN, State: 'Active' },
    });
  });
});
