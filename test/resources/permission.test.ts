import {
  AddPermissionCommand,
  GetPolicyCommand,
  RemovePermissionCommand,
  ResourceConflictException,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { StackContext } from '../../src/resources/context.js';
import {
  ensurePermission,
  eventsPermissionSpec,
  findPermissions,
  type PermissionFound,
  planPermission,
  removePermission,
  snsPermissionSpec,
} from '../../src/resources/permission.js';
import { ACCOUNT, mockAws, REGION, testStackContext } from '../helpers/aws.js';

const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

const FN_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mission-lambda`;
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:mission-sns`;
const OTHER_TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:other-sns`;
const RULE_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:rule/mission-alarm-events`;
const awsError = (name: string, status: number, message = `${name} from AWS`) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
const conflict = (message: string) =>
  new ResourceConflictException({ message, $metadata: { httpStatusCode: 409 } });

/** The SNS permission of the stack: statement `<topic>-invoke`, scoped to the topic. */
const sns = (ctx: StackContext) => snsPermissionSpec(ctx, TOPIC_ARN);

const ours: PermissionFound = {
  sid: 'mission-sns-invoke',
  principal: 'sns.amazonaws.com',
  action: 'lambda:InvokeFunction',
  sourceArn: TOPIC_ARN,
  sourceAccount: ACCOUNT,
};

describe('findPermissions', () => {
  it('parses the statements of GetPolicy', async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda.on(GetPolicyCommand).resolves({
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Id: 'default',
        Statement: [
          {
            Sid: 'mission-sns-invoke',
            Effect: 'Allow',
            Principal: { Service: 'sns.amazonaws.com' },
            Action: 'lambda:InvokeFunction',
            Resource: FN_ARN,
            Condition: {
              StringEquals: { 'AWS:SourceAccount': ACCOUNT },
              ArnLike: { 'AWS:SourceArn': TOPIC_ARN },
            },
          },
          {
            Sid: 'console-added',
            Effect: 'Allow',
            Principal: '*',
            Action: 'lambda:InvokeFunction',
            Resource: FN_ARN,
          },
        ],
      }),
      RevisionId: 'r1',
    });
    expect(await findPermissions(ctx)).toEqual([
      ours,
      {
        sid: 'console-added',
        principal: '*',
        action: 'lambda:InvokeFunction',
        sourceArn: undefined,
        sourceAccount: undefined,
      },
    ]);
    expect(mocks.lambda.commandCalls(GetPolicyCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'mission-lambda',
    });
  });

  it('is [] when the function has no policy (or does not exist)', async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda
      .on(GetPolicyCommand)
      .rejects(awsError('ResourceNotFoundException', 404, 'The resource you requested does not exist.'));
    expect(await findPermissions(ctx)).toEqual([]);
  });

  it('surfaces AccessDenied', async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda.on(GetPolicyCommand).rejects(awsError('AccessDeniedException', 403, 'no lambda:GetPolicy'));
    await expect(findPermissions(ctx)).rejects.toThrow('no lambda:GetPolicy');
  });
});

describe('planPermission', () => {
  it('is unchanged when any statement grants SNS invoke for this topic and account', () => {
    const { ctx } = testStackContext('mission');
    const tutorial = { ...ours, sid: 'tutorial-statement' };
    expect(planPermission(ctx, [tutorial], sns(ctx))).toEqual({
      resource: 'Lambda permission',
      name: 'mission-sns-invoke',
      action: 'unchanged',
    });
  });

  it('creates when nothing matches (a statement without SourceAccount is not enough)', () => {
    const { ctx } = testStackContext('mission');
    const loose = { ...ours, sid: 'loose', sourceAccount: undefined };
    expect(planPermission(ctx, [loose], sns(ctx)).action).toBe('create');
    expect(planPermission(ctx, [], sns(ctx)).action).toBe('create');
  });

  it('updates our statement when it names another topic', () => {
    const { ctx } = testStackContext('mission');
    expect(planPermission(ctx, [{ ...ours, sourceArn: OTHER_TOPIC }], sns(ctx))).toMatchObject({
      action: 'update',
      changes: [`SourceArn ${OTHER_TOPIC} → ${TOPIC_ARN}`],
    });
  });
});

