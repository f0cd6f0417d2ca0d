/**
 * A deployed `mission` stack played by aws-sdk-client-mock, resource by resource: each one present
 * (tagged for this stack, another one, or untagged) or missing, answering with AWS's own shapes and
 * error names. Shared by the teardown, status and test command tests.
 */
import {
  ListTagsForResourceCommand as CwListTags,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  ListTagsForResourceCommand as LogsListTags,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import {
  DeleteAliasCommand,
  DescribeKeyCommand,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { DeleteFunctionCommand, GetFunctionCommand, GetPolicyCommand } from '@aws-sdk/client-lambda';
import {
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTagsForResourceCommand as SnsListTags,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { CommandContext, GlobalOptions } from '../../src/commands/context.js';
import { STACK_TAG } from '../../src/names.js';
import { decryptPolicy, trustPolicy } from '../../src/resources/role.js';
import { ACCOUNT, CALLER_ARN, type mockAws, REGION, testClients, testStackContext } from '../helpers/aws.js';
import { type FakeClock, fakeClock } from '../helpers/clock.js';
import type { ScriptedIO } from '../helpers/io.js';

type Aws = ReturnType<typeof mockAws>;

const STACK = 'mission';
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:mission-sns`;
const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mission-lambda`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/mission-lambda-role`;
export const ALARM_ARN = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:mission-cpu-alarm`;
export const LOG_GROUP = '/aws/lambda/mission-lambda';
const LOG_GROUP_ARN = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${LOG_GROUP}`;
export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_ID}`;
export const BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
export const SUB_ARN = `${TOPIC_ARN}:0f6c7a52-1111-4e2b-9c3d-5a6b7c8d9e01`;
export const INSTANCE = 'i-0a1b2c3d4e5f60718';
export const DELETION_DATE = new Date('2026-12-02T00:00:00.000Z');

/** An SDK-shaped AWS error reply. */
export function awsError(name: string, status = 400, message = `${name} from AWS`) {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

/** A resource's tags: ours (default), another stack's, or none. */
type Owner = 'ours' | 'other' | 'untagged';
const tagsOf = (owner: Owner): Record<string, string> =>
  owner === 'ours' ? { [STACK_TAG]: STACK } : owner === 'other' ? { [STACK_TAG]: 'payments' } : {};
const tagList = (owner: Owner) => Object.entries(tagsOf(owner)).map(([Key, Value]) => ({ Key, Value }));

interface StackSpec {
  topic: Owner | false;
  key: Owner | false;
  keyState: string;
  role: Owner | false;
  logGroup: Owner | false;
  retentionDays: number | undefined;
  fn: Owner | false;
  runtime: string;
  kmsKeyArn: string | undefined;
  alarm: Owner | false;
  alarmState: string;
  alarmActions: string[];
  okActions: string[];
  subscriptions: string[];
  permission: 'scoped' | 'unscoped' | 'none';
  trust: object;
  decrypt: object | undefined;
  attached: string[];
}

function completeStack(): StackSpec {
  const { ctx } = testStackContext(STACK);
  return {
    topic: 'ours',
    key: 'ours',
    keyState: 'Enabled',
    role: 'ours',
    logGroup: 'ours',
    retentionDays: 30,
    fn: 'ours',
    runtime: 'nodejs24.x',
    kmsKeyArn: KEY_ARN,
    alarm: 'ours',
    alarmState: 'OK',
    alarmActions: [TOPIC_ARN],
    okActions: [TOPIC_ARN],
    subscriptions: [SUB_ARN],
    permission: 'scoped',
    trust: trustPolicy(),
    decrypt: decryptPolicy(ctx, KEY_ARN),
    attached: [BASIC],
  };
}

function permissionPolicy(kind: StackSpec['permission']): string | undefined {
  if (kind === 'none') return undefined;
  const Condition =
    kind === 'scoped'
      ? { StringEquals: { 'AWS:SourceAccount': ACCOUNT }, ArnLike: { 'AWS:SourceArn': TOPIC_ARN } }
      : undefined;
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'default',
    Statement: [
      {
        Sid: 'mission-sns-invoke',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Resource: FUNCTION_ARN,
        ...(Condition ? { Condition } : {}),
      },
    ],
  });
}

/** Mocks every read of the stack per `spec`, and every removal to succeed. */
export function mockStack(aws: Aws, overrides: Partial<StackSpec> = {}): StackSpec {
  const s = { ...completeStack(), ...overrides };
  aws.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: CALLER_ARN, UserId: 'AIDATEST' });

  // SNS
  if (s.topic) {
    aws.sns.on(GetTopicAttributesCommand).resolves({ Attributes: { TopicArn: TOPIC_ARN } });
    aws.sns.on(SnsListTags).resolves({ Tags: tagList(s.topic) });
    aws.sns.on(ListSubscriptionsByTopicCommand).resolves({
      Subscriptions: [
        ...s.subscriptions.map((SubscriptionArn) => ({
          SubscriptionArn,
          TopicArn: TOPIC_ARN,
          Protocol: 'lambda',
          Endpoint: FUNCTION_ARN,
          Owner: ACCOUNT,
        })),
        // Someone else's subscription on the same topic: never ours to remove.
        {
          SubscriptionArn: `${TOPIC_ARN}:email-1`,
          TopicArn: TOPIC_ARN,
          Protocol: 'email',
          Endpoint: 'ops@example.com',
        },
      ],
    });
  } else {
    const notFound = awsError('NotFoundException', 404, 'Topic does not exist');
    aws.sns.on(GetTopicAttributesCommand).rejects(notFound);
    aws.sns.on(SnsListTags).rejects(awsError('ResourceNotFoundException', 404, 'Resource does not exist'));
    aws.sns.on(ListSubscriptionsByTopicCommand).rejects(notFound);
  }
  aws.sns.on(UnsubscribeCommand).resolves({});
  aws.sns.on(DeleteTopicCommand).resolves({});

  // KMS
  if (s.key) {
    aws.kms.on(DescribeKeyCommand).resolves({
      KeyMetadata: {
        KeyId: KEY_ID,
        Arn: KEY_ARN,
        KeyState: s.keyState as 'Enabled',
        ...(s.keyState === 'PendingDeletion' ? { DeletionDate: DELETION_DATE } : {}),
      },
    });
    aws.kms.on(ListResourceTagsCommand).resolves({
      Tags: Object.entries(tagsOf(s.key)).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
    });
  } else {
    aws.kms
      .on(DescribeKeyCommand)
      .rejects(
        awsError(
          'NotFoundException',
          400,
          `Alias arn:aws:kms:${REGION}:${ACCOUNT}:alias/mission-kms-key is not found.`,
        ),
      );
  }
  aws.kms
    .on(ScheduleKeyDeletionCommand)
    .resolves({ KeyId: KEY_ARN, DeletionDate: DELETION_DATE, KeyState: 'PendingDeletion' });
  aws.kms.on(DeleteAliasCommand).resolves({});

  // IAM
  if (s.role) {
    aws.iam.on(GetRoleCommand).resolves({
      Role: {
        RoleName: 'mission-lambda-role',
        Arn: ROLE_ARN,
        Path: '/',
        RoleId: 'AROATEST',
        CreateDate: new Date('2026-11-20T09:00:00Z'),
        AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(s.trust)),
        Tags: tagList(s.role),
      },
    });
    aws.iam.on(ListAttachedRolePoliciesCommand).resolves({
      AttachedPolicies: s.attached.map((PolicyArn) => ({
        PolicyArn,
        PolicyName: PolicyArn.split('/').pop(),
      })),
      IsTruncated: false,
    });
    aws.iam
      .on(ListRolePoliciesCommand)
      .resolves({ PolicyNames: s.decrypt ? ['mission-kms-decrypt'] : [], IsTruncated: false });
    if (s.decrypt) {
      aws.iam.on(GetRolePolicyCommand).resolves({
        RoleName: 'mission-lambda-role',
        PolicyName: 'mission-kms-decrypt',
        PolicyDocument: encodeURIComponent(JSON.stringify(s.decrypt)),
      });
    } else aws.iam.on(GetRolePolicyCommand).rejects(awsError('NoSuchEntityException', 404, 'no such policy'));
  } else {
    const gone = awsError(
      'NoSuchEntityException',
      404,
      'The role with name mission-lambda-role cannot be found.',
    );
    aws.iam.on(GetRoleCommand).rejects(gone);
    aws.iam.on(ListAttachedRolePoliciesCommand).rejects(gone);
    aws.iam.on(ListRolePoliciesCommand).rejects(gone);
    aws.iam.on(GetRolePolicyCommand).rejects(gone);
  }
  aws.iam.on(DetachRolePolicyCommand).resolves({});
  aws.iam.on(DeleteRolePolicyCommand).resolves({});
  aws.iam.on(DeleteRoleCommand).resolves({});

  // CloudWatch Logs
  if (s.logGroup) {
    aws.logs.on(DescribeLogGroupsCommand).resolves({
      logGroups: [
        {
          logGroupName: LOG_GROUP,
          arn: `${LOG_GROUP_ARN}:*`,
          logGroupArn: LOG_GROUP_ARN,
          ...(s.retentionDays === undefined ? {} : { retentionInDays: s.retentionDays }),
        },
      ],
    });
    aws.logs.on(LogsListTags).resolves({ tags: tagsOf(s.logGroup) });
  } else {
    aws.logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
    aws.logs
      .on(LogsListTags)
      .rejects(awsError('ResourceNotFoundException', 400, 'The specified log group does not exist.'));
  }
  aws.logs.on(DeleteLogGroupCommand).resolves({});
  aws.logs.on(FilterLogEventsCommand).resolves({ events: [] });

  // Lambda
  const noFunction = awsError('ResourceNotFoundException', 404, `Function not found: ${FUNCTION_ARN}`);
  if (s.fn) {
    aws.lambda.on(GetFunctionCommand).resolves({
      Configuration: {
        FunctionName: 'mission-lambda',
        FunctionArn: FUNCTION_ARN,
        Runtime: s.runtime as 'nodejs24.x',
        Handler: 'index.handler',
        Role: ROLE_ARN,
        MemorySize: 128,
        Timeout: 15,
        ...(s.kmsKeyArn ? { KMSKeyArn: s.kmsKeyArn } : {}),
        Environment: { Variables: { kmsEncryptedHookUrl: 'AQICAHh-test-ciphertext', slackChannel: '#ops' } },
        LastModified: '2026-11-20T09:12:03.114+0000',
        State: 'Active',
        LastUpdateStatus: 'Successful',
      },
      Tags: tagsOf(s.fn),
    });
    const policy = permissionPolicy(s.permission);
    if (policy) aws.lambda.on(GetPolicyCommand).resolves({ Policy: policy });
    else
      aws.lambda.on(GetPolicyCommand).rejects(awsError('ResourceNotFoundException', 404, 'No policy found'));
  } else {
    aws.lambda.on(GetFunctionCommand).rejects(noFunction);
    aws.lambda.on(GetPolicyCommand).rejects(noFunction);
  }
  aws.lambda.on(DeleteFunctionCommand).resolves({});

  // CloudWatch
  if (s.alarm) {
    aws.cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: 'mission-cpu-alarm',
          AlarmArn: ALARM_ARN,
          AlarmDescription: 'CPU of the bastion instance at or above 50% for 1 minute',
          ActionsEnabled: true,
          AlarmActions: s.alarmActions,
          OKActions: s.okActions,
          InsufficientDataActions: [],
          StateValue: s.alarmState as 'OK',
          StateReason: 'Threshold Crossed',
          MetricName: 'CPUUtilization',
          Namespace: 'AWS/EC2',
          Statistic: 'Average',
          Dimensions: [{ Name: 'InstanceId', Value: INSTANCE }],
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 50,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        },
      ],
      CompositeAlarms: [],
    });
    aws.cloudwatch.on(CwListTags).resolves({ Tags: tagList(s.alarm) });
  } else {
    aws.cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [] });
    aws.cloudwatch.on(CwListTags).rejects(awsError('ResourceNotFound', 404, 'Alarm does not exist'));
  }
  aws.cloudwatch.on(DeleteAlarmsCommand).resolves({});
  aws.cloudwatch.on(SetAlarmStateCommand).resolves({});
  aws.cloudwatch.on(GetMetricDataCommand).resolves({
    MetricDataResults: [
      { Id: 'invocations', Label: 'Invocations', Values: [2, 1], StatusCode: 'Complete' },
      { Id: 'errors', Label: 'Errors', Values: [0, 0], StatusCode: 'Complete' },
    ],
  });
  return s;
}

