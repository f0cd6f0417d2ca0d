import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  ListTagsForResourceCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  TagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, BASIC, REGION } from './constants.js';
import { useFakeAws } from './vitest.js';

const aws = useFakeAws();
const iam = new IAMClient({ region: REGION });
const logs = new CloudWatchLogsClient({ region: REGION });
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

describe('IAM', () => {
  it('a missing role or policy is NoSuchEntityException (code NoSuchEntity, 404) naming it', async () => {
    await expect(iam.send(new GetRoleCommand({ RoleName: 'r' }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      Code: 'NoSuchEntity',
      message: 'The role with name r cannot be found.',
      $metadata: { httpStatusCode: 404 },
    });
    await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }));
    await expect(
      iam.send(new GetRolePolicyCommand({ RoleName: 'r', PolicyName: 'p' })),
    ).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The role policy with name p cannot be found.',
    });
    await expect(
      iam.send(new DetachRolePolicyCommand({ RoleName: 'r', PolicyArn: BASIC })),
    ).rejects.toMatchObject({
      name: 'NoSuchEntityException',
      message: `Policy ${BASIC} was not found.`,
    });
    await expect(
      iam.send(new DeleteRolePolicyCommand({ RoleName: 'r', PolicyName: 'p' })),
    ).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
  });

  it('returns policy documents URL-encoded, as IAM does', async () => {
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'r',
        AssumeRolePolicyDocument: TRUST,
        Tags: [{ Key: 'a', Value: 'b' }],
      }),
    );
    const doc = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }],
    });
    await iam.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'p', PolicyDocument: doc }));
    const role = await iam.send(new GetRoleCommand({ RoleName: 'r' }));
    expect(role.Role).toMatchObject({
      Arn: `arn:aws:iam::${ACCOUNT}:role/r`,
      AssumeRolePolicyDocument: encodeURIComponent(TRUST),
      Tags: [{ Key: 'a', Value: 'b' }],
    });
    const inline = await iam.send(new GetRolePolicyCommand({ RoleName: 'r', PolicyName: 'p' }));
    expect(decodeURIComponent(inline.PolicyDocument ?? '')).toBe(doc);
    await expect(
      iam.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'bad', PolicyDocument: '{not json' })),
    ).rejects.toMatchObject({ name: 'MalformedPolicyDocumentException' });
    await expect(
      iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST })),
    ).rejects.toMatchObject({
      name: 'EntityAlreadyExistsException',
      message: 'Role with name r already exists.',
    });
  });

  it('DeleteRole is refused while managed policies are attached or inline ones exist', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: BASIC }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'p', PolicyDocument: '{}' }));
    await expect(iam.send(new DeleteRoleCommand({ RoleName: 'r' }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
      Code: 'DeleteConflict',
      message: 'Cannot delete entity, must detach all policies first.',
      $metadata: { httpStatusCode: 409 },
    });
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'r', PolicyArn: BASIC }));
    await expect(iam.send(new DeleteRoleCommand({ RoleName: 'r' }))).rejects.toMatchObject({
      name: 'DeleteConflictException',
      message: 'Cannot delete entity, must delete policies first.',
    });
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'r', PolicyName: 'p' }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'r' }));
    expect(aws.fake.state.roles.size).toBe(0);
  });

  it('pages ListAttachedRolePolicies with Marker/IsTruncated', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }));
    for (const n of ['a', 'b', 'c'])
      await iam.send(
        new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: `arn:aws:iam::aws:policy/${n}` }),
      );
    const first = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'r', MaxItems: 2 }));
    expect(first.AttachedPolicies?.map((p) => p.PolicyName)).toEqual(['a', 'b']);
    expect(first.IsTruncated).toBe(true);
    const second = await iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: 'r', Marker: first.Marker }),
    );
    expect(second.AttachedPolicies?.map((p) => p.PolicyName)).toEqual(['c']);
    expect(second.IsTruncated).toBe(false);
  });
});

