import { DecryptCommand, EncryptCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ciphertextMatches, encryptWebhook } from '../../src/resources/key-cipher.js';
import { mockAws, testStackContext } from '../helpers/aws.js';
import { awsError } from './fakes.js';
import { keyArn, NEW_ID, WEBHOOK } from './key-fixtures.js';

const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

describe('encryptWebhook', () => {
  it('encrypts the URL bytes under the function-name encryption context and returns base64', async () => {
    mocks.kms.on(EncryptCommand).resolves({ CiphertextBlob: new Uint8Array([1, 2, 3, 250]) });
    const { ctx } = testStackContext();
    expect(await encryptWebhook(ctx, keyArn(NEW_ID), WEBHOOK)).toBe('AQID+g==');
    const input = mocks.kms.commandCalls(EncryptCommand)[0]?.args[0].input;
    expect(input?.KeyId).toBe(keyArn(NEW_ID));
    expect(input?.EncryptionContext).toEqual({ LambdaFunctionName: 'mission-lambda' });
    expect(Buffer.from(input?.Plaintext ?? new Uint8Array()).toString('utf8')).toBe(WEBHOOK);
    expect(Object.keys(input ?? {}).sort()).toEqual(['EncryptionContext', 'KeyId', 'Plaintext']);
  });

  it('retries NotFound while a new key propagates, then gives up with KMS own error', async () => {
    mocks.kms
      .on(EncryptCommand)
      .rejectsOnce(awsError('NotFoundException'))
      .rejectsOnce(awsError('NotFoundException'))
      .resolves({ CiphertextBlob: new Uint8Array([7]) });
    const { ctx, sleeps } = testStackContext();
    expect(await encryptWebhook(ctx, keyArn(NEW_ID), WEBHOOK)).toBe('Bw==');
    expect(sleeps).toEqual([250, 500]);

    mocks.reset();
    mocks.kms.on(EncryptCommand).rejects(awsError('NotFoundException', 400, 'Key does not exist'));
    const second = testStackContext();
    await expect(encryptWebhook(second.ctx, keyArn(NEW_ID), WEBHOOK)).rejects.toThrow('Key does not exist');
    expect(second.sleeps).toEqual([250, 500, 1000, 2000, 4000]);
    expect(mocks.kms.commandCalls(EncryptCommand)).toHaveLength(6);
  });

  it('does not retry other refusals', async () => {
    mocks.kms.on(EncryptCommand).rejects(awsError('DisabledException'));
    const { ctx, sleeps } = testStackContext();
    await expect(encryptWebhook(ctx, keyArn(NEW_ID), WEBHOOK)).rejects.toThrow(/DisabledException/);
    expect(sleeps).toEqual([]);
  });
});

describe('ciphertextMatches', () => {
  const CIPHERTEXT = Buffer.from('ciphertext-bytes').toString('base64');

  it('is true when the ciphertext decrypts (same context) to the URL', async () => {
    mocks.kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from(WEBHOOK) });
    const { ctx } = testStackContext();
    expect(await ciphertextMatches(ctx, CIPHERTEXT, WEBHOOK)).toBe(true);
    const input = mocks.kms.commandCalls(DecryptCommand)[0]?.args[0].input;
    expect(input?.EncryptionContext).toEqual({ LambdaFunctionName: 'mission-lambda' });
    expect(Buffer.from(input?.CiphertextBlob ?? new Uint8Array()).toString()).toBe('ciphertext-bytes');
    expect(input?.KeyId).toBeUndefined();
  });

  it('is false for another URL', async () => {
    mocks.kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from(`${WEBHOOK}Y`) });
    const { ctx } = testStackContext();
    expect(await ciphertextMatches(ctx, CIPHERTEXT, WEBHOOK)).toBe(false);
  });

  it.each([
    'InvalidCiphertextException',
    'AccessDeniedException',
    'DisabledException',
    'KMSInvalidStateException',
    'IncorrectKeyException',
  ])('is false when KMS answers %s', async (name) => {
    mocks.kms.on(DecryptCommand).rejects(awsError(name));
    const { ctx } = testStackContext();
    expect(await ciphertextMatches(ctx, CIPHERTEXT, WEBHOOK)).toBe(false);
  });

  it('pins Decrypt to the given key', async () => {
    mocks.kms.on(DecryptCommand).rejects(awsError('IncorrectKeyException'));
    const { ctx } = testStackContext();
    expect(await ciphertextMatches(ctx, CIPHERTEXT, WEBHOOK, keyArn(NEW_ID))).toBe(false);
    expect(mocks.kms.commandCalls(DecryptCommand)[0]?.args[0].input.KeyId).toBe(keyArn(NEW_ID));
  });

  it('rethrows what is not a KMS answer about the ciphertext', async () => {
    mocks.kms.on(DecryptCommand).rejects(new TypeError('boom'));
    const { ctx } = testStackContext();
    await expect(ciphertextMatches(ctx, CIPHERTEXT, WEBHOOK)).rejects.toThrow('boom');
  });
});
