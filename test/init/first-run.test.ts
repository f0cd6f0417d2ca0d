import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildHandlerZip } from '../../src/handler-zip.js';
import { STACK_TAG } from '../../src/names.js';
import { awsError } from '../fake-aws/index.js';
import { ACCOUNT, CALLER_ARN, REGION } from '../helpers/aws.js';
import {
  ALARM_ARN,
  FUNCTION_ARN,
  firstRunOptions,
  INSTANCE,
  policy,
  ROLE_ARN,
  resultDoc,
  runInit,
  TOPIC_ARN,
  useFakeAws,
  WEBHOOK,
  WEBHOOK_SECRET,
} from './harness.js';

const aws = useFakeAws();
const TAGS = [{ Key: STACK_TAG, Value: 'mission' }];

describe('init, first run', () => {
  it('creates every resource once, with the exact inputs, in dependency order', async () => {
    const run = await runInit();
    expect(run.error).toBeUndefined();
    expect(run.exitCode).toBe(0);

    // Every write exactly once, nothing updated.
    expect([...aws.writes()].sort()).toEqual(
      [
        'CreateTopic',
        'CreateKey',
        'CreateAlias',
        'Encrypt',
        'CreateRole',
        'AttachRolePolicy',
        'PutRolePolicy',
        'PutRolePolicy',
        'CreateLogGroup',
        'PutRetentionPolicy',
        'CreateQueue',
        'CreateFunction',
        'PutFunctionEventInvokeConfig',
        'CreateEventSourceMapping',
        'AddPermission',
        'Subscribe',
        'PutMetricAlarm',
      ].sort(),
    );

    expect(aws.inputs('CreateTopic')).toEqual([{ Name: 'mission-sns', Tags: TAGS }]);

    const [createKey] = aws.inputs('CreateKey');
    expect(createKey).toMatchObject({
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeySpec: 'SYMMETRIC_DEFAULT',
      Tags: [{ TagKey: STACK_TAG, TagValue: 'mission' }],
    });
    expect(createKey?.Description).toContain('"mission"');
    const keyPolicy = policy(createKey?.Policy);
    expect(keyPolicy.Statement).toEqual([
      expect.objectContaining({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Effect: 'Allow' }),
    ]);
    const keyId = [...aws.fake.state.keys.keys()][0] as string;
    const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`;
    expect(aws.inputs('CreateAlias')).toEqual([{ AliasName: 'alias/mission-kms-key', TargetKeyId: keyId }]);

    // The URL is encrypted under the key with the function name as encryption context.
    const [encrypt] = aws.inputs<{ KeyId: string; Plaintext: Uint8Array; EncryptionContext: unknown }>(
      'Encrypt',
    );
    expect(encrypt?.KeyId).toBe(keyArn);
    expect(encrypt?.EncryptionContext).toEqual({ LambdaFunctionName: 'mission-lambda' });
    expect(Buffer.from(encrypt?.Plaintext ?? []).toString()).toBe(WEBHOOK);

    const [createRole] = aws.inputs('CreateRole');
    expect(createRole).toMatchObject({ RoleName: 'mission-lambda-role', Tags: TAGS });
    expect(policy(createRole?.AssumeRolePolicyDocument)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
    expect(aws.inputs('AttachRolePolicy')).toEqual([
      {
        RoleName: 'mission-lambda-role',
        PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      },
    ]);
    const putPolicies = aws.inputs('PutRolePolicy');
    const putPolicy = putPolicies.find((p) => p.PolicyName === 'mission-kms-decrypt');
    expect(putPolicy).toMatchObject({ RoleName: 'mission-lambda-role', PolicyName: 'mission-kms-decrypt' });
    const decrypt = policy(putPolicy?.PolicyDocument);
    expect(decrypt.Statement).toHaveLength(1);
    expect(decrypt.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: keyArn,
      Condition: { StringEquals: { 'kms:EncryptionContext:LambdaFunctionName': 'mission-lambda' } },
    });
    expect(JSON.stringify(decrypt)).not.toContain('"*"');
    // The undelivered-alert queue, that queue only: send (the failure destination), and drain it.
    const queueArn = `arn:aws:sqs:${REGION}:${ACCOUNT}:mission-undelivered`;
    const queuePolicy = putPolicies.find((p) => p.PolicyName === 'mission-undelivered-queue');
    expect(queuePolicy?.RoleName).toBe('mission-lambda-role');
    expect(policy(queuePolicy?.PolicyDocument)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'KeepUndeliveredAlerts', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queueArn },
        {
          Sid: 'RedeliverUndeliveredAlerts',
          Effect: 'Allow',
          Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
          Resource: queueArn,
        },
      ],
    });

    expect(aws.inputs('CreateQueue')).toEqual([
      {
        QueueName: 'mission-undelivered',
        Attributes: {
          MessageRetentionPeriod: '1209600',
          VisibilityTimeout: '90',
          SqsManagedSseEnabled: 'true',
        },
        tags: { [STACK_TAG]: 'mission' },
      },
    ]);
    expect(aws.inputs('PutFunctionEventInvokeConfig')).toEqual([
      {
        FunctionName: 'mission-lambda',
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 21600,
        DestinationConfig: { OnFailure: { Destination: queueArn } },
      },
    ]);
    expect(aws.inputs('CreateEventSourceMapping')).toEqual([
      {
        FunctionName: 'mission-lambda',
        EventSourceArn: queueArn,
        Enabled: true,
        BatchSize: 5,
        MaximumBatchingWindowInSeconds: 0,
        ScalingConfig: { MaximumConcurrency: 2 },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        Tags: { [STACK_TAG]: 'mission' },
      },
    ]);

    expect(aws.inputs('CreateLogGroup')).toEqual([
      { logGroupName: '/aws/lambda/mission-lambda', tags: { [STACK_TAG]: 'mission' } },
    ]);
    expect(aws.inputs('PutRetentionPolicy')).toEqual([
      { logGroupName: '/aws/lambda/mission-lambda', retentionInDays: 30 },
    ]);

    // The function: runtime, sizes, role, key, the ciphertext KMS returned, the deterministic zip.
    const [createFn] = aws.inputs<Record<string, unknown> & { Code: { ZipFile: Uint8Array } }>(
      'CreateFunction',
    );
    const ciphertext = aws.fake.find.function('mission-lambda').config.Environment.Variables
      .kmsEncryptedHookUrl as string;
    expect(createFn).toMatchObject({
      FunctionName: 'mission-lambda',
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      MemorySize: 128,
      Timeout: 15,
      Role: ROLE_ARN,
      KMSKeyArn: keyArn,
      Environment: {
        Variables: {
          kmsEncryptedHookUrl: ciphertext,
          slackChannel: '#ops',
          undeliveredQueueUrl: aws.fake.find.queue('mission-undelivered').url,
        },
      },
      Tags: { [STACK_TAG]: 'mission' },
    });
    const decoded = JSON.parse(Buffer.from(ciphertext, 'base64').toString());
    expect(decoded).toMatchObject({ k: keyId, c: { LambdaFunctionName: 'mission-lambda' } });
    const { codeSha256 } = await buildHandlerZip();
    const sent = createHash('sha256')
      .update(createFn?.Code.ZipFile ?? new Uint8Array())
      .digest('base64');
    expect(sent).toBe(codeSha256);
    expect((await buildHandlerZip()).codeSha256).toBe(codeSha256);

    expect(aws.inputs('AddPermission')).toEqual([
      expect.objectContaining({
        FunctionName: 'mission-lambda',
        Action: 'lambda:InvokeFunction',
        Principal: 'sns.amazonaws.com',
        SourceArn: TOPIC_ARN,
        SourceAccount: ACCOUNT,
      }),
    ]);
    expect(aws.inputs('Subscribe')).toEqual([
      expect.objectContaining({ TopicArn: TOPIC_ARN, Protocol: 'lambda', Endpoint: FUNCTION_ARN }),
    ]);
    expect(aws.inputs('PutMetricAlarm')).toEqual([
      expect.objectContaining({
        AlarmName: 'mission-cpu-alarm',
        Namespace: 'AWS/EC2',
        MetricName: 'CPUUtilization',
        Dimensions: [{ Name: 'InstanceId', Value: INSTANCE }],
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 50,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [TOPIC_ARN],
        OKActions: [TOPIC_ARN],
        Tags: TAGS,
      }),
    ]);

    // Dependencies: each write only after what it needs.
    const order = aws.writes();
    const at = (name: string) => order.indexOf(name);
    expect(at('CreateKey')).toBeLessThan(at('Encrypt'));
    expect(at('CreateKey')).toBeLessThan(at('PutRolePolicy'));
    for (const need of ['PutRolePolicy', 'AttachRolePolicy', 'Encrypt', 'PutRetentionPolicy'])
      expect(at(need)).toBeLessThan(at('CreateFunction'));
    for (const after of ['AddPermission', 'Subscribe']) {
      expect(at('CreateFunction')).toBeLessThan(at(after));
      expect(at('CreateTopic')).toBeLessThan(at(after));
    }
    expect(at('CreateQueue')).toBeLessThan(at('CreateFunction'));
    for (const after of ['PutFunctionEventInvokeConfig', 'CreateEventSourceMapping']) {
      expect(at('CreateFunction')).toBeLessThan(at(after));
      expect(at('CreateQueue')).toBeLessThan(at(after));
      expect(order.lastIndexOf('PutRolePolicy')).toBeLessThan(at(after));
    }
    expect(at('CreateTopic')).toBeLessThan(at('PutMetricAlarm'));
  });

  it('starts independent steps at once and each dependent one only after what it needs, however slow', async () => {
    const slow = (ticks: number) => async () => {
      for (let i = 0; i < ticks; i++) await new Promise((resolve) => setImmediate(resolve));
      return undefined;
    };
    aws.fake.fail('CreateKey', slow(30));
    aws.fake.fail('PutRolePolicy', slow(30));
    const run = await runInit();
    expect(run.exitCode).toBe(0);
    const sent = aws.writes();
    const at = (name: string) => sent.indexOf(name);
    // Topic, log group and the alarm (it needs only the topic) do not wait for the slow key.
    for (const independent of ['CreateTopic', 'CreateLogGroup', 'PutMetricAlarm'])
      expect(at(independent)).toBeLessThan(at('Encrypt'));
    // The function waits for the slow role policy (no CreateFunction retry was needed).
    expect(at('PutRolePolicy')).toBeLessThan(at('CreateFunction'));
    expect(aws.inputs('CreateFunction')).toHaveLength(1);
    expect(run.sleeps).toEqual([]);
  });

  it('shows who and where, a step line per step, and a summary with the ARNs and the next commands', async () => {
    const run = await runInit();
    const stderr = run.io.stderr.join('\n');
    expect(stderr).toContain(`Account ${ACCOUNT} (${CALLER_ARN}) · Region ${REGION}`);
    for (const title of [
      'SNS topic mission-sns',
      'KMS key alias/mission-kms-key',
      'IAM role mission-lambda-role',
      'Lambda function mission-lambda',
      'CPU alarm mission-cpu-alarm',
    ])
      expect(stderr).toMatch(new RegExp(`✔ ${title} — created \\(\\d+ ms\\)`));
    expect(stderr).toMatch(/RESOURCE\s+NAME\s+ACTION/);

    const stdout = run.io.stdout.join('\n');
    for (const arn of [TOPIC_ARN, ROLE_ARN, FUNCTION_ARN, ALARM_ARN]) expect(stdout).toContain(arn);
    expect(stdout).toContain('hooks.slack.com/services/T000/****');
    for (const next of ['test', 'status', 'teardown'])
      expect(stdout).toContain(`alarm-to-slack ${next} --name mission --region ${REGION}`);
  });

  it('the next commands repeat --profile and --endpoint-url, and name the region even when it came from the environment', async () => {
    const run = await runInit({
      globals: { region: undefined, profile: 'dev', endpointUrl: 'http://127.0.0.1:4566' },
      env: { AWS_REGION: REGION },
    });
    expect(run.exitCode).toBe(0);
    const stdout = run.io.stdout.join('\n');
    for (const next of ['test', 'status', 'teardown'])
      expect(stdout).toContain(
        `alarm-to-slack ${next} --name mission --region ${REGION} --profile dev --endpoint-url http://127.0.0.1:4566`,
      );
  });

  it('--json prints one document with the resources and each step', async () => {
    const run = await runInit({ json: true });
    expect(run.io.stdout).toHaveLength(1);
    const doc = JSON.parse(run.io.stdout[0] as string);
    const keyId = [...aws.fake.state.keys.keys()][0];
    const subscriptionArn = [...aws.fake.state.subscriptions.keys()][0];
    expect(doc).toEqual({
      ok: true,
      stack: 'mission',
      region: REGION,
      account: ACCOUNT,
      resources: {
        topicArn: TOPIC_ARN,
        keyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`,
        keyAlias: 'alias/mission-kms-key',
        roleArn: ROLE_ARN,
        functionArn: FUNCTION_ARN,
        subscriptionArn,
        alarmArn: ALARM_ARN,
        logGroupName: '/aws/lambda/mission-lambda',
        queueUrl: aws.fake.find.queue('mission-undelivered').url,
        eventSourceMappingUuid: [...aws.fake.state.mappings.keys()][0],
        ruleArn: null,
      },
      steps: expect.any(Array),
    });
    expect(doc.steps.map((s: { id: string }) => s.id).sort()).toEqual(
      [
        'alarm',
        'encrypt',
        'function',
        'key',
        'key-alias',
        'log-group',
        'permission',
        'role',
        'role-policies',
        'subscription',
        'topic',
        'queue',
        'invoke-config',
        'event-source-mapping',
      ].sort(),
    );
    for (const step of doc.steps) {
      expect(step.status).toBe('created');
      expect(step.ms).toEqual(expect.any(Number));
    }
  });

  it('retries CreateFunction while IAM propagates (rejected twice, then accepted), saying so', async () => {
    const notAssumable = () =>
      awsError(
        'InvalidParameterValueException',
        400,
        'The role defined for the function cannot be assumed by Lambda.',
      );
    aws.fake.fail('CreateFunction', notAssumable, notAssumable);
    const run = await runInit();
    expect(run.error).toBeUndefined();
    expect(aws.inputs('CreateFunction')).toHaveLength(3);
    expect(run.sleeps).toEqual([1000, 2000]);
    expect(run.io.stderr.join('\n')).toMatch(/Waiting for IAM to propagate/);
    expect(resultDoc(run).resources.functionArn).toBe(FUNCTION_ARN);
    // Nothing was rolled back or created twice.
    expect(aws.writes().filter((w) => w.startsWith('Delete') || w === 'ScheduleKeyDeletion')).toEqual([]);
  });

  it('with --no-alarm creates no alarm and shows the topic ARN to use as any alarm action', async () => {
    const run = await runInit({ options: firstRunOptions({ instanceId: undefined, alarm: false }) });
    expect(run.exitCode).toBe(0);
    expect(aws.writes()).not.toContain('PutMetricAlarm');
    const stdout = run.io.stdout.join('\n');
    expect(stdout).toContain(`--alarm-actions ${TOPIC_ARN} --ok-actions ${TOPIC_ARN}`);
    expect(resultDoc(run).resources.alarmArn).toBeNull();
  });

  it('never prints, logs or returns the webhook URL (any output, any outcome)', async () => {
    const ok = await runInit({ json: false });
    aws.freshAccount();
    const json = await runInit({ json: true });
    aws.freshAccount();
    aws.fake.failAlways('CreateFunction', awsError('AccessDeniedException', 403, 'not authorized'));
    const failed = await runInit({ options: firstRunOptions({ webhookUrl: NEW_SECRET_URL }) });
    expect(failed.exitCode).toBe(1);
    for (const run of [ok, json, failed]) {
      expect(run.allOutput).not.toContain(WEBHOOK_SECRET);
      expect(run.allOutput).not.toContain('YYYYnewsecretYYYY');
      expect(run.allOutput).not.toContain(WEBHOOK);
    }
  });
});

const NEW_SECRET_URL = 'https://hooks.slack.com/services/T000/B000/YYYYnewsecretYYYY';
