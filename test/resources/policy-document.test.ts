import { describe, expect, it } from 'vitest';
import { parsePolicy, samePolicy } from '../../src/resources/policy-document.js';
import { decryptPolicy, trustPolicy } from '../../src/resources/role-policies.js';
import { testStackContext } from '../helpers/aws.js';
import { EXPECTED_TRUST, expectedDecrypt, KEY_ARN, OTHER_KEY_ARN } from './role-fixtures.js';

describe('policy documents', () => {
  const { ctx } = testStackContext();
  it('trust lambda.amazonaws.com and allow kms:Decrypt on the key only, under the function context', () => {
    expect(trustPolicy()).toEqual(EXPECTED_TRUST);
    expect(decryptPolicy(ctx, KEY_ARN)).toEqual(expectedDecrypt(KEY_ARN));
    expect(JSON.stringify(decryptPolicy(ctx, KEY_ARN))).not.toContain('"*"');
  });

  it('parses IAM URL-encoded documents and plain JSON', () => {
    const json = JSON.stringify(EXPECTED_TRUST);
    expect(parsePolicy(encodeURIComponent(json))).toEqual(EXPECTED_TRUST);
    expect(parsePolicy(json)).toEqual(EXPECTED_TRUST);
    expect(parsePolicy('%7Bnot json')).toBeUndefined();
    expect(parsePolicy(undefined)).toBeUndefined();
  });

  it('compares semantically: Sid, one-element arrays, statement/value order and key order do not matter', () => {
    const variant = {
      Statement: {
        Condition: { StringEquals: { 'kms:EncryptionContext:LambdaFunctionName': ['mission-lambda'] } },
        Resource: [KEY_ARN],
        Action: ['kms:Decrypt'],
        Effect: 'Allow',
      },
      Version: '2012-10-17',
    };
    expect(samePolicy(variant, decryptPolicy(ctx, KEY_ARN))).toBe(true);
    expect(samePolicy(decryptPolicy(ctx, OTHER_KEY_ARN), decryptPolicy(ctx, KEY_ARN))).toBe(false);
    expect(samePolicy({ ...variant, Statement: { ...variant.Statement, Resource: '*' } }, variant)).toBe(
      false,
    );
    expect(
      samePolicy(
        { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['b', 'a'], Resource: '*' }] },
        { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['a', 'b'], Resource: '*' }] },
      ),
    ).toBe(true);
    expect(samePolicy(undefined, variant)).toBe(false);
  });
});
