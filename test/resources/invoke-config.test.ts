import {
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionEventInvokeConfigCommand,
  PutFunctionEventInvokeConfigCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { propagationCause } from '../../src/resources/function-retry.js';
import {
  ensureInvokeConfig,
  findInvokeConfig,
  type InvokeConfigFound,
  planInvokeConfig,
} from '../../src/resources/invoke-config.js';
import { ACCOUNT, mockAws, REGION, testStackContext } from '../helpers/aws.js';
import { awsError, conflict, FN_ARN, invalidParameter } from './function-fixtures.js';

const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:mission-undelivered`;
const OTHER_QUEUE = `arn:aws:sqs:${REGION}:${ACCOUNT}:hand-made-dlq`;
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:ops-success`;
/** Lambda's refusal while the role's new sqs:SendMessage has not propagated (as the console shows it). */
const NO_SEND = invalidParameter(
  `The function's execution role does not have permissions to call SendMessage on ${QUEUE_ARN}`,
);
const noConfig = () =>
  new ResourceNotFoundException({
    message: `The function ${FN_ARN} doesn't have an EventInvokeConfig`,
    $metadata: { httpStatusCode: 404 },
  });
const UPDATING = conflict(
  `The operation cannot be performed at this time. An update is in progress for resource: ${FN_ARN}`,
);

const ours: InvokeConfigFound = {
  maximumRetryAttempts: 2,
  maximumEventAgeInSeconds: 21_600,
  onFailure: QUEUE_ARN,
  onSuccess: undefined,
  lastModified: undefined,
};
const PUT_OURS = {
  FunctionName: 'mission-lambda',
  MaximumRetryAttempts: 2,
  MaximumEventAgeInSeconds: 21600,
  DestinationConfig: { OnFailure: { Destination: QUEUE_ARN } },
};
const lambdaCalls = () => mocks.calls().map(([, name, input]) => [name, input]);

describe('propagationCause and the role’s SQS permissions', () => {
  it.each([
    [`The function's execution role does not have permissions to call SendMessage on ${QUEUE_ARN}`],
    ['The provided execution role does not have permissions to call SendMessage on SQS'],
    ['The function execution role does not have permissions to call ReceiveMessage on SQS'],
    ['The provided execution role does not have permissions to call ReceiveMessage on SQS'],
  ])('"%s" is IAM propagation', (message) => {
    expect(propagationCause(invalidParameter(message))).toBe('iam');
  });

  it('a destination Lambda rejects outright is not', () => {
    expect(
      propagationCause(
        invalidParameter(
          `The provided destination config DestinationConfig(onSuccess=null, onFailure=OnFailure(destination=${QUEUE_ARN})) is invalid.`,
        ),
      ),
    ).toBeUndefined();
  });
});

describe('findInvokeConfig', () => {
  it('reads the unqualified function’s config', async () => {
    const modified = new Date('2026-11-24T10:00:00Z');
    mocks.lambda.on(GetFunctionEventInvokeConfigCommand).resolves({
      FunctionArn: FN_ARN,
      MaximumRetryAttempts: 1,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnSuccess: { Destination: TOPIC_ARN }, OnFailure: { Destination: OTHER_QUEUE } },
      LastModified: modified,
    });
    const { ctx } = testStackContext();
    expect(await findInvokeConfig(ctx)).toEqual({
      maximumRetryAttempts: 1,
      maximumEventAgeInSeconds: 3600,
      onFailure: OTHER_QUEUE,
      onSuccess: TOPIC_ARN,
      lastModified: modified,
    });
    expect(lambdaCalls()).toEqual([
      ['GetFunctionEventInvokeConfigCommand', { FunctionName: 'mission-lambda' }],
    ]);
  });

  it('is undefined when the function has none', async () => {
    mocks.lambda.on(GetFunctionEventInvokeConfigCommand).rejects(noConfig());
    const { ctx } = testStackContext();
    expect(await findInvokeConfig(ctx)).toBeUndefined();
  });

  it('surfaces AccessDenied', async () => {
    mocks.lambda
      .on(GetFunctionEventInvokeConfigCommand)
      .rejects(awsError('AccessDeniedException', 403, 'no lambda:GetFunctionEventInvokeConfig'));
    const { ctx } = testStackContext();
    await expect(findInvokeConfig(ctx)).rejects.toThrow('no lambda:GetFunctionEventInvokeConfig');
  });
});

describe('planInvokeConfig', () => {
  const { ctx } = testStackContext();
  const item = { resource: 'Async invocation config', name: 'mission-lambda' };
  it('creates, keeps, or lists what changes, including what would be dropped', () => {
    expect(planInvokeConfig(ctx, undefined)).toEqual({
      ...item,
      action: 'create',
      changes: ['2 retries, events kept 6 h, on failure → mission-undelivered'],
    });
    expect(planInvokeConfig(ctx, ours)).toEqual({ ...item, action: 'unchanged' });
    expect(
      planInvokeConfig(ctx, {
        maximumRetryAttempts: 0,
        maximumEventAgeInSeconds: 60,
        onFailure: undefined,
        onSuccess: TOPIC_ARN,
        lastModified: undefined,
      }),
    ).toEqual({
      ...item,
      action: 'update',
      changes: [
        'retry attempts 0 → 2',
        'maximum event age 60 s → 6 h',
        `on-failure destination (none) → ${QUEUE_ARN}`,
        `on-success destination ${TOPIC_ARN} would be removed`,
      ],
    });
  });

  it('counts settings left at Lambda’s defaults (2 retries, 6 h) as ours', () => {
    const defaults = { ...ours, maximumRetryAttempts: undefined, maximumEventAgeInSeconds: undefined };
    expect(planInvokeConfig(ctx, defaults).action).toBe('unchanged');
  });
});

