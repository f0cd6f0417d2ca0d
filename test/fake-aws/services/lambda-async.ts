import type {
  CreateEventSourceMappingRequest,
  DestinationConfig,
  ListEventSourceMappingsRequest,
  PutFunctionEventInvokeConfigRequest,
  UpdateEventSourceMappingRequest,
} from '@aws-sdk/client-lambda';
import { clone, type Env, type Handlers, on, page, refusedByWindow } from '../env.js';
import { awsError } from '../errors.js';
import { roleAllows } from '../policy.js';
import type { EventInvokeConfigRecord, FunctionRecord, MappingRecord } from '../types.js';
import { findFunction, functionName } from './lambda.js';

/**
 * Asynchronous invocation configs and SQS event source mappings.
 * - PutFunctionEventInvokeConfig replaces the whole config ("If you exclude any settings, they are
 *   removed"), UpdateFunctionEventInvokeConfig merges; Get/Update/Delete of none answer
 *   ResourceNotFoundException "The function <arn>:$LATEST doesn't have an EventInvokeConfig". A
 *   destination needs the execution role's permission (sqs:SendMessage, sns:Publish,
 *   lambda:InvokeFunction, events:PutEvents), also through its propagation window.
 * - CreateEventSourceMapping checks what Lambda checks for SQS: the queue exists, the role may
 *   ReceiveMessage, DeleteMessage and GetQueueAttributes ("The provided execution role does not have
 *   permissions to call ReceiveMessage on SQS", aws/aws-cdk#6770), the queue's visibility timeout is not
 *   less than the function's timeout ("Queue visibility timeout: 30 seconds is less than Function
 *   timeout: 60 seconds", github-aws-runners/terraform-aws-github-runner#465), and no mapping of that
 *   queue to that function exists (ResourceConflictException, with the existing UUID). States go
 *   Creating → Enabled/Disabled, Updating → …, Deleting → gone, each after Timing.mappingSettleReads
 *   reads. Mappings outlive their function, as on AWS.
 */
const QUALIFIER = '$LATEST';
const SQS_ACTIONS = ['ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes'];

const destinationAction = (arn: string): [string, string] | undefined => {
  const service = arn.split(':')[2];
  if (service === 'sqs') return ['sqs:SendMessage', 'SendMessage'];
  if (service === 'sns') return ['sns:Publish', 'Publish'];
  if (service === 'lambda') return ['lambda:InvokeFunction', 'InvokeFunction'];
  if (service === 'events') return ['events:PutEvents', 'PutEvents'];
  return undefined;
};

