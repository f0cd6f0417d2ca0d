/**
 * The SQS event source mapping from `<name>-undelivered` to the notifier: Lambda polls the queue and
 * hands the function the alerts it gave up on, paced (batches of 5, at most 2 invocations at once, the
 * least ScalingConfig allows), and deletes only the messages the function reports as delivered
 * (ReportBatchItemFailures). Lambda does not delete a mapping with its function (DeleteFunction's
 * reference says to use DeleteEventSourceMapping): teardown removes it before the function and queue.
 */
import {
  CreateEventSourceMappingCommand,
  type CreateEventSourceMappingRequest,
  DeleteEventSourceMappingCommand,
  type EventSourceMappingConfiguration,
  type FunctionResponseType,
  LambdaClient,
  ListTagsCommand,
  paginateListEventSourceMappings,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateEventSourceMappingCommand,
  type UpdateEventSourceMappingRequest,
} from '@aws-sdk/client-lambda';
import { awsErrorName, awsMessage, CliError, isNotFound } from '../errors.js';
import { STACK_TAG } from '../names.js';
import { applyAll, type Write } from './cleanup.js';
import { type Ensured, type PlanItem, type StackContext, stackTags, type Tags } from './context.js';
import { forUndo, withLambdaRetry } from './function-retry.js';
import { tagMissing, withTagPlan } from './stack-tag.js';

const MAPPING_BATCH_SIZE = 5;
const MAPPING_BATCHING_WINDOW_S = 0;
/** Lambda's minimum for ScalingConfig.MaximumConcurrency (2–1000). */
const MAPPING_MAX_CONCURRENCY = 2;
const MAPPING_RESPONSE_TYPES: FunctionResponseType[] = ['ReportBatchItemFailures'];

/** How long a mapping may stay Creating/Updating/Deleting before we give up waiting for it. */
const BUSY_BUDGET_MS = 120_000;
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 10_000;

export interface MappingFound {
  uuid: string;
  arn: string;
  /** Creating, Enabling, Enabled, Disabling, Disabled, Updating or Deleting. */
  state: string | undefined;
  /** False when Disabled or Disabling (Creating and Updating keep what was asked for). */
  enabled: boolean;
  batchSize: number | undefined;
  maximumBatchingWindowInSeconds: number | undefined;
  maximumConcurrency: number | undefined;
  functionResponseTypes: FunctionResponseType[];
  /** E.g. "OK", "PROBLEM: Function call failed" (what the last poll of the queue came to). */
  lastProcessingResult: string | undefined;
  stateTransitionReason: string | undefined;
  tags: Tags;
}

const lambda = (ctx: StackContext) => ctx.clients.get(LambdaClient);
const mappingArn = (ctx: StackContext, uuid: string) =>
  `arn:${ctx.partition}:lambda:${ctx.region}:${ctx.account}:event-source-mapping:${uuid}`;
/** "The operation conflicts with the resource's availability", e.g. an update while it is Creating. */
const inUse = (error: unknown) => awsErrorName(error) === 'ResourceInUseException';

