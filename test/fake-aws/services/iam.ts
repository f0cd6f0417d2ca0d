import type {
  AttachRolePolicyRequest,
  CreateRoleRequest,
  DeleteRolePolicyRequest,
  DetachRolePolicyRequest,
  GetRolePolicyRequest,
  ListAttachedRolePoliciesRequest,
  ListRolePoliciesRequest,
  PutRolePolicyRequest,
  TagRoleRequest,
  UntagRoleRequest,
  UpdateAssumeRolePolicyRequest,
} from '@aws-sdk/client-iam';
import { type Env, type Handlers, on, openWindow, page, tagList, tagMap } from '../env.js';
import { awsError } from '../errors.js';
import type { RoleRecord } from '../types.js';

/**
 * IAM roles (a Query service: NoSuchEntity answers as the SDK's NoSuchEntityException, 404). Policy
 * documents come back URL-encoded, as IAM returns them. DeleteRole is refused with DeleteConflict
 * while managed policies are attached or inline ones exist. CreateRole and UpdateAssumeRolePolicy open
 * the role's trust propagation window, policy changes its permission window (see Timing).
 */
const noRole = (name: string | undefined) =>
  awsError('NoSuchEntityException', 404, `The role with name ${name ?? ''} cannot be found.`, 'NoSuchEntity');

function checkJson(text: string | undefined): string {
  try {
    JSON.parse(text ?? '');
  } catch {
    throw awsError(
      'MalformedPolicyDocumentException',
      400,
      'This policy contains invalid Json',
      'MalformedPolicyDocument',
    );
  }
  return text ?? '';
}

