import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  type EventSourceMappingConfiguration,
  ListEventSourceMappingsCommand,
  ListTagsCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ensureMapping,
  findMapping,
  type MappingFound,
  planMapping,
  removeMapping,
} from '../../src/resources/event-source.js';
import { ACCOUNT, mockAws, REGION, testStackContext } from '../helpers/aws.js';
import { awsError, conflict, FN_ARN, invalidParameter } from './function-fixtures.js';

const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:mission-undelivered`;
const UUID = '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const ESM_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:event-source-mapping:${UUID}`;
const TAGS = { 'alarm-to-slack:stack': 'mission' };
/** Lambda's refusal while the role's new SQS permissions have not propagated. */
const NO_RECEIVE = invalidParameter(
  'The function execution role does not have permissions to call ReceiveMessage on SQS',
);
const inUse = () =>
  new ResourceInUseException({
    message: `Cannot update the event source mapping ${UUID} because it is in use.`,
    $metadata: { httpStatusCode: 400 },
  });
const exists = conflict(
  `The event source arn (" ${QUEUE_ARN} ") and function (" mission-lambda ") provided mapping already exists. Please update or delete the existing mapping with UUID ${UUID}`,
);

const mapping = (
  overrides: Partial<EventSourceMappingConfiguration> = {},
): EventSourceMappingConfiguration => ({
  UUID,
  EventSourceMappingArn: ESM_ARN,
  EventSourceArn: QUEUE_ARN,
  FunctionArn: FN_ARN,
  State: 'Enabled',
  BatchSize: 5,
  MaximumBatchingWindowInSeconds: 0,
  ScalingConfig: { MaximumConcurrency: 2 },
  FunctionResponseTypes: ['ReportBatchItemFailures'],
  LastProcessingResult: 'No records processed',
  StateTransitionReason: 'USER_INITIATED',
  ...overrides,
});
const ours: MappingFound = {
  uuid: UUID,
  arn: ESM_ARN,
  state: 'Enabled',
  enabled: true,
  batchSize: 5,
  maximumBatchingWindowInSeconds: 0,
  maximumConcurrency: 2,
  functionResponseTypes: ['ReportBatchItemFailures'],
  lastProcessingResult: 'No records processed',
  stateTransitionReason: 'USER_INITIATED',
  tags: TAGS,
};
/** One made by hand in the console: batches of 10 after 5 s, no limit, no partial failures, turned off. */
const byHand: MappingFound = {
  ...ours,
  state: 'Disabled',
  enabled: false,
  batchSize: 10,
  maximumBatchingWindowInSeconds: 5,
  maximumConcurrency: undefined,
  functionResponseTypes: [],
  tags: {},
};
const CREATE = {
  FunctionName: 'mission-lambda',
  EventSourceArn: QUEUE_ARN,
  Enabled: true,
  BatchSize: 5,
  MaximumBatchingWindowInSeconds: 0,
  ScalingConfig: { MaximumConcurrency: 2 },
  FunctionResponseTypes: ['ReportBatchItemFailures'],
  Tags: TAGS,
};
const writes = () =>
  mocks
    .calls()
    .filter(([, name]) => !/^(Get|List)/.test(name))
    .map(([, name, input]) => [name, input]);

