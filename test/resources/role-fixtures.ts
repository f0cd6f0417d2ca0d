import type { RoleFound } from '../../src/resources/role.js';
import { queuePolicy, trustPolicy } from '../../src/resources/role-policies.js';
import { ACCOUNT, REGION, testStackContext } from '../helpers/aws.js';

/** Shared by the role tests. */
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/mission-lambda-role`;
export const BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/2222bbbb-0000-0000-0000-000000000002`;
export const OTHER_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1111aaaa-0000-0000-0000-000000000001`;

export const EXPECTED_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
export const expectedDecrypt = (keyArn: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DecryptSlackWebhookUrl',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: keyArn,
      Condition: { StringEquals: { 'kms:EncryptionContext:LambdaFunctionName': 'mission-lambda' } },
    },
  ],
});

/** A command input with its JSON policy document parsed. */
export const parsed = (input: object | undefined, key: string) => ({
  ...input,
  [key]: JSON.parse(String((input as Record<string, unknown> | undefined)?.[key])),
});

export function existing(overrides: Partial<RoleFound> = {}): RoleFound {
  return {
    arn: ROLE_ARN,
    trustPolicy: trustPolicy(),
    attachedPolicyArns: [BASIC],
    inlinePolicyNames: ['mission-kms-decrypt', 'mission-undelivered-queue'],
    decryptPolicy: expectedDecrypt(KEY_ARN) as RoleFound['decryptPolicy'],
    queuePolicy: queuePolicy(testStackContext().ctx),
    tags: { 'alarm-to-slack:stack': 'mission' },
    ...overrides,
  };
}
