// @ts-nocheck: plain JS shared with the benchmark; its shapes are AWS's, checked by the tests that use it.
// A small in-memory AWS for `init`: every command the resource modules send, answered from state the
// writes change, with AWS's own error names and shapes. Shared by test/init/*.test.ts (through
// aws-sdk-client-mock) and bench/init.mjs (through latencyMocks), so both see the same behaviour.
import { createHash, randomUUID } from 'node:crypto';

/** An SDK-shaped AWS error reply. */
export function awsError(name, status = 400, message = `${name} from AWS`) {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

/** Commands that change nothing in AWS (reads, and KMS Decrypt). Everything else counts as a write. */
export const READ = /^(Get|List|Describe|Decrypt)/;

const clone = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('base64');

/**
 * @param {{ account: string, region: string, partition?: string }} where
 */
export function fakeAws(where) {
  const { account, region } = where;
  const partition = where.partition ?? 'aws';
  const state = {
    topics: new Map(), // arn → { tags }
    subscriptions: new Map(), // arn → { topicArn, protocol, endpoint }
    keys: new Map(), // keyId → { arn, state, description, tags, policy }
    aliases: new Map(), // alias name → keyId
    roles: new Map(), // name → { arn, trust, attached: string[], inline: Map<name, doc>, tags }
    logGroups: new Map(), // name → { retention, tags }
    functions: new Map(), // name → { config, tags, statements }
    alarms: new Map(), // name → { alarm, tags }
    /** @type {Array<{ id: string, name?: string, type?: string }>} */
    instances: [],
  };
  /** Scripted failures: command → errors thrown by its next calls (in order). */
  const failures = new Map();
  let serial = 0;

  const arn = (service, resource, regional = true) =>
    `arn:${partition}:${service}:${regional ? region : ''}:${account}:${resource}`;
  const tagList = (tags, k = 'Key', v = 'Value') =>
    Object.entries(tags).map(([a, b]) => ({ [k]: a, [v]: b }));
  const tagMap = (list = [], k = 'Key', v = 'Value') => Object.fromEntries(list.map((t) => [t[k], t[v]]));
  const keyOf = (id) => {
    if (typeof id !== 'string') return undefined;
    if (id.startsWith('alias/')) return state.aliases.get(id);
    const bare = id.includes(':key/') ? id.split(':key/')[1] : id;
    return state.keys.has(bare) ? bare : undefined;
  };
  const fnOf = (name) => {
    const fn = state.functions.get(String(name).split(':function:').pop());
    if (!fn)
      throw awsError(
        'ResourceNotFoundException',
        404,
        `Function not found: ${arn('lambda', `function:${name}`)}`,
      );
    return fn;
  };
  const alarmArn = (name) => arn('cloudwatch', `alarm:${name}`);

  const handlers = {
    // STS
    GetCallerIdentity: () => ({
      Account: account,
      Arn: `arn:${partition}:iam::${account}:user/alice`,
      UserId: 'AIDAFAKE',
    }),

    // SNS
    GetTopicAttributes: ({ TopicArn }) => {
      if (!state.topics.has(TopicArn)) throw awsError('NotFoundException', 404, 'Topic does not exist');
      return { Attributes: { TopicArn, DisplayName: '' } };
    },
    'sns.ListTagsForResource': ({ ResourceArn }) => {
      const topic = state.topics.get(ResourceArn);
      if (!topic) throw awsError('ResourceNotFoundException', 404, 'Resource does not exist');
      return { Tags: tagList(topic.tags) };
    },
    CreateTopic: ({ Name, Tags }) => {
      const topicArn = arn('sns', Name);
      if (!state.topics.has(topicArn)) state.topics.set(topicArn, { tags: tagMap(Tags) });
      return { TopicArn: topicArn };
    },
    DeleteTopic: ({ TopicArn }) => {
      state.topics.delete(TopicArn);
      for (const [subArn, sub] of state.subscriptions)
        if (sub.topicArn === TopicArn) state.subscriptions.delete(subArn);
      return {};
    },
    ListSubscriptionsByTopic: ({ TopicArn }) => {
      if (!state.topics.has(TopicArn)) throw awsError('NotFoundException', 404, 'Topic does not exist');
      const Subscriptions = [...state.subscriptions]
        .filter(([, s]) => s.topicArn === TopicArn)
        .map(([SubscriptionArn, s]) => ({
          SubscriptionArn,
          TopicArn,
          Protocol: s.protocol,
          Endpoint: s.endpoint,
          Owner: account,
        }));
      return { Subscriptions };
    },
    Subscribe: ({ TopicArn, Protocol, Endpoint }) => {
      if (!state.topics.has(TopicArn)) throw awsError('NotFoundException', 404, 'Topic does not exist');
      for (const [existing, s] of state.subscriptions)
        if (s.topicArn === TopicArn && s.protocol === Protocol && s.endpoint === Endpoint)
          return { SubscriptionArn: existing };
      const SubscriptionArn = `${TopicArn}:${randomUUID()}`;
      state.subscriptions.set(SubscriptionArn, {
        topicArn: TopicArn,
        protocol: Protocol,
        endpoint: Endpoint,
      });
      return { SubscriptionArn };
    },
    Unsubscribe: ({ SubscriptionArn }) => {
      state.subscriptions.delete(SubscriptionArn);
      return {};
    },

    // KMS
    DescribeKey: ({ KeyId }) => {
      const id = keyOf(KeyId);
      if (!id) throw awsError('NotFoundException', 400, `Alias ${arn('kms', KeyId)} is not found.`);
      const k = state.keys.get(id);
      return {
        KeyMetadata: {
          KeyId: id,
          Arn: k.arn,
          KeyState: k.state,
          Description: k.description,
          DeletionDate: k.deletionDate,
          Enabled: k.state === 'Enabled',
        },
      };
    },
    ListResourceTags: ({ KeyId }) => {
      const id = keyOf(KeyId);
      if (!id) throw awsError('NotFoundException', 400, 'Invalid keyId');
      return { Tags: tagList(state.keys.get(id).tags, 'TagKey', 'TagValue'), Truncated: false };
    },
    CreateKey: ({ Description, Tags, Policy }) => {
      serial += 1;
      const id = `1111aaaa-22bb-33cc-44dd-${String(serial).padStart(12, '0')}`;
      const k = {
        arn: arn('kms', `key/${id}`),
        state: 'Enabled',
        description: Description,
        tags: tagMap(Tags, 'TagKey', 'TagValue'),
        policy: Policy,
      };
      state.keys.set(id, k);
      return { KeyMetadata: { KeyId: id, Arn: k.arn, KeyState: 'Enabled', Description } };
    },
    CreateAlias: ({ AliasName, TargetKeyId }) => {
      if (state.aliases.has(AliasName))
        throw awsError('AlreadyExistsException', 400, `An alias with the name ${AliasName} already exists`);
      state.aliases.set(AliasName, keyOf(TargetKeyId));
      return {};
    },
    UpdateAlias: ({ AliasName, TargetKeyId }) => {
      if (!state.aliases.has(AliasName)) throw awsError('NotFoundException', 400, 'Alias not found');
      const id = keyOf(TargetKeyId);
      if (state.keys.get(id)?.state === 'PendingDeletion')
        throw awsError('KMSInvalidStateException', 400, `${id} is pending deletion.`);
      state.aliases.set(AliasName, id);
      return {};
    },
    DeleteAlias: ({ AliasName }) => {
      if (!state.aliases.delete(AliasName)) throw awsError('NotFoundException', 400, 'Alias not found');
      return {};
    },
    ScheduleKeyDeletion: ({ KeyId, PendingWindowInDays }) => {
      const id = keyOf(KeyId);
      const k = state.keys.get(id);
      if (!k) throw awsError('NotFoundException', 400, 'Key not found');
      k.state = 'PendingDeletion';
      k.deletionDate = new Date(Date.UTC(2030, 0, 1 + PendingWindowInDays));
      return { KeyId: k.arn, DeletionDate: k.deletionDate, KeyState: 'PendingDeletion', PendingWindowInDays };
    },
    Encrypt: ({ KeyId, Plaintext, EncryptionContext }) => {
      const id = keyOf(KeyId);
      if (!id || state.keys.get(id).state !== 'Enabled')
        throw awsError('NotFoundException', 400, 'Key not found');
      serial += 1;
      const blob = {
        k: id,
        c: EncryptionContext ?? {},
        p: Buffer.from(Plaintext).reverse().toString('hex'),
        n: serial,
      };
      return {
        CiphertextBlob: new Uint8Array(Buffer.from(JSON.stringify(blob))),
        KeyId: state.keys.get(id).arn,
      };
    },
    Decrypt: ({ CiphertextBlob, EncryptionContext, KeyId }) => {
      let blob;
      try {
        blob = JSON.parse(Buffer.from(CiphertextBlob).toString());
      } catch {
        throw awsError('InvalidCiphertextException', 400, '');
      }
      if (KeyId !== undefined && keyOf(KeyId) !== blob.k)
        throw awsError(
          'IncorrectKeyException',
          400,
          'The key ID in the request does not identify a CMK that can perform this operation.',
        );
      if (JSON.stringify(blob.c) !== JSON.stringify(EncryptionContext ?? {}))
        throw awsError('InvalidCiphertextException', 400, '');
      return {
        Plaintext: new Uint8Array(Buffer.from(blob.p, 'hex').reverse()),
        KeyId: state.keys.get(blob.k)?.arn,
      };
    },

    // IAM
    GetRole: ({ RoleName }) => {
      const r = state.roles.get(RoleName);
      if (!r) throw awsError('NoSuchEntityException', 404, `The role with name ${RoleName} cannot be found.`);
      return {
        Role: {
          RoleName,
          Arn: r.arn,
          Path: '/',
          AssumeRolePolicyDocument: encodeURIComponent(r.trust),
          Tags: tagList(r.tags),
        },
      };
    },
    ListAttachedRolePolicies: ({ RoleName }) => {
      const r = state.roles.get(RoleName);
      if (!r) throw awsError('NoSuchEntityException', 404, `The role with name ${RoleName} cannot be found.`);
      return {
        AttachedPolicies: r.attached.map((PolicyArn) => ({
          PolicyArn,
          PolicyName: PolicyArn.split('/').pop(),
        })),
        IsTruncated: false,
      };
    },
    ListRolePolicies: ({ RoleName }) => {
      const r = state.roles.get(RoleName);
      if (!r) throw awsError('NoSuchEntityException', 404, `The role with name ${RoleName} cannot be found.`);
      return { PolicyNames: [...r.inline.keys()], IsTruncated: false };
    },
    GetRolePolicy: ({ RoleName, PolicyName }) => {
      const doc = state.roles.get(RoleName)?.inline.get(PolicyName);
      if (!doc)
        throw awsError(
          'NoSuchEntityException',
          404,
          `The role policy with name ${PolicyName} cannot be found.`,
        );
      return { RoleName, PolicyName, PolicyDocument: encodeURIComponent(doc) };
    },
    CreateRole: ({ RoleName, AssumeRolePolicyDocument, Tags }) => {
      if (state.roles.has(RoleName))
        throw awsError('EntityAlreadyExistsException', 409, `Role with name ${RoleName} already exists.`);
      const r = {
        arn: `arn:${partition}:iam::${account}:role/${RoleName}`,
        trust: AssumeRolePolicyDocument,
        attached: [],
        inline: new Map(),
        tags: tagMap(Tags),
      };
      state.roles.set(RoleName, r);
      return { Role: { RoleName, Arn: r.arn, Path: '/' } };
    },
    UpdateAssumeRolePolicy: ({ RoleName, PolicyDocument }) => {
      state.roles.get(RoleName).trust = PolicyDocument;
      return {};
    },
    AttachRolePolicy: ({ RoleName, PolicyArn }) => {
      const r = state.roles.get(RoleName);
      if (!r) throw awsError('NoSuchEntityException', 404, `The role with name ${RoleName} cannot be found.`);
      if (!r.attached.includes(PolicyArn)) r.attached.push(PolicyArn);
      return {};
    },
    DetachRolePolicy: ({ RoleName, PolicyArn }) => {
      const r = state.roles.get(RoleName);
      if (!r?.attached.includes(PolicyArn))
        throw awsError('NoSuchEntityException', 404, `Policy ${PolicyArn} was not found.`);
      r.attached = r.attached.filter((a) => a !== PolicyArn);
      return {};
    },
    PutRolePolicy: ({ RoleName, PolicyName, PolicyDocument }) => {
      const r = state.roles.get(RoleName);
      if (!r) throw awsError('NoSuchEntityException', 404, `The role with name ${RoleName} cannot be found.`);
      r.inline.set(PolicyName, PolicyDocument);
      return {};
    },
    DeleteRolePolicy: ({ RoleName, PolicyName }) => {
      if (!state.roles.get(RoleName)?.inline.delete(PolicyName))
        throw awsError('NoSuchEntityException', 404, 'not found');
      return {};
    },
    DeleteRole: ({ RoleName }) => {
      const r = state.roles.get(RoleName);
      if (!r) throw awsError('NoSuchEntityException', 404, 'not found');
      if (r.attached.length || r.inline.size)
        throw awsError(
          'DeleteConflictException',
          409,
          'Cannot delete entity, must detach all policies first.',
        );
      state.roles.delete(RoleName);
      return {};
    },

    // CloudWatch Logs
    DescribeLogGroups: ({ logGroupNamePrefix }) => ({
      logGroups: [...state.logGroups]
        .filter(([name]) => name.startsWith(logGroupNamePrefix ?? ''))
        .map(([logGroupName, g]) => {
          const groupArn = arn('logs', `log-group:${logGroupName}`);
          return { logGroupName, arn: `${groupArn}:*`, logGroupArn: groupArn, retentionInDays: g.retention };
        }),
    }),
    'logs.ListTagsForResource': ({ resourceArn }) => {
      const g = state.logGroups.get(resourceArn.split(':log-group:')[1]);
      if (!g) throw awsError('ResourceNotFoundException', 400, 'The specified log group does not exist.');
      return { tags: { ...g.tags } };
    },
    CreateLogGroup: ({ logGroupName, tags }) => {
      if (state.logGroups.has(logGroupName))
        throw awsError('ResourceAlreadyExistsException', 400, 'The specified log group already exists');
      state.logGroups.set(logGroupName, { retention: undefined, tags: { ...tags } });
      return {};
    },
    PutRetentionPolicy: ({ logGroupName, retentionInDays }) => {
      const g = state.logGroups.get(logGroupName);
      if (!g) throw awsError('ResourceNotFoundException', 400, 'The specified log group does not exist.');
      g.retention = retentionInDays;
      return {};
    },
    DeleteRetentionPolicy: ({ logGroupName }) => {
      state.logGroups.get(logGroupName).retention = undefined;
      return {};
    },
    DeleteLogGroup: ({ logGroupName }) => {
      if (!state.logGroups.delete(logGroupName))
        throw awsError('ResourceNotFoundException', 400, 'The specified log group does not exist.');
      return {};
    },

    // Lambda
    GetFunction: ({ FunctionName }) => {
      const fn = fnOf(FunctionName);
      return {
        Configuration: clone(fn.config),
        Tags: { ...fn.tags },
        Code: { RepositoryType: 'S3', Location: 'http://127.0.0.1:9/code.zip' },
      };
    },
    GetFunctionConfiguration: ({ FunctionName }) => clone(fnOf(FunctionName).config),
    GetPolicy: ({ FunctionName }) => {
      const fn = fnOf(FunctionName);
      if (fn.statements.length === 0)
        throw awsError('ResourceNotFoundException', 404, 'The resource you requested does not exist.');
      return { Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: fn.statements }) };
    },
    CreateFunction: (input) => {
      // As Lambda does: the role must exist and trust Lambda, the key must be usable.
      const role = [...state.roles.values()].find((r) => r.arn === input.Role);
      if (!role?.trust.includes('lambda.amazonaws.com'))
        throw awsError(
          'InvalidParameterValueException',
          400,
          'The role defined for the function cannot be assumed by Lambda.',
        );
      if (input.KMSKeyArn && state.keys.get(keyOf(input.KMSKeyArn))?.state !== 'Enabled')
        throw awsError(
          'KMSAccessDeniedException',
          502,
          'Lambda was unable to decrypt the environment variables because KMS access was denied.',
        );
      if (state.functions.has(input.FunctionName))
        throw awsError('ResourceConflictException', 409, `Function already exist: ${input.FunctionName}`);
      const config = {
        FunctionName: input.FunctionName,
        FunctionArn: arn('lambda', `function:${input.FunctionName}`),
        Runtime: input.Runtime,
        Handler: input.Handler,
        Role: input.Role,
        MemorySize: input.MemorySize,
        Timeout: input.Timeout,
        Description: input.Description,
        KMSKeyArn: input.KMSKeyArn,
        Environment: { Variables: { ...(input.Environment?.Variables ?? {}) } },
        CodeSha256: sha256(input.Code.ZipFile),
        Architectures: input.Architectures,
        State: 'Active',
        LastUpdateStatus: 'Successful',
        LastModified: '2030-01-01T00:00:00.000+0000',
      };
      state.functions.set(input.FunctionName, { config, tags: { ...(input.Tags ?? {}) }, statements: [] });
      return clone(config);
    },
    UpdateFunctionConfiguration: ({ FunctionName, ...update }) => {
      const fn = fnOf(FunctionName);
      Object.assign(fn.config, clone(update));
      return clone(fn.config);
    },
    UpdateFunctionCode: ({ FunctionName, ZipFile }) => {
      const fn = fnOf(FunctionName);
      fn.config.CodeSha256 = sha256(ZipFile);
      return clone(fn.config);
    },
    'lambda.TagResource': ({ Resource, Tags }) => {
      Object.assign(fnOf(Resource).tags, Tags);
      return {};
    },
    'lambda.UntagResource': ({ Resource, TagKeys }) => {
      const fn = fnOf(Resource);
      for (const k of TagKeys) delete fn.tags[k];
      return {};
    },
    AddPermission: ({ FunctionName, StatementId, Action, Principal, SourceArn, SourceAccount }) => {
      const fn = fnOf(FunctionName);
      if (fn.statements.some((s) => s.Sid === StatementId))
        throw awsError(
          'ResourceConflictException',
          409,
          `The statement id (${StatementId}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
        );
      const Condition = {};
      if (SourceAccount) Condition.StringEquals = { 'AWS:SourceAccount': SourceAccount };
      if (SourceArn) Condition.ArnLike = { 'AWS:SourceArn': SourceArn };
      const statement = {
        Sid: StatementId,
        Effect: 'Allow',
        Principal: { Service: Principal },
        Action,
        Resource: fn.config.FunctionArn,
        Condition,
      };
      fn.statements.push(statement);
      return { Statement: JSON.stringify(statement) };
    },
    RemovePermission: ({ FunctionName, StatementId }) => {
      const fn = fnOf(FunctionName);
      if (!fn.statements.some((s) => s.Sid === StatementId))
        throw awsError('ResourceNotFoundException', 404, 'No policy is associated with the given resource.');
      fn.statements = fn.statements.filter((s) => s.Sid !== StatementId);
      return {};
    },
    Invoke: ({ FunctionName }) => {
      fnOf(FunctionName);
      const log = 'START RequestId: 1\nposted to Slack: 200 ok\nEND RequestId: 1\n';
      return {
        StatusCode: 200,
        ExecutedVersion: '$LATEST',
        Payload: new Uint8Array(Buffer.from(JSON.stringify({ delivered: 1 }))),
        LogResult: Buffer.from(log).toString('base64'),
      };
    },
    DeleteFunction: ({ FunctionName }) => {
      fnOf(FunctionName);
      state.functions.delete(FunctionName);
      return {};
    },

    // CloudWatch
    DescribeAlarms: ({ AlarmNames }) => ({
      MetricAlarms: (AlarmNames ?? [])
        .filter((n) => state.alarms.has(n))
        .map((n) => clone(state.alarms.get(n).alarm)),
      CompositeAlarms: [],
    }),
    'cloudwatch.ListTagsForResource': ({ ResourceARN }) => {
      const a = state.alarms.get(ResourceARN.split(':alarm:')[1]);
      if (!a) throw awsError('ResourceNotFound', 404, 'Alarm does not exist');
      return { Tags: tagList(a.tags) };
    },
    PutMetricAlarm: ({ Tags, ...input }) => {
      const existing = state.alarms.get(input.AlarmName);
      const alarm = {
        ...clone(input),
        AlarmArn: alarmArn(input.AlarmName),
        StateValue: existing?.alarm.StateValue ?? 'INSUFFICIENT_DATA',
      };
      state.alarms.set(input.AlarmName, { alarm, tags: existing ? existing.tags : tagMap(Tags) });
      return {};
    },
    'cloudwatch.TagResource': ({ ResourceARN, Tags }) => {
      const a = state.alarms.get(ResourceARN.split(':alarm:')[1]);
      if (!a) throw awsError('ResourceNotFound', 404, 'Alarm does not exist');
      Object.assign(a.tags, tagMap(Tags));
      return {};
    },
    'cloudwatch.UntagResource': ({ ResourceARN, TagKeys }) => {
      const a = state.alarms.get(ResourceARN.split(':alarm:')[1]);
      for (const k of TagKeys) delete a.tags[k];
      return {};
    },
    DeleteAlarms: ({ AlarmNames }) => {
      for (const n of AlarmNames) state.alarms.delete(n);
      return {};
    },

    // EC2
    DescribeInstances: () => ({
      Reservations: [
        {
          Instances: state.instances.map((i) => ({
            InstanceId: i.id,
            InstanceType: i.type,
            State: { Name: 'running' },
            Tags: i.name ? [{ Key: 'Name', Value: i.name }] : [],
          })),
        },
      ],
    }),
  };

  /** Answers one command; `client` is the AwsClients key (sts, sns, kms, …), `command` e.g. "CreateTopicCommand". */
  async function answer(client, command, input) {
    const name = command.replace(/Command$/, '');
    const scripted = failures.get(name);
    if (scripted) {
      const error = scripted.next.length > 0 ? scripted.next.shift() : scripted.always;
      const thrown = typeof error === 'function' ? await error(input) : error;
      if (thrown) throw thrown;
    }
    const handler = handlers[`${client}.${name}`] ?? handlers[name];
    if (!handler) throw new Error(`fake AWS has no ${client}.${name}`);
    return handler(input ?? {});
  }

  return {
    state,
    answer,
    /**
     * The next calls of `command` (e.g. "CreateFunction") throw these errors, in order. An entry may be a
     * function of the input returning (or resolving to) the error, or nothing to answer normally (e.g.
     * after aborting, or after a delay).
     */
    fail(command, ...errors) {
      const scripted = failures.get(command) ?? { next: [], always: undefined };
      scripted.next.push(...errors);
      failures.set(command, scripted);
    },
    /** Every call of `command` fails with `error` from now on. */
    failAlways(command, error) {
      failures.set(command, { next: [], always: error });
    },
    /** A snapshot of the state (to compare before and after a run). */
    snapshot() {
      const plain = (m) => Object.fromEntries([...m].map(([k, v]) => [k, v instanceof Map ? plain(v) : v]));
      return JSON.parse(
        JSON.stringify({
          topics: plain(state.topics),
          subscriptions: plain(state.subscriptions),
          keys: plain(state.keys),
          aliases: plain(state.aliases),
          roles: Object.fromEntries([...state.roles].map(([k, r]) => [k, { ...r, inline: plain(r.inline) }])),
          logGroups: plain(state.logGroups),
          functions: plain(state.functions),
          alarms: plain(state.alarms),
        }),
      );
    },
  };
}