describe('findMapping', () => {
  it('lists by function and queue across pages, and reads the mapping’s tags', async () => {
    const sent: unknown[] = [];
    mocks.lambda.on(ListEventSourceMappingsCommand).callsFake(async (input: { Marker?: string }) => {
      sent.push({ ...input });
      return input.Marker === 'page-2'
        ? { EventSourceMappings: [mapping()] }
        : {
            EventSourceMappings: [mapping({ UUID: 'alias-uuid', FunctionArn: `${FN_ARN}:live` })],
            NextMarker: 'page-2',
          };
    });
    mocks.lambda.on(ListTagsCommand).resolves({ Tags: TAGS });
    const { ctx } = testStackContext();
    expect(await findMapping(ctx)).toEqual(ours);
    expect(sent).toEqual([
      { FunctionName: 'mission-lambda', EventSourceArn: QUEUE_ARN, Marker: undefined },
      { FunctionName: 'mission-lambda', EventSourceArn: QUEUE_ARN, Marker: 'page-2' },
    ]);
    expect(mocks.lambda.commandCalls(ListTagsCommand).map((c) => c.args[0].input)).toEqual([
      { Resource: ESM_ARN },
    ]);
  });

  it('derives the ARN when Lambda does not return it, and reads Disabling as not enabled', async () => {
    mocks.lambda
      .on(ListEventSourceMappingsCommand)
      .resolves({ EventSourceMappings: [mapping({ EventSourceMappingArn: undefined, State: 'Disabling' })] });
    mocks.lambda.on(ListTagsCommand).resolves({});
    const { ctx } = testStackContext();
    expect(await findMapping(ctx)).toMatchObject({
      arn: ESM_ARN,
      tags: {},
      state: 'Disabling',
      enabled: false,
    });
  });

  it('is undefined when there is none, the function is gone, or the mapping is being deleted', async () => {
    const { ctx } = testStackContext();
    mocks.lambda.on(ListEventSourceMappingsCommand).resolves({ EventSourceMappings: [] });
    expect(await findMapping(ctx)).toBeUndefined();
    mocks.lambda
      .on(ListEventSourceMappingsCommand)
      .rejects(
        new ResourceNotFoundException({ message: 'Function not found', $metadata: { httpStatusCode: 404 } }),
      );
    expect(await findMapping(ctx)).toBeUndefined();
    mocks.lambda
      .on(ListEventSourceMappingsCommand)
      .resolves({ EventSourceMappings: [mapping({ State: 'Deleting' })] });
    expect(await findMapping(ctx)).toBeUndefined();
    expect(mocks.lambda.commandCalls(ListTagsCommand)).toHaveLength(0);
  });

  it('surfaces AccessDenied', async () => {
    mocks.lambda
      .on(ListEventSourceMappingsCommand)
      .rejects(awsError('AccessDeniedException', 403, 'no lambda:ListEventSourceMappings'));
    const { ctx } = testStackContext();
    await expect(findMapping(ctx)).rejects.toThrow('no lambda:ListEventSourceMappings');
  });
});

describe('planMapping', () => {
  const { ctx } = testStackContext();
  const item = { resource: 'Event source mapping', name: 'mission-undelivered → mission-lambda' };
  it('creates, keeps, or names each setting that differs and the tag it adds', () => {
    expect(planMapping(ctx, undefined)).toEqual({
      ...item,
      action: 'create',
      changes: ['batches of 5, at most 2 at once, reporting batch item failures'],
    });
    expect(planMapping(ctx, ours)).toEqual({ ...item, action: 'unchanged' });
    expect(planMapping(ctx, byHand)).toEqual({
      ...item,
      action: 'update',
      changes: [
        'batch size 10 → 5',
        'batching window 5 s → 0 s',
        'maximum concurrency (no limit) → 2',
        'report batch item failures off → on',
        'disabled → enabled',
        'add tag alarm-to-slack:stack=mission',
      ],
    });
  });

  it('a mapping still being created or updated is not a difference', () => {
    expect(planMapping(ctx, { ...ours, state: 'Creating' }).action).toBe('unchanged');
    expect(planMapping(ctx, { ...ours, state: 'Updating' }).action).toBe('unchanged');
  });
});

