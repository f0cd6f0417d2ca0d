// @ts-nocheck: plain JS shared with the benchmark (see ../fake-aws.mjs).
// Lambda, CloudWatch alarms and EC2 for the in-memory AWS.
export function computeHandlers(env) {
  const { state, arn, tagList, tagMap, keyOf, fnOf, alarmArn, awsError, clone, sha256 } = env;
  return {
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
      const keyState = input.KMSKeyArn ? state.keys.get(keyOf(input.KMSKeyArn))?.state : 'Enabled';
      if (keyState !== 'Enabled')
        throw awsError(
          'InvalidParameterValueException',
          400,
          'Lambda was unable to configure access to your environment variables because the KMS key is invalid for CreateGrant. ' +
            `Please check your KMS key settings. KMS Exception: KMSInvalidStateException KMS Message: ${input.KMSKeyArn} is ${keyState === 'PendingDeletion' ? 'pending deletion' : 'disabled'}.`,
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
        // A test may make new functions fail to start (e.g. { StateReasonCode, StateReason }).
        ...(state.newFunctionFails ? { State: 'Failed', ...state.newFunctionFails } : {}),
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
}
