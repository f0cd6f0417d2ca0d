// @ts-nocheck: plain JS shared with the benchmark (see ../fake-aws.mjs).
// IAM and CloudWatch Logs for the in-memory AWS.
export function identityLogsHandlers(env) {
  const { state, account, partition, arn, tagList, tagMap, awsError } = env;
  return {
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
    TagRole: ({ RoleName, Tags }) => {
      const r = state.roles.get(RoleName);
      if (!r) throw awsError('NoSuchEntityException', 404, `The role with name ${RoleName} cannot be found.`);
      Object.assign(r.tags, tagMap(Tags));
      return {};
    },
    UntagRole: ({ RoleName, TagKeys }) => {
      const r = state.roles.get(RoleName);
      if (!r) throw awsError('NoSuchEntityException', 404, `The role with name ${RoleName} cannot be found.`);
      for (const k of TagKeys) delete r.tags[k];
      return {};
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
    'logs.TagResource': ({ resourceArn, tags }) => {
      // Logs takes the ARN without the trailing ":*" that DescribeLogGroups puts on `arn`.
      if (resourceArn.endsWith(':*'))
        throw awsError('InvalidParameterException', 400, 'Invalid resource ARN');
      const g = state.logGroups.get(resourceArn.split(':log-group:')[1]);
      if (!g) throw awsError('ResourceNotFoundException', 400, 'The specified log group does not exist.');
      Object.assign(g.tags, tags);
      return {};
    },
    'logs.UntagResource': ({ resourceArn, tagKeys }) => {
      const g = state.logGroups.get(resourceArn.split(':log-group:')[1]);
      if (!g) throw awsError('ResourceNotFoundException', 400, 'The specified log group does not exist.');
      for (const k of tagKeys) delete g.tags[k];
      return {};
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
  };
}
