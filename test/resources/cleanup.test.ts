import {
  TagResourceCommand as CwTag,
  UntagResourceCommand as CwUntag,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { AttachRolePolicyCommand, DeleteRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  RemovePermissionCommand,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { awsMessage } from '../../src/errors.js';
import { type AlarmFound, ensureAlarm } from '../../src/resources/alarm.js';
import { CleanupError, leftBehindBy } from '../../src/resources/cleanup.js';
import { ensureFunction } from '../../src/resources/function.js';
import { ensureLogGroup } from '../../src/resources/log-group.js';
import { ensurePermission, type PermissionFound, snsPermissionSpec } from '../../src/resources/permission.js';
import { ensureRolePolicies } from '../../src/resources/role.js';
import { ACCOUNT, mockAws, REGION, testStackContext } from '../helpers/aws.js';
import { awsError } from './fakes.js';
import { desired, FN_ARN } from './function-fixtures.js';
import { OTHER_KEY_ARN, existing as roleFound } from './role-fixtures.js';

/**
 * An ensure* that fails halfway removes what it made before throwing. When that removal fails too, or
 * is skipped because of --no-rollback (ctx.rollback false), the error must say what was left behind:
 * the init summary lists it instead of claiming that nothing of the stack remains.
 */
const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

const DENIED = 'User: arn:aws:iam::123456789012:user/alice is not authorized';
const denied = () => awsError('AccessDeniedException', 403, DENIED);

/** The error a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('Lambda function that never becomes Active', () => {
  beforeEach(() => {
    mocks.lambda.on(CreateFunctionCommand).resolves({ FunctionArn: FN_ARN });
    mocks.lambda.on(GetFunctionCommand).resolves({
      Configuration: {
        State: 'Failed',
        StateReasonCode: 'DisabledKMSKey',
        StateReason: 'The KMS key is disabled.',
      },
    });
  });

  it('says the function remains when DeleteFunction is refused too', async () => {
    mocks.lambda.on(DeleteFunctionCommand).rejects(denied());
    const { ctx } = testStackContext();
    const error = await failure(ensureFunction(ctx, undefined, desired()));
    expect(error).toBeInstanceOf(CleanupError);
    expect(leftBehindBy(error)).toEqual(['Lambda function mission-lambda']);
    expect(error.message).toBe(
      'Lambda function mission-lambda failed to become Active: DisabledKMSKey: The KMS key is disabled.; ' +
        `removing it failed too (AccessDeniedException: ${DENIED}): Lambda function mission-lambda remains`,
    );
    expect(mocks.lambda.commandCalls(DeleteFunctionCommand)).toHaveLength(1);
  });

  it('leaves nothing behind when DeleteFunction works (the error is AWS’s own)', async () => {
    mocks.lambda.on(DeleteFunctionCommand).resolves({});
    const { ctx } = testStackContext();
    const error = await failure(ensureFunction(ctx, undefined, desired()));
    expect(error).not.toBeInstanceOf(CleanupError);
    expect(leftBehindBy(error)).toEqual([]);
  });

  it('with --no-rollback keeps the function (no DeleteFunction) and says so', async () => {
    const { ctx } = testStackContext('mission', {});
    const error = await failure(ensureFunction({ ...ctx, rollback: false }, undefined, desired()));
    expect(mocks.lambda.commandCalls(DeleteFunctionCommand)).toHaveLength(0);
    expect(leftBehindBy(error)).toEqual(['Lambda function mission-lambda']);
    expect(error.message).toMatch(/; Lambda function mission-lambda was kept \(--no-rollback\)$/);
  });
});

describe('Log group whose retention cannot be set', () => {
  beforeEach(() => {
    mocks.logs.on(CreateLogGroupCommand).resolves({});
    mocks.logs.on(PutRetentionPolicyCommand).rejects(denied());
  });

  it('says the group remains when DeleteLogGroup is refused too', async () => {
    mocks.logs.on(DeleteLogGroupCommand).rejects(awsError('AccessDeniedException', 403, 'no delete'));
    const { ctx } = testStackContext();
    const error = await failure(ensureLogGroup(ctx, undefined, 30));
    expect(leftBehindBy(error)).toEqual(['Log group /aws/lambda/mission-lambda']);
    // Printed with AWS's code in front, as the step line shows it.
    expect(awsMessage(error)).toMatch(/^AccessDeniedException: /);
    expect(error.message).toContain(
      'removing it failed too (AccessDeniedException: no delete): Log group /aws/lambda/mission-lambda remains',
    );
  });

  it('with --no-rollback keeps the group', async () => {
    const { ctx } = testStackContext();
    const error = await failure(ensureLogGroup({ ...ctx, rollback: false }, undefined, 30));
    expect(mocks.logs.commandCalls(DeleteLogGroupCommand)).toHaveLength(0);
    expect(leftBehindBy(error)).toEqual(['Log group /aws/lambda/mission-lambda']);
  });
});

describe('IAM role policies written halfway', () => {
  it('says what remains when the policy that was written cannot be reverted', async () => {
    mocks.iam.on(AttachRolePolicyCommand).rejects(denied());
    mocks.iam.on(PutRolePolicyCommand).resolves({});
    mocks.iam.on(DeleteRolePolicyCommand).rejects(awsError('AccessDenied', 403, 'no delete'));
    const { ctx } = testStackContext();
    const error = await failure(ensureRolePolicies(ctx, undefined, OTHER_KEY_ARN));
    expect(leftBehindBy(error)).toEqual(['the policies of IAM role mission-lambda-role']);
    expect(error.message).toContain('reverting the rest failed too (AccessDenied: no delete)');
  });

  it('with --no-rollback keeps what was written', async () => {
    mocks.iam.on(AttachRolePolicyCommand).rejects(denied());
    mocks.iam.on(PutRolePolicyCommand).resolves({});
    const { ctx } = testStackContext();
    const error = await failure(
      ensureRolePolicies({ ...ctx, rollback: false }, roleFound({ attachedPolicyArns: [] }), OTHER_KEY_ARN),
    );
    expect(mocks.iam.commandCalls(PutRolePolicyCommand)).toHaveLength(1); // not put back
    expect(leftBehindBy(error)).toEqual(['the policies of IAM role mission-lambda-role']);
  });
});

describe('CloudWatch alarm updated but not tagged', () => {
  it('says the alarm keeps the new configuration when it cannot be put back', async () => {
    const arn = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:mission-cpu-alarm`;
    const topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:mission-sns`;
    const found: AlarmFound = {
      arn,
      name: 'mission-cpu-alarm',
      description: 'tutorial',
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      statistic: 'Average',
      instanceId: 'i-0123456789abcdef0',
      threshold: 50,
      period: 300,
      evaluationPeriods: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      alarmActions: [topicArn],
      okActions: [],
      state: 'OK',
      stateReason: undefined,
      tags: {},
    };
    mocks.cloudwatch
      .on(PutMetricAlarmCommand)
      .resolvesOnce({})
      .rejects(awsError('AccessDenied', 403, 'no put'));
    mocks.cloudwatch.on(CwTag).rejects(denied());
    mocks.cloudwatch.on(CwUntag).resolves({});
    const { ctx } = testStackContext();
    const want = {
      instanceId: 'i-0123456789abcdef0',
      threshold: 80,
      period: 60,
      evaluationPeriods: 1,
      topicArn,
    };
    const error = await failure(ensureAlarm(ctx, found, want));
    expect(leftBehindBy(error)).toEqual(['CloudWatch alarm mission-cpu-alarm (partly updated)']);
    expect(error.message).toContain('reverting the rest failed too (AccessDenied: no put)');
  });
});

describe('Lambda permission replaced', () => {
  it('says the statement is gone when the previous one cannot be put back', async () => {
    const previous: PermissionFound = {
      sid: 'mission-sns-invoke',
      principal: 'sns.amazonaws.com',
      action: 'lambda:InvokeFunction',
      sourceArn: undefined,
      sourceAccount: undefined,
    };
    mocks.lambda.on(RemovePermissionCommand).resolves({});
    mocks.lambda.on(AddPermissionCommand).rejects(denied());
    const { ctx } = testStackContext();
    const error = await failure(
      ensurePermission(
        ctx,
        [previous],
        snsPermissionSpec(ctx, `arn:aws:sns:${REGION}:${ACCOUNT}:mission-sns`),
      ),
    );
    expect(mocks.lambda.commandCalls(AddPermissionCommand)).toHaveLength(2); // ours, then the previous one
    expect(leftBehindBy(error)).toEqual(['Lambda permission mission-sns-invoke (removed, not replaced)']);
    expect(error.message).toContain('putting the previous statement back failed too');
  });
});