/** A command context over the mocked clients: `sleeps` records every wait the command asked for. */
export function commandContext(
  io: ScriptedIO,
  opts: {
    name?: string;
    yes?: boolean;
    signal?: AbortSignal;
    globals?: Partial<GlobalOptions>;
    clock?: FakeClock;
  } = {},
): CommandContext & { sleeps: number[]; clock: FakeClock } {
  const clock = opts.clock ?? fakeClock();
  return {
    globals: {
      name: opts.name ?? STACK,
      json: io.json,
      yes: opts.yes ?? false,
      color: false,
      debug: false,
      ...opts.globals,
    },
    io,
    env: {},
    signal: opts.signal ?? new AbortController().signal,
    connect: async () => ({ region: REGION, clients: testClients() }),
    clock,
    sleeps: clock.sleeps,
  };
}

/** The commands sent, as "client.Name" (without "Command"), in order. */
export function callNames(aws: Aws): string[] {
  return aws.calls().map(([client, name]) => `${client}.${name.replace(/Command$/, '')}`);
}

const READ = /\.(Get|List|Describe|Filter)/;
/** Only the write calls, with their inputs. */
export function writes(aws: Aws): Array<[string, unknown]> {
  return aws
    .calls()
    .map(([client, name, input]) => [`${client}.${name.replace(/Command$/, '')}`, input] as [string, unknown])
    .filter(([name]) => !READ.test(name));
}