describe('ensureInvokeConfig', () => {
  it('puts the whole config; undo deletes it when there was none', async () => {
    const { ctx } = testStackContext();
    const result = await ensureInvokeConfig(ctx, undefined);
    expect(result.change).toBe('created');
    expect(result.value).toEqual({ destination: QUEUE_ARN });
    expect(lambdaCalls()).toEqual([['PutFunctionEventInvokeConfigCommand', PUT_OURS]]);
    mocks.lambda.resetHistory();
    await result.undo?.();
    expect(lambdaCalls()).toEqual([
      ['DeleteFunctionEventInvokeConfigCommand', { FunctionName: 'mission-lambda' }],
    ]);
  });

  it('makes no call when the config is already ours', async () => {
    const { ctx } = testStackContext();
    expect(await ensureInvokeConfig(ctx, ours)).toEqual({
      change: 'unchanged',
      value: { destination: QUEUE_ARN },
    });
    expect(mocks.calls()).toEqual([]);
  });

  it('replaces another config whole; undo puts the previous one back exactly', async () => {
    const previous: InvokeConfigFound = {
      maximumRetryAttempts: 0,
      maximumEventAgeInSeconds: 3600,
      onFailure: OTHER_QUEUE,
      onSuccess: TOPIC_ARN,
      lastModified: undefined,
    };
    const { ctx } = testStackContext();
    const result = await ensureInvokeConfig(ctx, previous);
    expect(result.change).toBe('updated');
    expect(lambdaCalls()).toEqual([['PutFunctionEventInvokeConfigCommand', PUT_OURS]]);
    mocks.lambda.resetHistory();
    await result.undo?.();
    expect(lambdaCalls()).toEqual([
      [
        'PutFunctionEventInvokeConfigCommand',
        {
          FunctionName: 'mission-lambda',
          MaximumRetryAttempts: 0,
          MaximumEventAgeInSeconds: 3600,
          DestinationConfig: {
            OnSuccess: { Destination: TOPIC_ARN },
            OnFailure: { Destination: OTHER_QUEUE },
          },
        },
      ],
    ]);
  });

  it('undo of a config without destinations or explicit settings sends just the function', async () => {
    const bare = {
      ...ours,
      maximumRetryAttempts: 1,
      maximumEventAgeInSeconds: undefined,
      onFailure: undefined,
    };
    const { ctx } = testStackContext();
    const result = await ensureInvokeConfig(ctx, bare);
    mocks.lambda.resetHistory();
    await result.undo?.();
    expect(lambdaCalls()).toEqual([
      ['PutFunctionEventInvokeConfigCommand', { FunctionName: 'mission-lambda', MaximumRetryAttempts: 1 }],
    ]);
  });

  it('waits for IAM while Lambda refuses the destination, then succeeds', async () => {
    mocks.lambda
      .on(PutFunctionEventInvokeConfigCommand)
      .rejectsOnce(NO_SEND)
      .rejectsOnce(NO_SEND)
      .resolves({ FunctionArn: FN_ARN });
    const { ctx, sleeps, notes } = testStackContext();
    expect((await ensureInvokeConfig(ctx, undefined)).change).toBe('created');
    expect(mocks.lambda.commandCalls(PutFunctionEventInvokeConfigCommand)).toHaveLength(3);
    expect(sleeps).toEqual([1000, 2000]);
    expect(notes).toEqual([
      'Waiting for IAM to propagate the new role (attempt 2)…',
      'Waiting for IAM to propagate the new role (attempt 3)…',
    ]);
  });

  it('gives up on IAM after about 2 minutes, with AWS’s words', async () => {
    mocks.lambda.on(PutFunctionEventInvokeConfigCommand).rejects(NO_SEND);
    const { ctx } = testStackContext();
    await expect(ensureInvokeConfig(ctx, undefined)).rejects.toThrow(
      /^IAM did not propagate to Lambda within about 2 minutes \(\d+ attempts\); AWS said: InvalidParameterValueException: The function's execution role does not have permissions to call SendMessage/,
    );
  });

  it('retries while the function is being updated', async () => {
    mocks.lambda.on(PutFunctionEventInvokeConfigCommand).rejectsOnce(UPDATING).resolves({});
    const { ctx, sleeps, notes } = testStackContext();
    expect((await ensureInvokeConfig(ctx, undefined)).change).toBe('created');
    expect(sleeps).toEqual([1000]);
    expect(notes).toEqual(["Waiting for the function's previous update to finish (attempt 2)…"]);
  });

  it('fails at once on a destination Lambda rejects outright', async () => {
    const invalid = invalidParameter('The provided destination config DestinationConfig(…) is invalid.');
    mocks.lambda.on(PutFunctionEventInvokeConfigCommand).rejects(invalid);
    const { ctx, sleeps } = testStackContext();
    await expect(ensureInvokeConfig(ctx, undefined)).rejects.toBe(invalid);
    expect(sleeps).toEqual([]);
  });

  it('undo works after Ctrl-C, and is a no-op when the config or the function is gone', async () => {
    const controller = new AbortController();
    const { ctx } = testStackContext('mission', { signal: controller.signal });
    mocks.lambda.on(DeleteFunctionEventInvokeConfigCommand).rejects(noConfig());
    const result = await ensureInvokeConfig(ctx, undefined);
    controller.abort();
    await expect(result.undo?.()).resolves.toBeUndefined();
    expect(mocks.lambda.commandCalls(DeleteFunctionEventInvokeConfigCommand)).toHaveLength(1);
  });
});