describe('ensureMapping: a new mapping', () => {
  it('creates it tagged, paced and reporting batch item failures; undo deletes it', async () => {
    mocks.lambda
      .on(CreateEventSourceMappingCommand)
      .resolves({ UUID, EventSourceMappingArn: ESM_ARN, State: 'Creating' });
    const { ctx } = testStackContext();
    const result = await ensureMapping(ctx, undefined);
    expect(result.change).toBe('created');
    expect(result.value).toEqual({ uuid: UUID, arn: ESM_ARN });
    expect(writes()).toEqual([['CreateEventSourceMappingCommand', CREATE]]);
    mocks.lambda.resetHistory();
    await result.undo?.();
    expect(writes()).toEqual([['DeleteEventSourceMappingCommand', { UUID }]]);
  });

  it('waits for IAM while Lambda says the role may not receive from SQS, then creates it', async () => {
    mocks.lambda
      .on(CreateEventSourceMappingCommand)
      .rejectsOnce(NO_RECEIVE)
      .resolves({ UUID, EventSourceMappingArn: ESM_ARN });
    const { ctx, sleeps, notes } = testStackContext();
    expect((await ensureMapping(ctx, undefined)).change).toBe('created');
    expect(mocks.lambda.commandCalls(CreateEventSourceMappingCommand)).toHaveLength(2);
    expect(sleeps).toEqual([1000]);
    expect(notes).toEqual(['Waiting for IAM to propagate the new role (attempt 2)…']);
  });

  it('updates a mapping created meanwhile instead, and its undo never deletes it', async () => {
    mocks.lambda.on(CreateEventSourceMappingCommand).rejects(exists);
    mocks.lambda
      .on(ListEventSourceMappingsCommand)
      .resolves({ EventSourceMappings: [mapping({ BatchSize: 10 })] });
    mocks.lambda.on(ListTagsCommand).resolves({ Tags: TAGS });
    const { ctx, sleeps } = testStackContext();
    const result = await ensureMapping(ctx, undefined);
    expect(result.change).toBe('updated');
    expect(sleeps).toEqual([]);
    mocks.lambda.resetHistory();
    await result.undo?.();
    expect(writes()).toEqual([['UpdateEventSourceMappingCommand', { UUID, BatchSize: 10 }]]);
  });

  it('creates it again once the pair’s previous mapping has finished deleting', async () => {
    mocks.lambda
      .on(CreateEventSourceMappingCommand)
      .rejectsOnce(exists)
      .resolves({ UUID, EventSourceMappingArn: ESM_ARN });
    mocks.lambda
      .on(ListEventSourceMappingsCommand)
      .resolves({ EventSourceMappings: [mapping({ UUID: 'old', State: 'Deleting' })] });
    const { ctx, sleeps, notes } = testStackContext();
    expect((await ensureMapping(ctx, undefined)).change).toBe('created');
    expect(sleeps).toEqual([1000]);
    expect(notes).toEqual(["Waiting for the event source mapping's previous change to finish (attempt 2)…"]);
  });

  it('fails at once on a real refusal (a visibility timeout shorter than the function’s)', async () => {
    const short = invalidParameter(
      'Queue visibility timeout: 30 seconds is less than Function timeout: 90 seconds',
    );
    mocks.lambda.on(CreateEventSourceMappingCommand).rejects(short);
    const { ctx, sleeps } = testStackContext();
    await expect(ensureMapping(ctx, undefined)).rejects.toBe(short);
    expect(sleeps).toEqual([]);
  });
});

