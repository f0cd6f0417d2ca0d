import type {
  AddPermissionRequest,
  CreateFunctionRequest,
  RemovePermissionRequest,
  UpdateFunctionCodeRequest,
  UpdateFunctionConfigurationRequest,
} from '@aws-sdk/client-lambda';
import { clone, type Env, type Handlers, on, refusedByWindow, sha256 } from '../env.js';
import { awsError } from '../errors.js';
import { trustsLambda } from '../policy.js';
import type { FunctionConfig, FunctionRecord, PolicyStatement } from '../types.js';

/**
 * Lambda functions, their resource policy and tags. CreateFunction answers State Pending and
 * UpdateFunctionConfiguration/UpdateFunctionCode LastUpdateStatus InProgress, as Lambda does; the
 * function settles (Active, Successful) after Timing.functionSettleReads reads of GetFunction (0: by
 * the first read), and until then another update is refused with ResourceConflictException, which is
 * what the SDK waiters poll through. The role must exist and trust lambda.amazonaws.com, and is refused
 * ("The role defined for the function cannot be assumed by Lambda.") while its trust propagation
 * window is open (Timing.iamCalls / iamMs after CreateRole or UpdateAssumeRolePolicy). DeleteFunction
 * takes the resource policy and the event invoke configs with it, not the event source mappings (AWS:
 * "To delete Lambda event source mappings that invoke a function, use DeleteEventSourceMapping").
 */
const lambdaTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
export const functionName = (name: unknown) =>
  String(name ?? '')
    .split(':function:')
    .pop()
    ?.split(':')[0] ?? '';

export function findFunction(env: Env, name: unknown): FunctionRecord {
  const bare = functionName(name);
  const fn = env.state.functions.get(bare);
  if (!fn)
    throw awsError(
      'ResourceNotFoundException',
      404,
      `Function not found: ${env.arn('lambda', `function:${bare}`)}`,
    );
  return fn;
}

const UPDATABLE = [
  'Role',
  'Handler',
  'Description',
  'Timeout',
  'MemorySize',
  'Runtime',
  'DeadLetterConfig',
  'TracingConfig',
  'Layers',
  'EphemeralStorage',
  'LoggingConfig',
] as const;

