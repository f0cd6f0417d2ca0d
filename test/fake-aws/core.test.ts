import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, CALLER_ARN, REGION } from './constants.js';
import { createFakeAws, type Scripted, START_TIME } from './core.js';
import { type AwsError, awsError } from './errors.js';
import { useFakeAws } from './vitest.js';

const fake = () => createFakeAws({ account: ACCOUNT, region: REGION });

describe('the answering model', () => {
  it('answers by "client.Command", with or without the Command suffix, and by a unique command name', async () => {
    const aws = fake();
    const a = await aws.answer('sns', 'CreateTopicCommand', { Name: 't' });
    const b = await aws.answer('sns', 'CreateTopic', { Name: 't' });
    expect(a).toEqual({ TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:t` });
    expect(b).toEqual(a);
    // "events" is the other usual key of the EventBridge client; an unknown key finds a unique command.
    await aws.answer('events', 'PutRule', { Name: 'r', EventPattern: '{"source":["x"]}' });
    expect(await aws.answer('anything', 'DescribeRule', { Name: 'r' })).toMatchObject({ Name: 'r' });
  });

  it('refuses a command it does not model, and an ambiguous one without its client', async () => {
    const aws = fake();
    await expect(aws.answer('sns', 'CreatePlatformApplication', {})).rejects.toThrow(
      'fake AWS has no sns.CreatePlatformApplication',
    );
    await expect(aws.answer('', 'TagResource', {})).rejects.toThrow('fake AWS has no .TagResource');
  });

  it('clones on the way in and out: neither side can change the other', async () => {
    const aws = fake();
    const tags = [{ Key: 'team', Value: 'ops' }];
    await aws.answer('sns', 'CreateTopic', { Name: 't', Tags: tags });
    tags[0] = { Key: 'team', Value: 'changed' };
    const arn = `arn:aws:sns:${REGION}:${ACCOUNT}:t`;
    const out = (await aws.answer('sns', 'ListTagsForResource', { ResourceArn: arn })) as {
      Tags: Array<{ Value: string }>;
    };
    expect(out.Tags).toEqual([{ Key: 'team', Value: 'ops' }]);
    out.Tags[0] = { Value: 'mutated' };
    expect(aws.state.topics.get(arn)?.tags).toEqual({ team: 'ops' });
  });

  it('throws scripted failures in order, then answers normally; entries may be functions or nothing', async () => {
    const aws = fake();
    const seen: unknown[] = [];
    const script: Scripted[] = [
      awsError('ThrottlingException', 400, 'slow down'),
      (input) => {
        seen.push(input);
        return undefined;
      },
      async () => awsError('InternalError', 500, 'boom'),
    ];
    aws.fail('CreateTopic', ...script);
    await expect(aws.answer('sns', 'CreateTopic', { Name: 'a' })).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    await expect(aws.answer('sns', 'CreateTopic', { Name: 'b' })).resolves.toMatchObject({
      TopicArn: expect.any(String),
    });
    expect(seen).toEqual([{ Name: 'b' }]);
    await expect(aws.answer('sns', 'CreateTopic', { Name: 'c' })).rejects.toMatchObject({
      name: 'InternalError',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
    });
    await expect(aws.answer('sns', 'CreateTopic', { Name: 'd' })).resolves.toBeDefined();
    expect([...aws.state.topics.keys()].map((k) => k.split(':').pop())).toEqual(['b', 'd']);
  });

  it('failAlways keeps failing; a "client.Command" key fails only that client; clearFailures stops it', async () => {
    const aws = fake();
    aws.failAlways('lambda.TagResource', awsError('AccessDeniedException', 403, 'no'));
    await aws.answer('sns', 'CreateTopic', { Name: 't' });
    const arn = `arn:aws:sns:${REGION}:${ACCOUNT}:t`;
    await expect(aws.answer('sns', 'TagResource', { ResourceArn: arn, Tags: [] })).resolves.toEqual({});
    for (let i = 0; i < 2; i++)
      await expect(aws.answer('lambda', 'TagResource', { Resource: 'f', Tags: {} })).rejects.toMatchObject({
        name: 'AccessDeniedException',
      });
    aws.clearFailures();
    await expect(aws.answer('lambda', 'TagResource', { Resource: 'f', Tags: {} })).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('errors have the SDK shape, with the wire code for Query-protocol services', () => {
    const error: AwsError = awsError('NoSuchEntityException', 404, 'gone', 'NoSuchEntity');
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'NoSuchEntityException',
      message: 'gone',
      $fault: 'client',
      $metadata: { httpStatusCode: 404 },
      Code: 'NoSuchEntity',
      Type: 'Sender',
      Error: { Code: 'NoSuchEntity', Type: 'Sender', Message: 'gone' },
    });
    const plain = awsError('ResourceNotFoundException');
    expect(plain.message).toBe('ResourceNotFoundException from AWS');
    expect(plain.$metadata.httpStatusCode).toBe(400);
    expect('Code' in plain).toBe(false);
  });

  it('has a virtual clock that only advance moves (or the one given)', async () => {
    const aws = fake();
    expect(aws.now()).toBe(START_TIME);
    aws.advance(1500);
    expect(aws.now()).toBe(START_TIME + 1500);
    let t = 1_000;
    const real = createFakeAws({ account: ACCOUNT, region: REGION, clock: () => t });
    t = 2_000;
    real.advance(5);
    expect(real.now()).toBe(2_005);
  });

  it('snapshot() is plain JSON of every resource, and find.* throws for what does not exist', async () => {
    const aws = fake();
    await aws.answer('iam', 'CreateRole', { RoleName: 'r', AssumeRolePolicyDocument: '{}' });
    await aws.answer('iam', 'PutRolePolicy', { RoleName: 'r', PolicyName: 'p', PolicyDocument: '{"a":1}' });
    const snap = aws.snapshot();
    expect(Object.keys(snap).sort()).toEqual(
      [
        'aliases',
        'alarms',
        'functions',
        'keys',
        'logGroups',
        'mappings',
        'queues',
        'roles',
        'rules',
        'subscriptions',
        'topics',
      ].sort(),
    );
    expect(snap.roles?.r).toMatchObject({
      inline: { p: '{"a":1}' },
      createDate: new Date(START_TIME).toISOString(),
    });
    expect(aws.find.role('r').inline.get('p')).toBe('{"a":1}');
    expect(() => aws.find.function('nope')).toThrow('fake AWS has no function nope');
  });
});

describe('useFakeAws', () => {
  const aws = useFakeAws();

  it('answers real SDK clients from a fresh fake per test and records the calls', async () => {
    const out = await new STSClient({ region: REGION }).send(new GetCallerIdentityCommand({}));
    expect(out).toMatchObject({ Account: ACCOUNT, Arn: CALLER_ARN });
    expect(aws.callNames()).toEqual(['sts.GetCallerIdentity']);
    expect(aws.writes()).toEqual([]);
    expect(aws.inputs('GetCallerIdentity')).toEqual([{}]);
    aws.clearCalls();
    expect(aws.calls()).toEqual([]);
  });

  it("lets a test stub one command on top of the fake (aws-sdk-client-mock's own .on wins)", async () => {
    aws.mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: '000000000000' });
    const out = await new STSClient({ region: REGION }).send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe('000000000000');
  });

  it('starts every test with an empty account', () => {
    expect(aws.fake.state.topics.size).toBe(0);
    expect(aws.calls()).toEqual([]);
  });
});
