import { describe, expect, it } from 'vitest';
import { ensureRolePolicies, ensureRoleTrust, findRole } from '../../src/resources/role.js';
import { decryptPolicy, queuePolicy, trustPolicy } from '../../src/resources/role-policies.js';
import { awsError } from '../fake-aws/index.js';
import { ACCOUNT, REGION, testStackContext } from '../helpers/aws.js';
import { useFakeAws } from './harness.js';

/** The role split init uses to create the role while the key is being created (see steps.ts). */
const aws = useFakeAws();
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1111aaaa-22bb-33cc-44dd-000000000009`;
const BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

describe('ensureRoleTrust / ensureRolePolicies', () => {
  it('creates the role with its trust alone, then both policies at once; undo in reverse leaves nothing', async () => {
    const { ctx } = testStackContext();
    const role = await ensureRoleTrust(ctx, undefined);
    expect(role.change).toBe('created');
    expect(aws.writes()).toEqual(['CreateRole']);
    const policies = await ensureRolePolicies(ctx, undefined, KEY_ARN);
    expect(policies.change).toBe('created');
    expect(aws.writes().slice(1).sort()).toEqual(['AttachRolePolicy', 'PutRolePolicy', 'PutRolePolicy']);
    const documents = Object.fromEntries(
      aws.inputs('PutRolePolicy').map((p) => [p.PolicyName, JSON.parse(String(p.PolicyDocument))]),
    );
    expect(documents).toEqual({
      'mission-kms-decrypt': decryptPolicy(ctx, KEY_ARN),
      'mission-undelivered-queue': queuePolicy(ctx),
    });
    await policies.undo?.();
    await role.undo?.();
    expect(aws.fake.state.roles.size).toBe(0);
  });

  it('changes nothing on a role already in line', async () => {
    const { ctx } = testStackContext();
    await ensureRoleTrust(ctx, undefined);
    await ensureRolePolicies(ctx, undefined, KEY_ARN);
    aws.clearCalls();
    const found = await findRole(ctx);
    expect((await ensureRoleTrust(ctx, found)).change).toBe('unchanged');
    expect((await ensureRolePolicies(ctx, found, KEY_ARN)).change).toBe('unchanged');
    expect(aws.writes()).toEqual([]);
  });

  it('brings a hand-made role in line and undoes exactly that', async () => {
    const { ctx } = testStackContext();
    const otherTrust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    aws.fake.state.roles.set('mission-lambda-role', {
      arn: `arn:aws:iam::${ACCOUNT}:role/mission-lambda-role`,
      trust: otherTrust,
      attached: [],
      inline: new Map(),
      tags: {},
    });
    const found = await findRole(ctx);
    const trust = await ensureRoleTrust(ctx, found);
    const policies = await ensureRolePolicies(ctx, found, KEY_ARN);
    expect([trust.change, policies.change]).toEqual(['updated', 'updated']);
    expect(JSON.parse(String(aws.inputs('UpdateAssumeRolePolicy')[0]?.PolicyDocument))).toEqual(
      trustPolicy(),
    );
    // Adopted: from now on teardown knows it as this stack's.
    expect(aws.fake.find.role('mission-lambda-role').tags).toEqual({
      'alarm-to-slack:stack': 'mission',
    });
    await policies.undo?.();
    await trust.undo?.();
    const role = aws.fake.find.role('mission-lambda-role');
    expect(role.trust).toBe(otherTrust);
    expect(role.attached).toEqual([]);
    expect(role.inline.size).toBe(0);
    expect(role.tags).toEqual({});
  });

  it('a failing PutRolePolicy undoes the attachment made with it before throwing', async () => {
    const { ctx } = testStackContext();
    await ensureRoleTrust(ctx, undefined);
    aws.fake.failAlways('PutRolePolicy', awsError('MalformedPolicyDocumentException', 400, 'bad'));
    await expect(ensureRolePolicies(ctx, undefined, KEY_ARN)).rejects.toThrow('bad');
    expect(aws.inputs('DetachRolePolicy')).toEqual([{ RoleName: 'mission-lambda-role', PolicyArn: BASIC }]);
    expect(aws.fake.find.role('mission-lambda-role').attached).toEqual([]);
  });
});