/** ListEventSourceMappings by function and queue, every page; undefined when none (or no function). */
async function listMapping(ctx: StackContext): Promise<EventSourceMappingConfiguration | undefined> {
  const all: EventSourceMappingConfiguration[] = [];
  try {
    const pages = paginateListEventSourceMappings(
      { client: lambda(ctx) },
      { FunctionName: ctx.names.functionName, EventSourceArn: ctx.arns.queueArn },
    );
    for await (const page of pages) all.push(...(page.EventSourceMappings ?? []));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  // One per function and queue: the unqualified function's (an alias's mapping is not ours).
  return all.find((m) => m.FunctionArn === undefined || m.FunctionArn === ctx.arns.functionArn);
}

/** The mapping from the queue to the function (one being deleted counts as none), with its tags. */
export async function findMapping(ctx: StackContext): Promise<MappingFound | undefined> {
  const m = await listMapping(ctx);
  if (!m?.UUID || m.State === 'Deleting') return undefined;
  const arn = m.EventSourceMappingArn ?? mappingArn(ctx, m.UUID);
  let tags: Tags;
  try {
    tags = { ...(await lambda(ctx).send(new ListTagsCommand({ Resource: arn }))).Tags };
  } catch (error) {
    if (isNotFound(error)) return undefined; // deleted meanwhile
    throw error;
  }
  return {
    uuid: m.UUID,
    arn,
    state: m.State,
    enabled: m.State !== 'Disabled' && m.State !== 'Disabling',
    batchSize: m.BatchSize,
    maximumBatchingWindowInSeconds: m.MaximumBatchingWindowInSeconds,
    maximumConcurrency: m.ScalingConfig?.MaximumConcurrency,
    functionResponseTypes: [...(m.FunctionResponseTypes ?? [])],
    lastProcessingResult: m.LastProcessingResult,
    stateTransitionReason: m.StateTransitionReason,
    tags,
  };
}

const reportsFailures = (types: FunctionResponseType[]) => types.includes('ReportBatchItemFailures');

/** What differs from ours: the update to send, the one undoing it, and the plan's line for each. */
function differences(found: MappingFound) {
  const set: Partial<UpdateEventSourceMappingRequest> = {};
  const undo: Partial<UpdateEventSourceMappingRequest> = {};
  const lines: string[] = [];
  if (found.batchSize !== MAPPING_BATCH_SIZE) {
    set.BatchSize = MAPPING_BATCH_SIZE;
    if (found.batchSize !== undefined) undo.BatchSize = found.batchSize;
    lines.push(`batch size ${found.batchSize ?? '(default)'} → ${MAPPING_BATCH_SIZE}`);
  }
  const window = found.maximumBatchingWindowInSeconds ?? 0; // SQS's default
  if (window !== MAPPING_BATCHING_WINDOW_S) {
    set.MaximumBatchingWindowInSeconds = MAPPING_BATCHING_WINDOW_S;
    undo.MaximumBatchingWindowInSeconds = window;
    lines.push(`batching window ${window} s → ${MAPPING_BATCHING_WINDOW_S} s`);
  }
  if (found.maximumConcurrency !== MAPPING_MAX_CONCURRENCY) {
    set.ScalingConfig = { MaximumConcurrency: MAPPING_MAX_CONCURRENCY };
    // An empty ScalingConfig removes the limit again (AWS: "To remove the configuration, pass an empty value").
    undo.ScalingConfig =
      found.maximumConcurrency === undefined ? {} : { MaximumConcurrency: found.maximumConcurrency };
    lines.push(
      `maximum concurrency ${found.maximumConcurrency ?? '(no limit)'} → ${MAPPING_MAX_CONCURRENCY}`,
    );
  }
  if (!reportsFailures(found.functionResponseTypes)) {
    set.FunctionResponseTypes = MAPPING_RESPONSE_TYPES;
    undo.FunctionResponseTypes = found.functionResponseTypes;
    lines.push('report batch item failures off → on');
  }
  if (!found.enabled) {
    set.Enabled = true;
    undo.Enabled = false;
    lines.push('disabled → enabled');
  }
  return { set, undo, lines };
}

export function planMapping(ctx: StackContext, found: MappingFound | undefined): PlanItem {
  const item = { resource: 'Event source mapping', name: `${ctx.names.queue} → ${ctx.names.functionName}` };
  if (!found)
    return {
      ...item,
      action: 'create',
      changes: [
        `batches of ${MAPPING_BATCH_SIZE}, at most ${MAPPING_MAX_CONCURRENCY} at once, reporting batch item failures`,
      ],
    };
  const { lines } = differences(found);
  const planned: PlanItem =
    lines.length === 0 ? { ...item, action: 'unchanged' } : { ...item, action: 'update', changes: lines };
  return withTagPlan(planned, found.tags, ctx.names.stack);
}

/**
 * Calls `call` until it succeeds, while `busy` says the mapping is still Creating/Updating/Deleting
 * (ResourceInUseException), with backoff (1 s, 2 s … 10 s) through the stack's clock, ~2 minutes at most.
 */
async function whileBusy<T>(
  ctx: StackContext,
  call: () => Promise<T>,
  busy: (error: unknown) => boolean = inUse,
): Promise<T> {
  let slept = 0;
  let attempt = 1;
  let delay = FIRST_DELAY_MS;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!busy(error)) throw error;
      if (slept + delay > BUSY_BUDGET_MS) {
        throw new CliError(
          `The event source mapping of ${ctx.names.functionName} was still busy after about 2 minutes (${attempt} attempts); AWS said: ${awsMessage(error)}`,
          { cause: error },
        );
      }
      attempt += 1;
      ctx.note(`Waiting for the event source mapping's previous change to finish (attempt ${attempt})…`);
      await ctx.clock.sleep(delay, ctx.signal);
      slept += delay;
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}

