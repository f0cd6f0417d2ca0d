import {
  DeleteRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { findRole, planRole, removeRole } from '../../src/resources/role.js';
import { queuePolicy } from '../../src/resources/role-policies.js';
import { mockAws, testStackContext } from '../helpers/aws.js';
import { awsError, inFlight } from './fakes.js';
import {
  BASIC,
  EXPECTED_TRUST,
  existing,
  expectedDecrypt,
  KEY_ARN,
  OTHER_KEY_ARN,
  ROLE_ARN,
} from './role-fixtures.js';

const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

const iamCalls = () => mocks.calls().map(([, name, input]) => [name, input]);
const writeCalls = () => iamCalls().filter(([name]) => !/^(Get|List)/.test(String(name)));

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
    // Each input as it was when sent (the SDK's paginator reuses one input object for every page).
    const attachedSent: unknown[] = [];
    const firstPage = flight.slow({
      AttachedPolicies: [{ PolicyArn: BASIC }],
      IsTruncated: true,
      Marker: 'p2',
    });
    mocks.iam.on(ListAttachedRolePoliciesCommand).callsFake(async (input: { Marker?: string }) => {
      attachedSent.push({ ...input });
      return input.Marker === 'p2'
        ? { AttachedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }] }
        : firstPage();
    });
    mocks.iam
      .on(ListRolePoliciesCommand)
      .callsFake(flight.slow({ PolicyNames: ['mission-kms-decrypt', 'mission-undelivered-queue'] }));
    const { ctx } = testStackContext();
    const documents: Record<string, unknown> = {
      'mission-kms-decrypt': expectedDecrypt(KEY_ARN),
      'mission-undelivered-queue': queuePolicy(ctx),
    };
    const answers = Object.fromEntries(
      Object.entries(documents).map(([PolicyName, doc]) => [
        PolicyName,
        flight.slow({
          RoleName: 'mission-lambda-role',
          PolicyName,
          PolicyDocument: encodeURIComponent(JSON.stringify(doc)),
        }),
      ]),
    );
    mocks.iam
      .on(GetRolePolicyCommand)
      .callsFake((input: { PolicyName: string }) => answers[input.PolicyName]?.());
    expect(await findRole(ctx)).toEqual({
      arn: ROLE_ARN,
      trustPolicy: EXPECTED_TRUST,
      attachedPolicyArns: [BASIC, 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
      inlinePolicyNames: ['mission-kms-decrypt', 'mission-undelivered-queue'],
      decryptPolicy: expectedDecrypt(KEY_ARN),
      queuePolicy: queuePolicy(ctx),
      tags: { 'alarm-to-slack:stack': 'mission' },
    });
    // GetRole, both lists and both inline policies: all at once.
    expect(flight.max).toBe(5);
    expect(mocks.iam.commandCalls(GetRolePolicyCommand).map((c) => c.args[0].input)).toEqual([
      { RoleName: 'mission-lambda-role', PolicyName: 'mission-kms-decrypt' },
      { RoleName: 'mission-lambda-role', PolicyName: 'mission-undelivered-queue' },
    ]);
    expect(attachedSent).toEqual([
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
