import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../src/aws/clients.js';

/**
 * The client factory: a client is created on first use (a command that never calls a service never
 * creates its client), and all clients share one credential provider, so that a profile whose
 * credentials are expensive to get (SSO, assume-role, credential_process) is read once per run.
 */
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('createAwsClients', () => {
  it('creates each client on first use, once, and says which were created', () => {
    const clients = createAwsClients({ region: 'ap-northeast-2' });
    expect(clients.created()).toEqual([]);
    const sns = clients.get(SNSClient);
    expect(clients.get(SNSClient)).toBe(sns);
    clients.get(KMSClient);
    expect(clients.created()).toEqual(['SNS', 'KMS']);
  });

  it('gives every client the region, the retry settings and the endpoint', async () => {
    const clients = createAwsClients({ region: 'eu-west-1', endpointUrl: 'http://127.0.0.1:4566' });
    const config = clients.get(SNSClient).config;
    expect(await config.region()).toBe('eu-west-1');
    expect(await config.maxAttempts()).toBe(5);
    const endpoint = await config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
    expect(endpoint?.port).toBe(4566);
  });

  it("runs a profile's credential_process once for all clients", async () => {
    const home = mkdtempSync(join(tmpdir(), 'a2s-creds-'));
    const counter = join(home, 'runs');
    writeFileSync(counter, '');
    const script = join(home, 'creds.mjs');
    writeFileSync(
      script,
      `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(counter)}, 'x');
console.log(JSON.stringify({ Version: 1, AccessKeyId: 'AKIDPROCESS', SecretAccessKey: 'secret' }));`,
    );
    mkdirSync(join(home, '.aws'));
    writeFileSync(
      join(home, '.aws', 'config'),
      `[profile proc]\nregion = eu-west-1\ncredential_process = ${process.execPath} ${script}\n`,
    );
    process.env.HOME = home;
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    delete process.env.AWS_CONFIG_FILE;
    delete process.env.AWS_SHARED_CREDENTIALS_FILE;
    const clients = createAwsClients({ region: 'eu-west-1', profile: 'proc' });
    const all = [clients.get(STSClient), clients.get(SNSClient), clients.get(KMSClient)];
    const keys = await Promise.all(all.map(async (c) => (await c.config.credentials()).accessKeyId));
    expect(keys).toEqual(['AKIDPROCESS', 'AKIDPROCESS', 'AKIDPROCESS']);
    expect(readFileSync(counter, 'utf8')).toBe('x');
  });
});