describe('ensurePermission', () => {
  it('adds the permission scoped to the topic and the account', async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda.on(AddPermissionCommand).resolves({ Statement: '{}' });
    mocks.lambda.on(RemovePermissionCommand).resolves({});
    const result = await ensurePermission(ctx, [], sns(ctx));
    expect(result.change).toBe('created');
    expect(result.value).toEqual({ sid: 'mission-sns-invoke' });
    expect(mocks.lambda.commandCalls(AddPermissionCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'mission-lambda',
      StatementId: 'mission-sns-invoke',
      Action: 'lambda:InvokeFunction',
      Principal: 'sns.amazonaws.com',
      SourceArn: TOPIC_ARN,
      SourceAccount: ACCOUNT,
    });
    await result.undo?.();
    expect(mocks.lambda.commandCalls(RemovePermissionCommand)[0]?.args[0].input).toEqual({
      FunctionName: 'mission-lambda',
      StatementId: 'mission-sns-invoke',
    });
  });

  it('makes no call when an equivalent statement exists', async () => {
    const { ctx } = testStackContext('mission');
    const result = await ensurePermission(ctx, [{ ...ours, sid: 'tutorial' }], sns(ctx));
    expect(result).toEqual({ change: 'unchanged', value: { sid: 'tutorial' } });
    expect(mocks.calls()).toEqual([]);
  });

  it('replaces our statement when it differs, and undo puts the old one back', async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda.on(AddPermissionCommand).resolves({});
    mocks.lambda.on(RemovePermissionCommand).resolves({});
    const old = { ...ours, sourceArn: OTHER_TOPIC };
    const result = await ensurePermission(ctx, [old], sns(ctx));
    expect(result.change).toBe('updated');
    expect(mocks.calls().map(([, name]) => name)).toEqual([
      'RemovePermissionCommand',
      'AddPermissionCommand',
    ]);
    mocks.lambda.resetHistory();
    await result.undo?.();
    expect(mocks.calls().map(([, name]) => name)).toEqual([
      'RemovePermissionCommand',
      'AddPermissionCommand',
    ]);
    expect(mocks.lambda.commandCalls(AddPermissionCommand)[0]?.args[0].input).toMatchObject({
      StatementId: 'mission-sns-invoke',
      SourceArn: OTHER_TOPIC,
      SourceAccount: ACCOUNT,
    });
  });

  it('undo works after Ctrl-C aborted the run', async () => {
    const controller = new AbortController();
    const { ctx } = testStackContext('mission', { signal: controller.signal });
    mocks.lambda.on(AddPermissionCommand).resolves({});
    mocks.lambda.on(RemovePermissionCommand).resolves({});
    const result = await ensurePermission(ctx, [{ ...ours, sourceArn: OTHER_TOPIC }], sns(ctx));
    controller.abort();
    mocks.lambda.resetHistory();
    await result.undo?.();
    expect(mocks.calls().map(([, name]) => name)).toEqual([
      'RemovePermissionCommand',
      'AddPermissionCommand',
    ]);
  });

  it('retries AddPermission while the function is being updated', async () => {
    const { ctx, sleeps, notes } = testStackContext('mission');
    mocks.lambda
      .on(AddPermissionCommand)
      .rejectsOnce(
        conflict(
          `The operation cannot be performed at this time. An update is in progress for resource: ${FN_ARN}`,
        ),
      )
      .resolves({});
    const result = await ensurePermission(ctx, [], sns(ctx));
    expect(result.change).toBe('created');
    expect(mocks.lambda.commandCalls(AddPermissionCommand)).toHaveLength(2);
    expect(sleeps).toEqual([1000]);
    expect(notes).toHaveLength(1);
  });

  it('does not retry a duplicate statement id (the other ResourceConflictException)', async () => {
    const { ctx, sleeps } = testStackContext('mission');
    mocks.lambda
      .on(AddPermissionCommand)
      .rejects(
        conflict(
          'The statement id (mission-sns-invoke) provided already exists. Please provide a new statement id, or remove the existing statement.',
        ),
      );
    await expect(ensurePermission(ctx, [], sns(ctx))).rejects.toThrow('already exists');
    expect(mocks.lambda.commandCalls(AddPermissionCommand)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });
});

describe('removePermission', () => {
  it('removes our statement, and is a no-op when it is gone', async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda
      .on(RemovePermissionCommand)
      .resolvesOnce({})
      .rejects(
        awsError('ResourceNotFoundException', 404, 'No policy is associated with the given resource.'),
      );
    await removePermission(ctx, 'mission-sns-invoke');
    await expect(removePermission(ctx, 'mission-sns-invoke')).resolves.toBeUndefined();
    expect(mocks.lambda.commandCalls(RemovePermissionCommand)).toHaveLength(2);
  });
});

describe('permission specs', () => {
  it('names the SNS statement after the topic and the EventBridge one after the rule', () => {
    const { ctx } = testStackContext('mission');
    expect(snsPermissionSpec(ctx, TOPIC_ARN)).toEqual({
      sid: 'mission-sns-invoke',
      principal: 'sns.amazonaws.com',
      sourceArn: TOPIC_ARN,
    });
    expect(eventsPermissionSpec(ctx)).toEqual({
      sid: 'mission-alarm-events-invoke',
      principal: 'events.amazonaws.com',
      sourceArn: RULE_ARN,
    });
  });
});

