import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { StackContext } from '../../src/resources/context.js';
import { ensureRolePolicies, ensureRoleTrust, type RoleFound } from '../../src/resources/role.js';
import { queuePolicy } from '../../src/resources/role-policies.js';
import { mockAws, testStackContext } from '../helpers/aws.js';
import { awsError } from './fakes.js';
import {
  BASIC,
  EXPECTED_TRUST,
  existing,
  expectedDecrypt,
  KEY_ARN,
  OTHER_KEY_ARN,
  parsed,
  ROLE_ARN,
} from './role-fixtures.js';

const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

const iamCalls = () => mocks.calls().map(([, name, input]) => [name, input]);
const writeCalls = () => iamCalls().filter(([name]) => !/^(Get|List)/.test(String(name)));

/** init's role and role-policies steps: the trust first, then the policies on the key's ARN. */
async function trustThenPolicies(ctx: StackContext, found: RoleFound | undefined, keyArn: string) {
  const trust = await ensureRoleTrust(ctx, found);
  const policies = await ensureRolePolicies(ctx, found, keyArn);
  return { trust, policies };
}

/** The runner's rollback of those two steps: reverse order of completion, so the policies first. */
async function undoInInitOrder(steps: Awaited<ReturnType<typeof trustThenPolicies>>) {
  await steps.policies.undo?.();
  await steps.trust.undo?.();
}

describe('ensureRoleTrust, then ensureRolePolicies (init’s role steps)', () => {
  it('creates the role with trust, tag, managed attachment and the inline decrypt policy', async () => {
    mocks.iam.on(CreateRoleCommand).resolves({ Role: { Arn: ROLE_ARN } as never });
    const { ctx } = testStackContext();
    const { trust, policies } = await trustThenPolicies(ctx, undefined, KEY_ARN);
    expect(trust.change).toBe('created');
    expect(trust.value).toEqual({ arn: ROLE_ARN });
    expect(policies.change).toBe('created');
    expect(policies.value).toEqual({ arn: ROLE_ARN });
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
    expect(
      mocks.iam.commandCalls(PutRolePolicyCommand).map((c) => parsed(c.args[0].input, 'PolicyDocument')),
    ).toEqual([
      {
        RoleName: 'mission-lambda-role',
        PolicyName: 'mission-kms-decrypt',
        PolicyDocument: expectedDecrypt(KEY_ARN),
      },
      {
        RoleName: 'mission-lambda-role',
        PolicyName: 'mission-undelivered-queue',
        PolicyDocument: queuePolicy(ctx),
      },
    ]);
    expect(writeCalls().map(([n]) => n)).toEqual([
      'CreateRoleCommand',
      'AttachRolePolicyCommand',
      'PutRolePolicyCommand',
      'PutRolePolicyCommand',
    ]);
  });

  it('undoes a creation: policies detached and deleted, then the role deleted', async () => {
    mocks.iam.on(CreateRoleCommand).resolves({ Role: { Arn: ROLE_ARN } as never });
    const { ctx } = testStackContext();
    const steps = await trustThenPolicies(ctx, undefined, KEY_ARN);
    mocks.iam.resetHistory();
    await undoInInitOrder(steps);
    expect(iamCalls()).toEqual([
      ['DetachRolePolicyCommand', { RoleName: 'mission-lambda-role', PolicyArn: BASIC }],
      ['DeleteRolePolicyCommand', { RoleName: 'mission-lambda-role', PolicyName: 'mission-kms-decrypt' }],
      [
        'DeleteRolePolicyCommand',
        { RoleName: 'mission-lambda-role', PolicyName: 'mission-undelivered-queue' },
      ],
      ['DeleteRoleCommand', { RoleName: 'mission-lambda-role' }],
    ]);
  });

  it('makes no call at all when the role is as desired', async () => {
    const { ctx } = testStackContext();
    const { trust, policies } = await trustThenPolicies(ctx, existing(), KEY_ARN);
    expect(trust).toEqual({ change: 'unchanged', value: { arn: ROLE_ARN } });
    expect(policies).toEqual({ change: 'unchanged', value: { arn: ROLE_ARN } });
    expect(mocks.calls()).toEqual([]);
  });

  it('rewrites only the decrypt policy for a new key, and the undo restores the previous document', async () => {
    const { ctx } = testStackContext();
    const steps = await trustThenPolicies(ctx, existing(), OTHER_KEY_ARN);
    expect(steps.trust).toEqual({ change: 'unchanged', value: { arn: ROLE_ARN } });
    expect(steps.policies.change).toBe('updated');
    expect(writeCalls()).toHaveLength(1);
    expect(parsed(mocks.iam.commandCalls(PutRolePolicyCommand)[0]?.args[0].input, 'PolicyDocument')).toEqual({
      RoleName: 'mission-lambda-role',
      PolicyName: 'mission-kms-decrypt',
      PolicyDocument: expectedDecrypt(OTHER_KEY_ARN),
    });
    mocks.iam.resetHistory();
    await undoInInitOrder(steps);
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
    const steps = await trustThenPolicies(ctx, found, KEY_ARN);
    expect(steps.trust.change).toBe('updated');
    expect(steps.policies.change).toBe('updated');
    expect(writeCalls().map(([n]) => n)).toEqual([
      'UpdateAssumeRolePolicyCommand',
      'AttachRolePolicyCommand',
      'PutRolePolicyCommand',
    ]);
    expect(
      parsed(mocks.iam.commandCalls(UpdateAssumeRolePolicyCommand)[0]?.args[0].input, 'PolicyDocument'),
    ).toEqual({ RoleName: 'mission-lambda-role', PolicyDocument: EXPECTED_TRUST });
    mocks.iam.resetHistory();
    await undoInInitOrder(steps);
    // The policies step is undone first, then the trust step.
    expect(writeCalls().map(([n]) => n)).toEqual([
      'DetachRolePolicyCommand',
      'DeleteRolePolicyCommand',
      'UpdateAssumeRolePolicyCommand',
    ]);
    expect(
      parsed(mocks.iam.commandCalls(UpdateAssumeRolePolicyCommand)[0]?.args[0].input, 'PolicyDocument'),
    ).toEqual({ RoleName: 'mission-lambda-role', PolicyDocument: oldTrust });
    expect(mocks.iam.commandCalls(DeleteRolePolicyCommand)[0]?.args[0].input).toEqual({
      RoleName: 'mission-lambda-role',
      PolicyName: 'mission-kms-decrypt',
    });
  });

  it('ensureRolePolicies reverts the writes that succeeded when one of them fails', async () => {
    mocks.iam.on(AttachRolePolicyCommand).rejects(awsError('AccessDenied', 403));
    const { ctx } = testStackContext();
    const found = existing({ attachedPolicyArns: [] });
    await expect(ensureRolePolicies(ctx, found, OTHER_KEY_ARN)).rejects.toThrow(/AccessDenied/);
    const puts = mocks.iam
      .commandCalls(PutRolePolicyCommand)
      .map((c) => JSON.parse(String(c.args[0].input.PolicyDocument)));
    expect(puts).toEqual([expectedDecrypt(OTHER_KEY_ARN), expectedDecrypt(KEY_ARN)]);
    expect(mocks.iam.commandCalls(DetachRolePolicyCommand)).toHaveLength(0);
  });
});