describe('CloudWatch Logs', () => {
  const NAME = '/aws/lambda/f';
  const ARN = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${NAME}`;

  it('a missing group is ResourceNotFoundException "The specified log group does not exist."', async () => {
    for (const command of [
      new DeleteLogGroupCommand({ logGroupName: NAME }),
      new PutRetentionPolicyCommand({ logGroupName: NAME, retentionInDays: 30 }),
      new ListTagsForResourceCommand({ resourceArn: ARN }),
      new FilterLogEventsCommand({ logGroupName: NAME }),
    ])
      await expect(logs.send(command as never)).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        message: 'The specified log group does not exist.',
      });
  });

  it('tagging takes the ARN without ":*" (DescribeLogGroups\' `arn`); with it: ValidationException', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: NAME, tags: { a: '1' } }));
    const [group] =
      (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: NAME }))).logGroups ?? [];
    expect(group).toMatchObject({ arn: `${ARN}:*`, logGroupArn: ARN });
    expect(group?.retentionInDays).toBeUndefined();
    await expect(
      logs.send(new TagResourceCommand({ resourceArn: `${ARN}:*`, tags: { b: '2' } })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Invalid resourceArn',
    });
    await logs.send(new TagResourceCommand({ resourceArn: ARN, tags: { b: '2' } }));
    expect((await logs.send(new ListTagsForResourceCommand({ resourceArn: ARN }))).tags).toEqual({
      a: '1',
      b: '2',
    });
  });

  it('accepts only the retention values Logs accepts, and refuses a second CreateLogGroup', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: NAME }));
    await expect(
      logs.send(new PutRetentionPolicyCommand({ logGroupName: NAME, retentionInDays: 31 })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining("Value '31' at 'retentionInDays'"),
    });
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: NAME, retentionInDays: 30 }));
    expect(aws.fake.find.logGroup(NAME).retention).toBe(30);
    await expect(logs.send(new CreateLogGroupCommand({ logGroupName: NAME }))).rejects.toMatchObject({
      name: 'ResourceAlreadyExistsException',
    });
  });

  it('FilterLogEvents filters by time and pattern (?alternatives, "phrases") and pages', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: NAME }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: NAME, logStreamName: 's' }));
    const at = aws.fake.now();
    const lines = [
      'START RequestId: 1',
      'hello',
      'ERROR boom',
      'REPORT RequestId: 1',
      'Task timed out after 3.00 seconds',
    ];
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: NAME,
        logStreamName: 's',
        logEvents: lines.map((message, i) => ({ message, timestamp: at + i * 1000 })),
      }),
    );
    const filter = async (input: {
      filterPattern?: string;
      startTime?: number;
      limit?: number;
      nextToken?: string;
    }) => logs.send(new FilterLogEventsCommand({ logGroupName: NAME, ...input }));
    const messages = async (input: Parameters<typeof filter>[0]) =>
      (await filter(input)).events?.map((e) => e.message);
    expect(await messages({ filterPattern: '?"START RequestId" ?ERROR ?"Task timed out"' })).toEqual([
      'START RequestId: 1',
      'ERROR boom',
      'Task timed out after 3.00 seconds',
    ]);
    expect(await messages({ filterPattern: 'RequestId REPORT' })).toEqual(['REPORT RequestId: 1']);
    expect(await messages({ startTime: at + 3000 })).toEqual(lines.slice(3));
    const first = await filter({ limit: 2 });
    expect(first.events?.map((e) => e.message)).toEqual(lines.slice(0, 2));
    expect(await messages({ limit: 2, nextToken: first.nextToken })).toEqual(lines.slice(2, 4));
    await expect(
      logs.send(new PutLogEventsCommand({ logGroupName: NAME, logStreamName: 'other', logEvents: [] })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The specified log stream does not exist.',
    });
  });
});
