import { InvalidParameterValueException, ResourceConflictException } from '@aws-sdk/client-lambda';
import { codeSha256 } from '../../src/handler-zip.js';
import type { FunctionDesired, FunctionFound } from '../../src/resources/function-spec.js';
import { ACCOUNT, REGION } from '../helpers/aws.js';

/** Shared fixtures of the function tests (function.test.ts, function-update.test.ts). */

export const FN_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mission-lambda`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/mission-lambda-role`;
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1111aaaa-22bb-33cc-44dd-555555eeeeee`;
export const OLD_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/9999ffff-88ee-77dd-66cc-555555bbbbbb`;
export const ZIP = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5]);
export const OLD_ZIP = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 9, 9, 9]);

export const ROLE_NOT_ASSUMABLE = 'The role defined for the function cannot be assumed by Lambda.';
export const ROLE_NO_PERMISSIONS =
  'The provided execution role does not have permissions to call CreateNetworkInterface on EC2';
export const KMS_GRANT =
  'Lambda was unable to configure access to your environment variables because the KMS key is invalid for CreateGrant. Please check your KMS key settings. KMS Exception: InvalidArnException KMS Message: ARN does not refer to a valid principal: ' +
  ROLE_ARN;

export const invalidParameter = (message: string) =>
  new InvalidParameterValueException({ message, $metadata: { httpStatusCode: 400 } });
export const conflict = (message: string) =>
  new ResourceConflictException({ message, $metadata: { httpStatusCode: 409 } });
export const awsError = (name: string, status: number, message = `${name} from AWS`) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

export function desired(overrides: Partial<FunctionDesired> = {}): FunctionDesired {
  return {
    roleArn: ROLE_ARN,
    keyArn: KEY_ARN,
    environment: {
      kmsEncryptedHookUrl: 'Y2lwaGVydGV4dA==',
      slackChannel: '#ops',
      slackMention: '',
      undeliveredQueueUrl: '',
      alarmEventsFilter: '',
    },
    zip: ZIP,
    codeSha256: codeSha256(ZIP),
    ...overrides,
  };
}

/** A function exactly as `desired()` would leave it. */
export function found(overrides: Partial<FunctionFound> = {}): FunctionFound {
  return {
    arn: FN_ARN,
    runtime: 'nodejs24.x',
    handler: 'index.handler',
    role: ROLE_ARN,
    memorySize: 128,
    timeout: 15,
    codeSha256: codeSha256(ZIP),
    kmsKeyArn: KEY_ARN,
    environment: { kmsEncryptedHookUrl: 'Y2lwaGVydGV4dA==', slackChannel: '#ops' },
    lastModified: '2025-01-01T00:00:00.000+0000',
    state: 'Active',
    lastUpdateStatus: 'Successful',
    tags: { 'alarm-to-slack:stack': 'mission' },
    ...overrides,
  };
}

/** The names of the commands sent that change something (no Get or List calls), in order. */
export const writes = (mocks: { calls(): Array<[string, string, unknown]> }) =>
  mocks
    .calls()
    .filter(([, name]) => !/^(Get|List)/.test(name))
    .map(([, name]) => name);