export function asyncHandlers(env: Env): Handlers {
  const { state } = env;
  const roleOf = (fn: FunctionRecord) => fn.config.Role?.split('/').pop() ?? '';
  const noConfig = (fn: FunctionRecord) =>
    awsError(
      'ResourceNotFoundException',
      404,
      `The function ${fn.config.FunctionArn}:${QUALIFIER} doesn't have an EventInvokeConfig`,
    );
  const checkDestinations = (fn: FunctionRecord, config: DestinationConfig | undefined) => {
    for (const arn of [config?.OnSuccess?.Destination, config?.OnFailure?.Destination]) {
      if (!arn) continue;
      const action = destinationAction(arn);
      if (!action)
        throw awsError('InvalidParameterValueException', 400, `The destination ARN ${arn} is invalid.`);
      const role = roleOf(fn);
      if (!roleAllows(state, role, action[0], arn) || refusedByWindow(env, env.windows.policy, role))
        throw awsError(
          'InvalidParameterValueException',
          400,
          `The function's execution role does not have permissions to call ${action[1]} on ${arn}`,
        );
    }
  };
  const configView = (fn: FunctionRecord, c: EventInvokeConfigRecord) => ({
    LastModified: c.LastModified,
    FunctionArn: `${fn.config.FunctionArn}:${QUALIFIER}`,
    ...(c.MaximumRetryAttempts === undefined ? {} : { MaximumRetryAttempts: c.MaximumRetryAttempts }),
    ...(c.MaximumEventAgeInSeconds === undefined
      ? {}
      : { MaximumEventAgeInSeconds: c.MaximumEventAgeInSeconds }),
    DestinationConfig: {
      OnSuccess: { ...c.DestinationConfig?.OnSuccess },
      OnFailure: { ...c.DestinationConfig?.OnFailure },
    },
  });
  const validateLimits = (retries: number | undefined, age: number | undefined) => {
    if (retries !== undefined && (retries < 0 || retries > 2))
      throw awsError('InvalidParameterValueException', 400, 'MaximumRetryAttempts must be between 0 and 2.');
    if (age !== undefined && (age < 60 || age > 21_600))
      throw awsError(
        'InvalidParameterValueException',
        400,
        'MaximumEventAgeInSeconds must be between 60 and 21600.',
      );
  };
  const existing = (name: unknown) => {
    const fn = findFunction(env, name);
    const c = fn.invokeConfigs?.[QUALIFIER];
    if (!c) throw noConfig(fn);
    return { fn, c };
  };

  const mapping = (uuid: string | undefined): MappingRecord => {
    const m = state.mappings.get(uuid ?? '');
    if (!m) throw awsError('ResourceNotFoundException', 404, 'The resource you requested does not exist.');
    return m;
  };
  /** A read: transitional states settle (and a Deleting mapping disappears) after enough reads. */
  const settled = (m: MappingRecord): MappingRecord | undefined => {
    if ((m.settleReads ?? 0) > 0) {
      m.settleReads = (m.settleReads ?? 0) - 1;
      return m;
    }
    delete m.settleReads;
    if (m.State === 'Deleting') {
      state.mappings.delete(m.UUID);
      return undefined;
    }
    if (m.State === 'Creating' || m.State === 'Updating' || m.State === 'Enabling' || m.State === 'Disabling')
      m.State = m.StateTransitionReason === 'USER_INITIATED' && m.Enabled === false ? 'Disabled' : 'Enabled';
    return m;
  };
  const transition = (m: MappingRecord, next: string) => {
    Object.assign(m, {
      State: next,
      LastModified: new Date(env.now()),
      settleReads: env.timing.mappingSettleReads,
    });
    const answer: MappingRecord = clone(m);
    delete answer.settleReads;
    delete answer.Enabled;
    if (env.timing.mappingSettleReads === 0) settled(m);
    return answer;
  };
  const view = (m: MappingRecord) => {
    const out: MappingRecord = clone(m);
    delete out.settleReads;
    delete out.Enabled;
    return out;
  };
  const checkBatch = (batch: number | undefined, window: number | undefined) => {
    if (batch !== undefined && (batch < 1 || batch > 10_000))
      throw awsError('InvalidParameterValueException', 400, 'BatchSize must be between 1 and 10000 for SQS.');
    if ((batch ?? 10) > 10 && (window ?? 0) < 1)
      throw awsError(
        'InvalidParameterValueException',
        400,
        'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10',
      );
  };

  return {
    'lambda.PutFunctionEventInvokeConfig': on<PutFunctionEventInvokeConfigRequest>((input) => {
      const fn = findFunction(env, input.FunctionName);
      validateLimits(input.MaximumRetryAttempts, input.MaximumEventAgeInSeconds);
      checkDestinations(fn, input.DestinationConfig);
      const c: EventInvokeConfigRecord = {
        MaximumRetryAttempts: input.MaximumRetryAttempts,
        MaximumEventAgeInSeconds: input.MaximumEventAgeInSeconds,
        DestinationConfig: input.DestinationConfig,
        LastModified: new Date(env.now()),
      };
      fn.invokeConfigs = { ...fn.invokeConfigs, [QUALIFIER]: c };
      return configView(fn, c);
    }),
    'lambda.UpdateFunctionEventInvokeConfig': on<PutFunctionEventInvokeConfigRequest>((input) => {
      const { fn, c } = existing(input.FunctionName);
      validateLimits(input.MaximumRetryAttempts, input.MaximumEventAgeInSeconds);
      checkDestinations(fn, input.DestinationConfig);
      if (input.MaximumRetryAttempts !== undefined) c.MaximumRetryAttempts = input.MaximumRetryAttempts;
      if (input.MaximumEventAgeInSeconds !== undefined)
        c.MaximumEventAgeInSeconds = input.MaximumEventAgeInSeconds;
      if (input.DestinationConfig)
        c.DestinationConfig = {
          OnSuccess: input.DestinationConfig.OnSuccess ?? c.DestinationConfig?.OnSuccess,
          OnFailure: input.DestinationConfig.OnFailure ?? c.DestinationConfig?.OnFailure,
        };
      c.LastModified = new Date(env.now());
      return configView(fn, c);
    }),
    'lambda.GetFunctionEventInvokeConfig': on<{ FunctionName?: string }>(({ FunctionName }) => {
      const { fn, c } = existing(FunctionName);
      return configView(fn, c);
    }),
    'lambda.DeleteFunctionEventInvokeConfig': on<{ FunctionName?: string }>(({ FunctionName }) => {
      const { fn } = existing(FunctionName);
      delete fn.invokeConfigs?.[QUALIFIER];
      return {};
    }),

    'lambda.CreateEventSourceMapping': on<CreateEventSourceMappingRequest>((input) => {
      const fn = findFunction(env, input.FunctionName);
      const source = input.EventSourceArn ?? '';
      const queue = state.queues.get(source.split(':').pop() ?? '');
      if (!source.includes(':sqs:') || !queue || queue.arn !== source)
        throw awsError(
          'InvalidParameterValueException',
          400,
          'Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist for this wsdl version.',
        );
      const role = roleOf(fn);
      const denied = SQS_ACTIONS.find((a) => !roleAllows(state, role, `sqs:${a}`, source));
      if (denied || refusedByWindow(env, env.windows.policy, role))
        throw awsError(
          'InvalidParameterValueException',
          400,
          `The provided execution role does not have permissions to call ${denied ?? 'ReceiveMessage'} on SQS`,
        );
      const visibility = Number(queue.attributes.VisibilityTimeout ?? 30);
      if (visibility < (fn.config.Timeout ?? 3))
        throw awsError(
          'InvalidParameterValueException',
          400,
          `Queue visibility timeout: ${visibility} seconds is less than Function timeout: ${fn.config.Timeout} seconds`,
        );
      const duplicate = [...state.mappings.values()].find(
        (m) => m.EventSourceArn === source && m.FunctionArn === fn.config.FunctionArn,
      );
      if (duplicate)
        throw awsError(
          'ResourceConflictException',
          409,
          `An event source mapping with SQS arn (" ${source} ") and function (" ${fn.config.FunctionName} ") already exists. Please update or delete the existing mapping with UUID ${duplicate.UUID}`,
        );
      checkBatch(input.BatchSize, input.MaximumBatchingWindowInSeconds);
      const UUID = env.uuid();
      const m: MappingRecord = {
        UUID,
        BatchSize: input.BatchSize ?? 10,
        MaximumBatchingWindowInSeconds: input.MaximumBatchingWindowInSeconds ?? 0,
        EventSourceArn: source,
        FunctionArn: fn.config.FunctionArn,
        LastModified: new Date(env.now()),
        State: 'Creating',
        StateTransitionReason: 'USER_INITIATED',
        FunctionResponseTypes: input.FunctionResponseTypes ?? [],
        ...(input.ScalingConfig ? { ScalingConfig: input.ScalingConfig } : {}),
        ...(input.FilterCriteria ? { FilterCriteria: input.FilterCriteria } : {}),
        EventSourceMappingArn: env.arn('lambda', `event-source-mapping:${UUID}`),
        Enabled: input.Enabled ?? true,
        tags: { ...(input.Tags ?? {}) },
      };
      state.mappings.set(UUID, m);
      return transition(m, 'Creating');
    }),
    'lambda.GetEventSourceMapping': on<{ UUID?: string }>(({ UUID }) => {
      const m = settled(mapping(UUID));
      if (!m) throw awsError('ResourceNotFoundException', 404, 'The resource you requested does not exist.');
      return view(m);
    }),
    'lambda.ListEventSourceMappings': on<ListEventSourceMappingsRequest>((input) => {
      const fnArn = input.FunctionName
        ? env.arn('lambda', `function:${functionName(input.FunctionName)}`)
        : undefined;
      const all = [...state.mappings.values()]
        .map(settled)
        .filter((m): m is MappingRecord => m !== undefined)
        .filter(
          (m) =>
            (fnArn === undefined || m.FunctionArn === fnArn) &&
            (!input.EventSourceArn || m.EventSourceArn === input.EventSourceArn),
        );
      const p = page(all, input.Marker, input.MaxItems ?? 100);
      if (!p) throw awsError('InvalidParameterValueException', 400, 'Invalid Marker');
      return { EventSourceMappings: p.items.map(view), ...(p.next ? { NextMarker: p.next } : {}) };
    }),
    'lambda.UpdateEventSourceMapping': on<UpdateEventSourceMappingRequest>((input) => {
      const m = mapping(input.UUID);
      if (m.State !== 'Enabled' && m.State !== 'Disabled')
        throw awsError(
          'ResourceInUseException',
          400,
          `Cannot update the event source mapping because it is in use (state ${m.State ?? 'unknown'}).`,
        );
      checkBatch(
        input.BatchSize ?? m.BatchSize,
        input.MaximumBatchingWindowInSeconds ?? m.MaximumBatchingWindowInSeconds,
      );
      if (input.FunctionName) m.FunctionArn = findFunction(env, input.FunctionName).config.FunctionArn;
      for (const field of [
        'BatchSize',
        'MaximumBatchingWindowInSeconds',
        'FunctionResponseTypes',
        'ScalingConfig',
        'FilterCriteria',
        'Enabled',
      ] as const)
        if (input[field] !== undefined) Object.assign(m, { [field]: input[field] });
      return transition(m, 'Updating');
    }),
    'lambda.DeleteEventSourceMapping': on<{ UUID?: string }>(({ UUID }) => {
      const m = mapping(UUID);
      if (m.State === 'Creating' || m.State === 'Updating')
        throw awsError(
          'ResourceInUseException',
          400,
          `Cannot delete the event source mapping because it is in use (state ${m.State}).`,
        );
      return transition(m, 'Deleting');
    }),
  };
}
