import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { parsePolicy, samePolicy } from '../../src/resources/policy-document.js';
import {
  decryptPolicy,
  ensureRole,
  findRole,
  planRole,
  type RoleFound,
  removeRole,
  trustPolicy,
} from '../../src/resources/role.js';
import { ACCOUNT, mockAws, REGION, testStackContext } from '../helpers/aws.js';
import { awsError, inFlight } from './fakes.js';

const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/mission-lambda-role`;
const BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/2222bbbb-0000-0000-0000-000000000002`;
const OTHER_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1111aaaa-0000-0000-0000-000000000001`;

const EXPECTED_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const expectedDecrypt = (keyArn: string) => ({
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

const iamCalls = () => mocks.calls().map(([, name, input]) => [name, input]);
const writeCalls = () => iamCalls().filter(([name]) => !/^(Get|List)/.test(String(name)));
/** A command input with its JSON policy document parsed. */
const parsed = (input: object | undefined, key: string) => ({
  ...input,
  [key]: JSON.parse(String((input as Record<string, unknown> | undefined)?.[key])),
});

function existing(overrides: Partial<RoleFound> = {}): RoleFound {
  return {
    arn: ROLE_ARN,
    trustPolicy: trustPolicy(),
    attachedPolicyArns: [BASIC],
    inlinePolicyNames: ['mission-kms-decrypt'],
    decryptPolicy: expectedDecrypt(KEY_ARN) as RoleFound['decryptPolicy'],
    tags: { 'alarm-to-slack:stack': 'mission' },
    ...overrides,
  };
}

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

describe('findRole', () => {
  it('reads role, attachments (all pages), inline names and our policy in one round trip', async () => {
    const flight = inFlight();
    mocks.iam.on(GetRoleCommand).callsFake(
      flight.slow({
        Role: {
          RoleName: 'mission-lambda-role',
          Arn: ROLE_ARN,
          Path: '/',
          RoleId: 'AROAEXAMPLEEXAMPLE',
          CreateDate: new Date(0),
          AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(EXPECTED_TRUST)),
          Tags: [{ Key: 'alarm-to-slack:stack', Value: 'mission' }],
        },
      }),
    );
    mocks.iam
      .on(ListAttachedRolePoliciesCommand, { RoleName: 'mission-lambda-role', Marker: undefined })
      .callsFake(flight.slow({ AttachedPolicies: [{ PolicyArn: BASIC }], IsTruncated: true, Marker: 'p2' }))
      .on(ListAttachedRolePoliciesCommand, { RoleName: 'mission-lambda-role', Marker: 'p2' })
      .resolves({ AttachedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }] });
    mocks.iam.on(ListRolePoliciesCommand).callsFake(flight.slow({ PolicyNames: ['mission-kms-decrypt'] }));
    mocks.iam.on(GetRolePolicyCommand).callsFake(
      flight.slow({
        RoleName: 'mission-lambda-role',
        PolicyName: 'mission-kms-decrypt',
        PolicyDocument: encodeURIComponent(JSON.stringify(expectedDecrypt(KEY_ARN))),
      }),
    );
    const { ctx } = testStackContext();
    expect(await findRole(ctx)).toEqual({
      arn: ROLE_ARN,
      trustPolicy: EXPECTED_TRUST,
      attachedPolicyArns: [BASIC, 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
      inlinePolicyNames: ['mission-kms-decrypt'],
      decryptPolicy: expectedDecrypt(KEY_ARN),
      tags: { 'alarm-to-slack:stack': 'mission' },
    });
    expect(flight.max).toBe(4);
    expect(mocks.iam.commandCalls(GetRolePolicyCommand)[0]?.args[0].input).toEqual({
      RoleName: 'mission-lambda-role',
      PolicyName: 'mission-kms-decrypt',
    });
    expect(mocks.iam.commandCalls(ListAttachedRolePoliciesCommand).map((c) => c.args[0].input)).toEqual([
      { RoleName: 'mission-lambda-role', Marker: undefined },
      { RoleName: 'mission-lambda-role', Marker: 'p2' },
    ]);
  });

  it('has no decrypt policy when ours is missing', async () => {
    mocks.iam.on(GetRoleCommand).resolves({ Role: { Arn: ROLE_ARN } as never });
    mocks.iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    mocks.iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
    mocks.iam.on(GetRolePolicyCommand).rejects(awsError('NoSuchEntityException', 404));
    const { ctx } = testStackContext();
    expect(await findRole(ctx)).toMatchObject({
      arn: ROLE_ARN,
      decryptPolicy: undefined,
      trustPolicy: undefined,
    });
  });

  it('is undefined when the role does not exist', async () => {
    for (const C of [
      GetRoleCommand,
      ListAttachedRolePoliciesCommand,
      ListRolePoliciesCommand,
      GetRolePolicyCommand,
    ])
      mocks.iam.on(C as never).rejects(awsError('NoSuchEntityException', 404));
    const { ctx } = testStackContext();
    expect(await findRole(ctx)).toBeUndefined();
  });

  it('surfaces AccessDenied on the role and on our policy', async () => {
    mocks.iam.on(GetRoleCommand).rejects(awsError('AccessDenied', 403));
    const { ctx } = testStackContext();
    await expect(findRole(ctx)).rejects.toThrow(/AccessDenied/);

    mocks.reset();
    mocks.iam.on(GetRoleCommand).resolves({ Role: { Arn: ROLE_ARN } as never });
    mocks.iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    mocks.iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
    mocks.iam.on(GetRolePolicyCommand).rejects(awsError('AccessDenied', 403));
    await expect(findRole(ctx)).rejects.toThrow(/AccessDenied/);
  });
});

describe('planRole', () => {
  const { ctx } = testStackContext();
  const item = { resource: 'IAM role', name: 'mission-lambda-role' };
  it('creates a missing role; an identical one is unchanged', () => {
    expect(planRole(ctx, undefined, KEY_ARN)).toEqual({ ...item, action: 'create' });
    expect(planRole(ctx, existing(), KEY_ARN)).toEqual({ ...item, action: 'unchanged' });
  });
  it('updates the decrypt policy for another key, or while the key is still to be made', () => {
    expect(planRole(ctx, existing(), OTHER_KEY_ARN)).toEqual({
      ...item,
      action: 'update',
      changes: ['kms:Decrypt policy'],
    });
    expect(planRole(ctx, existing(), undefined)).toMatchObject({
      action: 'update',
      changes: ['kms:Decrypt policy'],
    });
  });
  it('names every difference', () => {
    const found = existing({ trustPolicy: undefined, attachedPolicyArns: [], decryptPolicy: undefined });
    expect(planRole(ctx, found, KEY_ARN).changes).toEqual([
      'trust policy (lambda.amazonaws.com)',
      'AWSLambdaBasicExecutionRole attachment',
      'kms:Decrypt policy',
    ]);
  });
});

describe('ensureRole', () => {
  it('creates the role with trust, tag, managed attachment and the inline decrypt policy', async () => {
    mocks.iam.on(CreateRoleCommand).resolves({ Role: { Arn: ROLE_ARN } as never });
    const { ctx } = testStackContext();
    const result = await ensureRole(ctx, undefined, KEY_ARN);
    expect(result.change).toBe('created');
    expect(result.value).toEqual({ arn: ROLE_ARN });
    expect(
      parsed(mocks.iam.commandCalls(CreateRoleCommand)[0]?.args[0].input, 'AssumeRolePolicyDocument'),
    ).toEqual({
      RoleName: 'mission-lambda-role',
      AssumeRolePolicyDocument: EXPECTED_TRUST,
      Description: 'alarm-to-slack: execution role of the Slack notifier function of stack "mission"',
      Tags: [{ Key: 'alarm-to-slack:stack', Value: 'mission' }],
    });
    expect(mocks.iam.commandCalls(AttachRolePolicyCommand)[0]?.args[0].input).toEqual({
      RoleName: 'mission-lambda-role',
      PolicyArn: BASIC,
    });
    expect(parsed(mocks.iam.commandCalls(PutRolePolicyCommand)[0]?.args[0].input, 'PolicyDocument')).toEqual({
      RoleName: 'mission-lambda-role',
      PolicyName: 'mission-kms-decrypt',
      PolicyDocument: expectedDecrypt(KEY_ARN),
    });
    expect(writeCalls().map(([n]) => n)).toEqual([
      'CreateRoleCommand',
      'AttachRolePolicyCommand',
      'PutRolePolicyCommand',
    ]);
  });

  it('undoes a creation: policies detached and deleted, then the role deleted', async () => {
    mocks.iam.on(CreateRoleCommand).resolves({ Role: { Arn: ROLE_ARN } as never });
    const { ctx } = testStackContext();
    const result = await ensureRole(ctx, undefined, KEY_ARN);
    mocks.iam.resetHistory();
    await result.undo?.();
    expect(iamCalls()).toEqual([
      ['DetachRolePolicyCommand', { RoleName: 'mission-lambda-role', PolicyArn: BASIC }],
      ['DeleteRolePolicyCommand', { RoleName: 'mission-lambda-role', PolicyName: 'mission-kms-decrypt' }],
      ['DeleteRoleCommand', { RoleName: 'mission-lambda-role' }],
    ]);
  });

  it('removes the half-made role when the inline policy is refused', async () => {
    mocks.iam.on(CreateRoleCommand).resolves({ Role: { Arn: ROLE_ARN } as never });
    mocks.iam.on(PutRolePolicyCommand).rejects(awsError('MalformedPolicyDocument', 400));
    const { ctx } = testStackContext();
    await expect(ensureRole(ctx, undefined, KEY_ARN)).rejects.toThrow(/MalformedPolicyDocument/);
    expect(writeCalls().map(([n]) => n)).toEqual([
      'CreateRoleCommand',
      'AttachRolePolicyCommand',
      'PutRolePolicyCommand',
      'DetachRolePolicyCommand',
      'DeleteRoleCommand',
    ]);
  });

  it('makes no call at all when the role is as desired', async () => {
    const { ctx } = testStackContext();
    const result = await ensureRole(ctx, existing(), KEY_ARN);
    expect(result).toEqual({ change: 'unchanged', value: { arn: ROLE_ARN } });
    expect(mocks.calls()).toEqual([]);
  });

  it('rewrites only the decrypt policy for a new key, and the undo restores the previous document', async () => {
    const { ctx } = testStackContext();
    const result = await ensureRole(ctx, existing(), OTHER_KEY_ARN);
    expect(result.change).toBe('updated');
    expect(writeCalls()).toHaveLength(1);
    expect(parsed(mocks.iam.commandCalls(PutRolePolicyCommand)[0]?.args[0].input, 'PolicyDocument')).toEqual({
      RoleName: 'mission-lambda-role',
      PolicyName: 'mission-kms-decrypt',
      PolicyDocument: expectedDecrypt(OTHER_KEY_ARN),
    });
    mocks.iam.resetHistory();
    await result.undo?.();
    expect(writeCalls()).toHaveLength(1);
    expect(parsed(mocks.iam.commandCalls(PutRolePolicyCommand)[0]?.args[0].input, 'PolicyDocument')).toEqual({
      RoleName: 'mission-lambda-role',
      PolicyName: 'mission-kms-decrypt',
      PolicyDocument: expectedDecrypt(KEY_ARN),
    });
  });

  it('brings trust, attachment and a missing inline policy in line; the undo reverts each', async () => {
    const oldTrust = {
      Version: '2012-10-17' as const,
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    };
    const found = existing({ trustPolicy: oldTrust, attachedPolicyArns: [], decryptPolicy: undefined });
    const { ctx } = testStackContext();
    const result = await ensureRole(ctx, found, KEY_ARN);
    expect(result.change).toBe('updated');
    expect(writeCalls().map(([n]) => n)).toEqual([
      'UpdateAssumeRolePolicyCommand',
      'AttachRolePolicyCommand',
      'PutRolePolicyCommand',
    ]);
    expect(
      parsed(mocks.iam.commandCalls(UpdateAssumeRolePolicyCommand)[0]?.args[0].input, 'PolicyDocument'),
    ).toEqual({ RoleName: 'mission-lambda-role', PolicyDocument: EXPECTED_TRUST });
    mocks.iam.resetHistory();
    await result.undo?.();
    expect(writeCalls().map(([n]) => n)).toEqual([
      'UpdateAssumeRolePolicyCommand',
      'DetachRolePolicyCommand',
      'DeleteRolePolicyCommand',
    ]);
    expect(
      parsed(mocks.iam.commandCalls(UpdateAssumeRolePolicyCommand)[0]?.args[0].input, 'PolicyDocument'),
    ).toEqual({ RoleName: 'mission-lambda-role', PolicyDocument: oldTrust });
    expect(mocks.iam.commandCalls(DeleteRolePolicyCommand)[0]?.args[0].input).toEqual({
      RoleName: 'mission-lambda-role',
      PolicyName: 'mission-kms-decrypt',
    });
  });

  it('reverts the writes that succeeded when one of them fails', async () => {
    mocks.iam.on(AttachRolePolicyCommand).rejects(awsError('AccessDenied', 403));
    const { ctx } = testStackContext();
    const found = existing({ attachedPolicyArns: [] });
    await expect(ensureRole(ctx, found, OTHER_KEY_ARN)).rejects.toThrow(/AccessDenied/);
    const puts = mocks.iam
      .commandCalls(PutRolePolicyCommand)
      .map((c) => JSON.parse(String(c.args[0].input.PolicyDocument)));
    expect(puts).toEqual([expectedDecrypt(OTHER_KEY_ARN), expectedDecrypt(KEY_ARN)]);
    expect(mocks.iam.commandCalls(DetachRolePolicyCommand)).toHaveLength(0);
  });
});

describe('removeRole', () => {
  it('detaches every managed policy, deletes every inline policy, then deletes the role', async () => {
    mocks.iam.on(ListAttachedRolePoliciesCommand).resolves({
      AttachedPolicies: [{ PolicyArn: BASIC }, { PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
    });
    mocks.iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['mission-kms-decrypt', 'extra'] });
    const { ctx } = testStackContext();
    await removeRole(ctx);
    const writes = writeCalls();
    expect(writes.slice(0, 4)).toEqual(
      expect.arrayContaining([
        ['DetachRolePolicyCommand', { RoleName: 'mission-lambda-role', PolicyArn: BASIC }],
        [
          'DetachRolePolicyCommand',
          { RoleName: 'mission-lambda-role', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
        ],
        ['DeleteRolePolicyCommand', { RoleName: 'mission-lambda-role', PolicyName: 'mission-kms-decrypt' }],
        ['DeleteRolePolicyCommand', { RoleName: 'mission-lambda-role', PolicyName: 'extra' }],
      ]),
    );
    expect(writes[4]).toEqual(['DeleteRoleCommand', { RoleName: 'mission-lambda-role' }]);
    expect(writes).toHaveLength(5);
  });

  it('is a no-op when the role is gone', async () => {
    mocks.iam.on(ListAttachedRolePoliciesCommand).rejects(awsError('NoSuchEntityException', 404));
    mocks.iam.on(ListRolePoliciesCommand).rejects(awsError('NoSuchEntityException', 404));
    const { ctx } = testStackContext();
    await expect(removeRole(ctx)).resolves.toBeUndefined();
    expect(writeCalls()).toEqual([]);
  });

  it('surfaces a DeleteRole refusal', async () => {
    mocks.iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    mocks.iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
    mocks.iam.on(DeleteRoleCommand).rejects(awsError('DeleteConflict', 409));
    const { ctx } = testStackContext();
    await expect(removeRole(ctx)).rejects.toThrow(/DeleteConflict/);
  });
});
