import { CreateFunctionCommand, GetFunctionCommand, KMSAccessDeniedException } from '@aws-sdk/client-lambda';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureFunction } from '../../src/resources/function.js';
import { propagationCause } from '../../src/resources/function-retry.js';
import { mockAws, testStackContext } from '../helpers/aws.js';
import {
  desired,
  FN_ARN,
  invalidParameter,
  KEY_ARN,
  KMS_GRANT,
  ROLE_NO_PERMISSIONS,
  ROLE_NOT_ASSUMABLE,
} from './function-fixtures.js';

/**
 * Only the errors that clear by themselves are retried (for up to 2 minutes): IAM propagation of a new
 * role or its policies, and KMS accepting a new key or grant. A key that is disabled or pending
 * deletion, or a caller without kms:CreateGrant, never clears: it must fail at once.
 */
const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

const kmsDenied = (message: string) =>
  new KMSAccessDeniedException({ message, $metadata: { httpStatusCode: 502 } });
const grantInvalid = (exception: string, kmsMessage: string) =>
  invalidParameter(
    'Lambda was unable to configure access to your environment variables because the KMS key is invalid ' +
      `for CreateGrant. Please check your KMS key settings. KMS Exception: ${exception} KMS Message: ${kmsMessage}`,
  );

const PENDING = grantInvalid('KMSInvalidStateException', `${KEY_ARN} is pending deletion.`);
const DISABLED = grantInvalid('DisabledException', `${KEY_ARN} is disabled.`);
const NO_CREATE_GRANT = grantInvalid(
  'AccessDeniedException',
  `User: arn:aws:iam::123456789012:user/alice is not authorized to perform: kms:CreateGrant on resource: ${KEY_ARN}`,
);
const KMS_DENIED_DISABLED = kmsDenied(
  `Lambda was unable to decrypt the environment variables because KMS access was denied. KMS Exception: KMSInvalidStateException KMS Message: ${KEY_ARN} is disabled.`,
);
const KMS_DENIED = kmsDenied(
  'Lambda was unable to decrypt the environment variables because KMS access was denied. Please check the function’s KMS key settings.',
);

describe('propagationCause', () => {
  it.each([
    ['the role cannot be assumed yet', 'iam', invalidParameter(ROLE_NOT_ASSUMABLE)],
    ['the role has no permissions yet', 'iam', invalidParameter(ROLE_NO_PERMISSIONS)],
    ['KMS does not know the new role yet', 'iam', invalidParameter(KMS_GRANT)],
    ['KMS access denied (new key or grant)', 'kms', KMS_DENIED],
  ] as const)('%s → retried as %s', (_, cause, error) => {
    expect(propagationCause(error)).toBe(cause);
  });

  it.each([
    ['a key pending deletion', PENDING],
    ['a disabled key', DISABLED],
    ['KMSAccessDenied naming a disabled key', KMS_DENIED_DISABLED],
    ['a caller without kms:CreateGrant', NO_CREATE_GRANT],
  ])('%s → not retried', (_, error) => {
    expect(propagationCause(error)).toBeUndefined();
  });
});

describe('ensureFunction and KMS errors', () => {
  it.each([
    ['pending deletion', PENDING],
    ['disabled', DISABLED],
    ['no kms:CreateGrant', NO_CREATE_GRANT],
    ['KMSAccessDenied, key disabled', KMS_DENIED_DISABLED],
  ])('fails at once on a permanent KMS error (%s): one CreateFunction, no wait', async (_, error) => {
    const { ctx, sleeps, notes } = testStackContext('mission');
    mocks.lambda.on(CreateFunctionCommand).rejects(error);
    await expect(ensureFunction(ctx, undefined, desired())).rejects.toBe(error);
    expect(mocks.lambda.commandCalls(CreateFunctionCommand)).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(notes).toEqual([]);
  });

  it('waits for KMS, saying so, while the new key or grant is not accepted yet', async () => {
    const { ctx, sleeps, notes } = testStackContext('mission');
    mocks.lambda.on(CreateFunctionCommand).rejectsOnce(KMS_DENIED).resolves({ FunctionArn: FN_ARN });
    mocks.lambda.on(GetFunctionCommand).resolves({ Configuration: { State: 'Active' } });
    expect((await ensureFunction(ctx, undefined, desired())).change).toBe('created');
    expect(notes).toEqual(['Waiting for KMS to accept the new key/grant (attempt 2)…']);
    expect(sleeps).toEqual([1000]);
  });

  it('gives up on KMS after about 2 minutes, naming KMS rather than IAM', async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda.on(CreateFunctionCommand).rejects(KMS_DENIED);
    await expect(ensureFunction(ctx, undefined, desired())).rejects.toThrow(
      /^KMS did not accept the key or its grant for Lambda within about 2 minutes/,
    );
  });
});