export function iamHandlers(env: Env): Handlers {
  const { state } = env;
  const role = (name: string | undefined): RoleRecord => {
    const r = state.roles.get(name ?? '');
    if (!r) throw noRole(name);
    return r;
  };
  const marked = <T>(items: T[], Marker: string | undefined, MaxItems: number | undefined) => {
    const p = page(items, Marker, MaxItems ?? 100);
    if (!p) throw awsError('InvalidInputException', 400, 'Invalid Marker', 'InvalidInput');
    return { items: p.items, IsTruncated: p.next !== undefined, ...(p.next ? { Marker: p.next } : {}) };
  };
  const view = (name: string, r: RoleRecord) => ({
    Path: '/',
    RoleName: name,
    RoleId: `AROAFAKE${name
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .slice(0, 12)}`,
    Arn: r.arn,
    CreateDate: r.createDate,
    AssumeRolePolicyDocument: encodeURIComponent(r.trust),
    ...(r.description ? { Description: r.description } : {}),
    MaxSessionDuration: 3600,
    ...(Object.keys(r.tags).length ? { Tags: tagList(r.tags) } : {}),
    RoleLastUsed: {},
  });

  return {
    'iam.CreateRole': on<CreateRoleRequest>(({ RoleName, AssumeRolePolicyDocument, Tags, Description }) => {
      const name = RoleName ?? '';
      if (state.roles.has(name))
        throw awsError(
          'EntityAlreadyExistsException',
          409,
          `Role with name ${name} already exists.`,
          'EntityAlreadyExists',
        );
      const r: RoleRecord = {
        arn: `arn:${env.partition}:iam::${env.account}:role/${name}`,
        trust: checkJson(AssumeRolePolicyDocument),
        attached: [],
        inline: new Map(),
        tags: tagMap(Tags),
        description: Description,
        createDate: new Date(env.now()),
      };
      state.roles.set(name, r);
      openWindow(env, env.windows.trust, name);
      return { Role: view(name, r) };
    }),
    'iam.GetRole': on<{ RoleName?: string }>(({ RoleName }) => ({
      Role: view(RoleName ?? '', role(RoleName)),
    })),
    'iam.ListRoleTags': on<{ RoleName?: string }>(({ RoleName }) => ({
      Tags: tagList(role(RoleName).tags),
      IsTruncated: false,
    })),
    'iam.TagRole': on<TagRoleRequest>(({ RoleName, Tags }) => {
      Object.assign(role(RoleName).tags, tagMap(Tags));
      return {};
    }),
    'iam.UntagRole': on<UntagRoleRequest>(({ RoleName, TagKeys }) => {
      const r = role(RoleName);
      for (const k of TagKeys ?? []) delete r.tags[k];
      return {};
    }),
    'iam.UpdateAssumeRolePolicy': on<UpdateAssumeRolePolicyRequest>(({ RoleName, PolicyDocument }) => {
      role(RoleName).trust = checkJson(PolicyDocument);
      openWindow(env, env.windows.trust, RoleName ?? '');
      return {};
    }),
    'iam.ListAttachedRolePolicies': on<ListAttachedRolePoliciesRequest>(({ RoleName, Marker, MaxItems }) => {
      const attached = role(RoleName).attached.map((PolicyArn) => ({
        PolicyArn,
        PolicyName: PolicyArn.split('/').pop(),
      }));
      const { items, ...rest } = marked(attached, Marker, MaxItems);
      return { AttachedPolicies: items, ...rest };
    }),
    'iam.ListRolePolicies': on<ListRolePoliciesRequest>(({ RoleName, Marker, MaxItems }) => {
      const { items, ...rest } = marked([...role(RoleName).inline.keys()], Marker, MaxItems);
      return { PolicyNames: items, ...rest };
    }),
    'iam.GetRolePolicy': on<GetRolePolicyRequest>(({ RoleName, PolicyName }) => {
      const doc = role(RoleName).inline.get(PolicyName ?? '');
      if (doc === undefined)
        throw awsError(
          'NoSuchEntityException',
          404,
          `The role policy with name ${PolicyName ?? ''} cannot be found.`,
          'NoSuchEntity',
        );
      return { RoleName, PolicyName, PolicyDocument: encodeURIComponent(doc) };
    }),
    'iam.AttachRolePolicy': on<AttachRolePolicyRequest>(({ RoleName, PolicyArn }) => {
      const r = role(RoleName);
      if (PolicyArn && !r.attached.includes(PolicyArn)) r.attached.push(PolicyArn);
      openWindow(env, env.windows.policy, RoleName ?? '');
      return {};
    }),
    'iam.DetachRolePolicy': on<DetachRolePolicyRequest>(({ RoleName, PolicyArn }) => {
      const r = role(RoleName);
      if (!r.attached.includes(PolicyArn ?? ''))
        throw awsError(
          'NoSuchEntityException',
          404,
          `Policy ${PolicyArn ?? ''} was not found.`,
          'NoSuchEntity',
        );
      r.attached = r.attached.filter((a) => a !== PolicyArn);
      return {};
    }),
    'iam.PutRolePolicy': on<PutRolePolicyRequest>(({ RoleName, PolicyName, PolicyDocument }) => {
      role(RoleName).inline.set(PolicyName ?? '', checkJson(PolicyDocument));
      openWindow(env, env.windows.policy, RoleName ?? '');
      return {};
    }),
    'iam.DeleteRolePolicy': on<DeleteRolePolicyRequest>(({ RoleName, PolicyName }) => {
      if (!role(RoleName).inline.delete(PolicyName ?? ''))
        throw awsError(
          'NoSuchEntityException',
          404,
          `The role policy with name ${PolicyName ?? ''} cannot be found.`,
          'NoSuchEntity',
        );
      return {};
    }),
    'iam.DeleteRole': on<{ RoleName?: string }>(({ RoleName }) => {
      const r = role(RoleName);
      if (r.attached.length > 0)
        throw awsError(
          'DeleteConflictException',
          409,
          'Cannot delete entity, must detach all policies first.',
          'DeleteConflict',
        );
      if (r.inline.size > 0)
        throw awsError(
          'DeleteConflictException',
          409,
          'Cannot delete entity, must delete policies first.',
          'DeleteConflict',
        );
      state.roles.delete(RoleName ?? '');
      env.windows.trust.delete(RoleName ?? '');
      env.windows.policy.delete(RoleName ?? '');
      return {};
    }),
  };
}