describe('ensureMapping: an existing mapping', () => {
  it('makes no call when it is as wanted', async () => {
    const { ctx } = testStackContext();
    expect(await ensureMapping(ctx, ours)).toEqual({
      change: 'unchanged',
      value: { uuid: UUID, arn: ESM_ARN },
    });
    expect(mocks.calls()).toEqual([]);
  });

  it('updates only what differs and tags it; undo restores each setting and removes the tag', async () => {
    const { ctx } = testStackContext();
    const result = await ensureMapping(ctx, byHand);
    expect(result.change).toBe('updated');
    expect(writes()).toEqual([
      [
        'UpdateEventSourceMappingCommand',
        {
          UUID,
          BatchSize: 5,
          MaximumBatchingWindowInSeconds: 0,
          ScalingConfig: { MaximumConcurrency: 2 },
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          Enabled: true,
        },
      ],
      ['TagResourceCommand', { Resource: ESM_ARN, Tags: TAGS }],
    ]);
    mocks.lambda.resetHistory();
    await result.undo?.();
    expect(writes()).toEqual([
      [
        'UpdateEventSourceMappingCommand',
        {
          UUID,
          BatchSize: 10,
          MaximumBatchingWindowInSeconds: 5,
          ScalingConfig: {},
          FunctionResponseTypes: [],
          Enabled: false,
        },
      ],
      ['UntagResourceCommand', { Resource: ESM_ARN, TagKeys: ['alarm-to-slack:stack'] }],
    ]);
  });

  it('retries the update while the mapping is still being created', async () => {
    mocks.lambda.on(UpdateEventSourceMappingCommand).rejectsOnce(inUse()).rejectsOnce(inUse()).resolves({});
    const { ctx, sleeps } = testStackContext();
    const result = await ensureMapping(ctx, { ...ours, state: 'Creating', batchSize: 10 });
    expect(result.change).toBe('updated');
    expect(mocks.lambda.commandCalls(UpdateEventSourceMappingCommand)).toHaveLength(3);
    expect(sleeps).toEqual([1000, 2000]);
  });

  it('gives up after about 2 minutes of ResourceInUseException, with AWS’s words', async () => {
    mocks.lambda.on(UpdateEventSourceMappingCommand).rejects(inUse());
    const { ctx, sleeps } = testStackContext();
    await expect(ensureMapping(ctx, { ...ours, batchSize: 10 })).rejects.toThrow(
      /^The event source mapping of mission-lambda was still busy after about 2 minutes \(\d+ attempts\); AWS said: ResourceInUseException: Cannot update/,
    );
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(120_000);
  });

  it('reverts the update when tagging fails, and throws the tagging error', async () => {
    mocks.lambda
      .on(TagResourceCommand)
      .rejects(awsError('AccessDeniedException', 403, 'no lambda:TagResource'));
    const { ctx } = testStackContext();
    await expect(ensureMapping(ctx, byHand)).rejects.toThrow('no lambda:TagResource');
    expect(writes().map(([name]) => name)).toEqual([
      'UpdateEventSourceMappingCommand',
      'TagResourceCommand',
      'UpdateEventSourceMappingCommand',
    ]);
    expect(mocks.lambda.commandCalls(UpdateEventSourceMappingCommand)[1]?.args[0].input).toMatchObject({
      UUID,
      BatchSize: 10,
      Enabled: false,
    });
    expect(mocks.lambda.commandCalls(UntagResourceCommand)).toHaveLength(0);
  });
});

describe('removeMapping', () => {
  it('deletes the mapping by UUID, retrying while it is busy', async () => {
    mocks.lambda
      .on(DeleteEventSourceMappingCommand)
      .rejectsOnce(inUse())
      .resolves({ UUID, State: 'Deleting' });
    const { ctx, sleeps } = testStackContext();
    await removeMapping(ctx, UUID);
    expect(writes()).toEqual([
      ['DeleteEventSourceMappingCommand', { UUID }],
      ['DeleteEventSourceMappingCommand', { UUID }],
    ]);
    expect(sleeps).toEqual([1000]);
  });

  it('is a no-op when it is already gone', async () => {
    mocks.lambda.on(DeleteEventSourceMappingCommand).rejects(
      new ResourceNotFoundException({
        message: 'The resource you requested does not exist.',
        $metadata: { httpStatusCode: 404 },
      }),
    );
    const { ctx } = testStackContext();
    await expect(removeMapping(ctx, UUID)).resolves.toBeUndefined();
  });

  it('surfaces other errors', async () => {
    mocks.lambda
      .on(DeleteEventSourceMappingCommand)
      .rejects(awsError('AccessDeniedException', 403, 'no lambda:DeleteEventSourceMapping'));
    const { ctx } = testStackContext();
    await expect(removeMapping(ctx, UUID)).rejects.toThrow('no lambda:DeleteEventSourceMapping');
  });
});