export function lambdaHandlers(env: Env): Handlers {
  const { state } = env;
  /** Functions not settled yet: reads left, and what they settle into. */
  const settling = new Map<string, { reads: number; kind: 'create' | 'update' }>();
  const settle = (fn: FunctionRecord) => {
    const s = settling.get(fn.config.FunctionName);
    if (s && s.reads-- > 0) return;
    settling.delete(fn.config.FunctionName);
    const failed = s?.kind === 'create' ? state.newFunctionFails : undefined;
    if (s?.kind === 'create') {
      delete fn.config.StateReason;
      delete fn.config.StateReasonCode;
      Object.assign(
        fn.config,
        { State: failed ? 'Failed' : 'Active', LastUpdateStatus: 'Successful' },
        failed,
      );
    }
    if (s?.kind === 'update') fn.config.LastUpdateStatus = 'Successful';
  };
  const transition = (fn: FunctionRecord, kind: 'create' | 'update') => {
    settling.set(fn.config.FunctionName, { reads: env.timing.functionSettleReads, kind });
    const answer = clone(fn.config);
    if (env.timing.functionSettleReads === 0) settle(fn);
    return answer;
  };
  const read = (name: unknown) => {
    const fn = findFunction(env, name);
    settle(fn);
    return fn;
  };
  const notBusy = (fn: FunctionRecord) => {
    const s = settling.get(fn.config.FunctionName);
    if (!s) return;
    throw awsError(
      'ResourceConflictException',
      409,
      s.kind === 'create'
        ? 'The operation cannot be performed at this time. The function is currently in the following state: Pending'
        : `The operation cannot be performed at this time. An update is in progress for resource: ${fn.config.FunctionArn}`,
    );
  };
  const assumable = (roleArn: string | undefined) => {
    const name = roleArn?.split(':role/').pop()?.split('/').pop() ?? '';
    const role = state.roles.get(name);
    if (
      !role ||
      role.arn.split('/').pop() !== name ||
      !trustsLambda(role.trust) ||
      refusedByWindow(env, env.windows.trust, name)
    )
      throw awsError(
        'InvalidParameterValueException',
        400,
        'The role defined for the function cannot be assumed by Lambda.',
      );
  };
  const keyUsable = (keyArn: string | undefined) => {
    if (!keyArn) return;
    const id = keyArn.startsWith('alias/') ? state.aliases.get(keyArn) : keyArn.split(':key/').pop();
    const keyState = id === undefined ? undefined : state.keys.get(id)?.state;
    if (keyState === 'Enabled') return;
    const why =
      keyState === 'PendingDeletion'
        ? 'pending deletion'
        : keyState === 'Disabled'
          ? 'disabled'
          : 'not found';
    throw awsError(
      'InvalidParameterValueException',
      400,
      'Lambda was unable to configure access to your environment variables because the KMS key is invalid for CreateGrant. ' +
        `Please check your KMS key settings. KMS Exception: ${keyState ? 'KMSInvalidStateException' : 'NotFoundException'} KMS Message: ${keyArn} is ${why}.`,
    );
  };

  return {
    'lambda.GetFunction': on<{ FunctionName?: string }>(({ FunctionName }) => {
      const fn = read(FunctionName);
      return {
        Configuration: fn.config,
        Code: { RepositoryType: 'S3', Location: 'http://127.0.0.1:9/code.zip' },
        Tags: { ...fn.tags },
      };
    }),
    'lambda.GetFunctionConfiguration': on<{ FunctionName?: string }>(
      ({ FunctionName }) => read(FunctionName).config,
    ),
    'lambda.CreateFunction': on<CreateFunctionRequest>((input) => {
      assumable(input.Role);
      keyUsable(input.KMSKeyArn);
      const name = input.FunctionName ?? '';
      if (state.functions.has(name))
        throw awsError('ResourceConflictException', 409, `Function already exist: ${name}`);
      const config: FunctionConfig = {
        FunctionName: name,
        FunctionArn: env.arn('lambda', `function:${name}`),
        Runtime: input.Runtime,
        Role: input.Role,
        Handler: input.Handler,
        CodeSize: input.Code?.ZipFile?.length ?? 0,
        Description: input.Description ?? '',
        Timeout: input.Timeout ?? 3,
        MemorySize: input.MemorySize ?? 128,
        LastModified: lambdaTime(env.now()),
        CodeSha256: sha256(input.Code?.ZipFile ?? new Uint8Array()),
        Version: '$LATEST',
        Environment: { Variables: { ...(input.Environment?.Variables ?? {}) } },
        ...(input.KMSKeyArn ? { KMSKeyArn: input.KMSKeyArn } : {}),
        TracingConfig: { Mode: 'PassThrough' },
        State: 'Pending',
        StateReason: 'The function is being created.',
        StateReasonCode: 'Creating',
        PackageType: 'Zip',
        Architectures: input.Architectures ?? ['x86_64'],
        EphemeralStorage: { Size: 512 },
        LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${name}` },
      };
      const fn: FunctionRecord = { config, tags: { ...(input.Tags ?? {}) }, statements: [] };
      state.functions.set(name, fn);
      return transition(fn, 'create');
    }),
    'lambda.UpdateFunctionConfiguration': on<UpdateFunctionConfigurationRequest>((input) => {
      const fn = findFunction(env, input.FunctionName);
      notBusy(fn);
      assumable(input.Role ?? fn.config.Role);
      keyUsable(input.KMSKeyArn);
      for (const field of UPDATABLE)
        if (input[field] !== undefined) Object.assign(fn.config, { [field]: input[field] });
      if (input.Environment)
        fn.config.Environment = { Variables: { ...(input.Environment.Variables ?? {}) } };
      if (input.KMSKeyArn === '') delete fn.config.KMSKeyArn;
      else if (input.KMSKeyArn) fn.config.KMSKeyArn = input.KMSKeyArn;
      Object.assign(fn.config, { LastModified: lambdaTime(env.now()), LastUpdateStatus: 'InProgress' });
      return transition(fn, 'update');
    }),
    'lambda.UpdateFunctionCode': on<UpdateFunctionCodeRequest>(({ FunctionName, ZipFile }) => {
      const fn = findFunction(env, FunctionName);
      notBusy(fn);
      Object.assign(fn.config, {
        CodeSha256: sha256(ZipFile ?? new Uint8Array()),
        CodeSize: ZipFile?.length ?? 0,
        LastModified: lambdaTime(env.now()),
        LastUpdateStatus: 'InProgress',
      });
      return transition(fn, 'update');
    }),
    'lambda.DeleteFunction': on<{ FunctionName?: string }>(({ FunctionName }) => {
      findFunction(env, FunctionName);
      state.functions.delete(functionName(FunctionName));
      settling.delete(functionName(FunctionName));
      return {};
    }),
    'lambda.ListTags': on<{ Resource?: string }>(({ Resource }) => ({
      Tags: { ...taggable(env, Resource) },
    })),
    'lambda.TagResource': on<{ Resource?: string; Tags?: Record<string, string> }>(({ Resource, Tags }) => {
      Object.assign(taggable(env, Resource), Tags);
      return {};
    }),
    'lambda.UntagResource': on<{ Resource?: string; TagKeys?: string[] }>(({ Resource, TagKeys }) => {
      const tags = taggable(env, Resource);
      for (const k of TagKeys ?? []) delete tags[k];
      return {};
    }),
    'lambda.GetPolicy': on<{ FunctionName?: string }>(({ FunctionName }) => {
      const fn = findFunction(env, FunctionName);
      if (fn.statements.length === 0)
        throw awsError('ResourceNotFoundException', 404, 'The resource you requested does not exist.');
      return {
        Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: fn.statements }),
        RevisionId: `rev-${fn.statements.length}`,
      };
    }),
    'lambda.AddPermission': on<AddPermissionRequest>((input) => {
      const fn = findFunction(env, input.FunctionName);
      const sid = input.StatementId ?? '';
      if (fn.statements.some((s) => s.Sid === sid))
        throw awsError(
          'ResourceConflictException',
          409,
          `The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
        );
      const principal = input.Principal ?? '';
      const Condition: Record<string, Record<string, string>> = {};
      if (input.SourceAccount) Condition.StringEquals = { 'AWS:SourceAccount': input.SourceAccount };
      if (input.SourceArn) Condition.ArnLike = { 'AWS:SourceArn': input.SourceArn };
      const statement: PolicyStatement = {
        Sid: sid,
        Effect: 'Allow',
        Principal: principal.includes('.')
          ? { Service: principal }
          : { AWS: `arn:${env.partition}:iam::${principal}:root` },
        Action: input.Action ?? '',
        Resource: fn.config.FunctionArn,
        ...(Object.keys(Condition).length ? { Condition } : {}),
      };
      fn.statements.push(statement);
      return { Statement: JSON.stringify(statement) };
    }),
    'lambda.RemovePermission': on<RemovePermissionRequest>(({ FunctionName, StatementId }) => {
      const fn = findFunction(env, FunctionName);
      if (fn.statements.length === 0)
        throw awsError('ResourceNotFoundException', 404, 'No policy is associated with the given resource.');
      if (!fn.statements.some((s) => s.Sid === StatementId))
        throw awsError(
          'ResourceNotFoundException',
          404,
          `Statement ${StatementId ?? ''} is not found in resource policy.`,
        );
      fn.statements = fn.statements.filter((s) => s.Sid !== StatementId);
      return {};
    }),
  };
}

/** The tags of a function, or of an event source mapping (`…:event-source-mapping:<UUID>`): both take tags. */
function taggable(env: Env, resource: string | undefined): Record<string, string> {
  const uuid = resource?.split(':event-source-mapping:')[1];
  if (uuid === undefined) return findFunction(env, resource).tags;
  const m = env.state.mappings.get(uuid);
  if (!m) throw awsError('ResourceNotFoundException', 404, `Event source mapping not found: ${resource}`);
  m.tags ??= {};
  return m.tags;
}