function createInput(ctx: StackContext): CreateEventSourceMappingRequest {
  return {
    FunctionName: ctx.names.functionName,
    EventSourceArn: ctx.arns.queueArn,
    Enabled: true,
    BatchSize: MAPPING_BATCH_SIZE,
    MaximumBatchingWindowInSeconds: MAPPING_BATCHING_WINDOW_S,
    ScalingConfig: { MaximumConcurrency: MAPPING_MAX_CONCURRENCY },
    FunctionResponseTypes: MAPPING_RESPONSE_TYPES,
    Tags: stackTags(ctx.names.stack),
  };
}

/** "The event source arn (…) and function (…) provided mapping already exists. Please update or delete …" */
const alreadyExists = (error: unknown) =>
  awsErrorName(error) === 'ResourceConflictException' &&
  /already exists/i.test(error instanceof Error ? error.message : '');

/** The new mapping, or the one created meanwhile (not ours to delete on undo). */
async function createMapping(
  ctx: StackContext,
): Promise<{ uuid: string; arn: string } | { existing: MappingFound }> {
  const send = () =>
    withLambdaRetry(ctx, () => lambda(ctx).send(new CreateEventSourceMappingCommand(createInput(ctx))), {
      propagation: true,
      conflicts: true,
    });
  const out = await whileBusy(
    ctx,
    async () => {
      try {
        return await send();
      } catch (error) {
        if (!alreadyExists(error)) throw error;
        const existing = await findMapping(ctx);
        if (existing) return { existing };
        throw error; // the pair's previous mapping is still Deleting: create again once it is gone
      }
    },
    (error) => alreadyExists(error) || inUse(error),
  );
  if ('existing' in out) return out;
  if (!out.UUID) throw new CliError(`Lambda returned no UUID for the new event source mapping.`);
  return { uuid: out.UUID, arn: out.EventSourceMappingArn ?? mappingArn(ctx, out.UUID) };
}

/**
 * CreateEventSourceMapping, retried while Lambda refuses it because the role's new sqs:ReceiveMessage,
 * DeleteMessage and GetQueueAttributes have not propagated ("The function execution role does not have
 * permissions to call ReceiveMessage on SQS"), and while a previous mapping of the pair is still being
 * deleted. One created meanwhile is updated instead. An existing mapping gets one
 * UpdateEventSourceMapping with only what differs (retried while it is Creating/Updating) and, without
 * a stack tag, TagResource. Undo deletes what was created, or restores what was updated.
 */
export async function ensureMapping(
  ctx: StackContext,
  found: MappingFound | undefined,
): Promise<Ensured<{ uuid: string; arn: string }>> {
  if (!found) {
    const made = await createMapping(ctx);
    if ('existing' in made) return ensureMapping(ctx, made.existing);
    const { uuid, arn } = made;
    return { change: 'created', value: { uuid, arn }, undo: () => removeMapping(forUndo(ctx), uuid) };
  }
  const value = { uuid: found.uuid, arn: found.arn };
  const { set, undo, lines } = differences(found);
  const writes: Write[] = [];
  const update = (c: StackContext, fields: Partial<UpdateEventSourceMappingRequest>) =>
    withLambdaRetry(
      c,
      () =>
        whileBusy(c, () =>
          lambda(c).send(new UpdateEventSourceMappingCommand({ ...fields, UUID: found.uuid })),
        ),
      { propagation: true },
    );
  if (lines.length > 0) writes.push({ run: () => update(ctx, set), undo: () => update(forUndo(ctx), undo) });
  if (tagMissing(found.tags, ctx.names.stack)) {
    const Resource = found.arn;
    writes.push({
      run: () => lambda(ctx).send(new TagResourceCommand({ Resource, Tags: stackTags(ctx.names.stack) })),
      undo: () => lambda(ctx).send(new UntagResourceCommand({ Resource, TagKeys: [STACK_TAG] })),
    });
  }
  if (writes.length === 0) return { change: 'unchanged', value };
  const undoAll = await applyAll(ctx, writes, `Event source mapping ${found.uuid} (partly updated)`);
  return { change: 'updated', value, undo: undoAll };
}

/** DeleteEventSourceMapping, retried while the mapping is Creating/Updating; no-op when it is gone. */
export async function removeMapping(ctx: StackContext, uuid: string): Promise<void> {
  try {
    await whileBusy(ctx, () => lambda(ctx).send(new DeleteEventSourceMappingCommand({ UUID: uuid })));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