describe('the EventBridge permission', () => {
  const events: PermissionFound = {
    sid: 'mission-alarm-events-invoke',
    principal: 'events.amazonaws.com',
    action: 'lambda:InvokeFunction',
    sourceArn: RULE_ARN,
    sourceAccount: ACCOUNT,
  };

  it('adds events.amazonaws.com scoped to the rule and the account, next to the SNS statement', async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda.on(AddPermissionCommand).resolves({ Statement: '{}' });
    mocks.lambda.on(RemovePermissionCommand).resolves({});
    const result = await ensurePermission(ctx, [ours], eventsPermissionSpec(ctx));
    expect(result).toMatchObject({ change: 'created', value: { sid: 'mission-alarm-events-invoke' } });
    // The SNS statement is another permission: left alone, not replaced.
    expect(mocks.calls()).toEqual([
      [
        'lambda',
        'AddPermissionCommand',
        {
          FunctionName: 'mission-lambda',
          StatementId: 'mission-alarm-events-invoke',
          Action: 'lambda:InvokeFunction',
          Principal: 'events.amazonaws.com',
          SourceArn: RULE_ARN,
          SourceAccount: ACCOUNT,
        },
      ],
    ]);
    mocks.lambda.resetHistory();
    await result.undo?.();
    expect(mocks.calls()).toEqual([
      [
        'lambda',
        'RemovePermissionCommand',
        { FunctionName: 'mission-lambda', StatementId: 'mission-alarm-events-invoke' },
      ],
    ]);
  });

  it('is unchanged with a matching statement, whatever its id; the SNS statement does not count', async () => {
    const { ctx } = testStackContext('mission');
    const spec = eventsPermissionSpec(ctx);
    expect(planPermission(ctx, [ours, { ...events, sid: 'console' }], spec)).toEqual({
      resource: 'Lambda permission',
      name: 'mission-alarm-events-invoke',
      action: 'unchanged',
    });
    expect(await ensurePermission(ctx, [{ ...events, sid: 'console' }], spec)).toEqual({
      change: 'unchanged',
      value: { sid: 'console' },
    });
    expect(mocks.calls()).toEqual([]);
    // A statement for the rule but SNS's principal, or without SourceAccount, grants nothing here.
    expect(planPermission(ctx, [{ ...ours, sid: 'x', sourceArn: RULE_ARN }], spec).action).toBe('create');
    expect(planPermission(ctx, [{ ...events, sid: 'x', sourceAccount: undefined }], spec).action).toBe(
      'create',
    );
  });

  it('plans replacing our statement when it names another principal and source', () => {
    const { ctx } = testStackContext('mission');
    const wrong = { ...events, principal: 'sns.amazonaws.com', sourceArn: TOPIC_ARN };
    expect(planPermission(ctx, [wrong], eventsPermissionSpec(ctx))).toEqual({
      resource: 'Lambda permission',
      name: 'mission-alarm-events-invoke',
      action: 'update',
      changes: ['principal sns.amazonaws.com → events.amazonaws.com', `SourceArn ${TOPIC_ARN} → ${RULE_ARN}`],
    });
  });

  it("puts a previous statement without a principal back under the spec's principal", async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda.on(AddPermissionCommand).resolves({});
    mocks.lambda.on(RemovePermissionCommand).resolves({});
    const previous = { ...events, principal: undefined, sourceArn: undefined, sourceAccount: undefined };
    const result = await ensurePermission(ctx, [previous], eventsPermissionSpec(ctx));
    expect(result.change).toBe('updated');
    mocks.lambda.resetHistory();
    await result.undo?.();
    expect(mocks.calls().map(([, name, input]) => [name, input])).toEqual([
      [
        'RemovePermissionCommand',
        { FunctionName: 'mission-lambda', StatementId: 'mission-alarm-events-invoke' },
      ],
      [
        'AddPermissionCommand',
        {
          FunctionName: 'mission-lambda',
          StatementId: 'mission-alarm-events-invoke',
          Action: 'lambda:InvokeFunction',
          Principal: 'events.amazonaws.com',
        },
      ],
    ]);
  });

  it('removePermission removes exactly the statement named', async () => {
    const { ctx } = testStackContext('mission');
    mocks.lambda.on(RemovePermissionCommand).resolves({});
    await removePermission(ctx, eventsPermissionSpec(ctx).sid);
    expect(mocks.calls()).toEqual([
      [
        'lambda',
        'RemovePermissionCommand',
        { FunctionName: 'mission-lambda', StatementId: 'mission-alarm-events-invoke' },
      ],
    ]);
  });
});
