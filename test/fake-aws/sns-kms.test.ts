import {
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  KMSClient,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-kms';
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTagsForResourceCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, REGION } from './constants.js';
import { useFakeAws } from './vitest.js';

const aws = useFakeAws();
const sns = new SNSClient({ region: REGION });
const kms = new KMSClient({ region: REGION });
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:alerts`;

describe('SNS', () => {
  it('a missing topic is NotFoundException (code NotFound, 404); its tags ResourceNotFoundException', async () => {
    await expect(sns.send(new GetTopicAttributesCommand({ TopicArn: TOPIC }))).rejects.toMatchObject({
      name: 'NotFoundException',
      Code: 'NotFound',
      message: 'Topic does not exist',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });
    await expect(sns.send(new ListTagsForResourceCommand({ ResourceArn: TOPIC }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      Code: 'ResourceNotFound',
    });
  });

  it('CreateTopic is idempotent, but refused with different tags, as AWS does', async () => {
    const tags = [{ Key: 'team', Value: 'ops' }];
    const first = await sns.send(new CreateTopicCommand({ Name: 'alerts', Tags: tags }));
    expect(first.TopicArn).toBe(TOPIC);
    await expect(sns.send(new CreateTopicCommand({ Name: 'alerts', Tags: tags }))).resolves.toMatchObject({
      TopicArn: TOPIC,
    });
    await expect(sns.send(new CreateTopicCommand({ Name: 'alerts' }))).resolves.toMatchObject({
      TopicArn: TOPIC,
    });
    await expect(
      sns.send(new CreateTopicCommand({ Name: 'alerts', Tags: [{ Key: 'team', Value: 'payments' }] })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      Code: 'InvalidParameter',
      message: 'Invalid parameter: Tags Reason: Topic already exists with different tags',
    });
    expect(aws.fake.find.topic('alerts').tags).toEqual({ team: 'ops' });
  });

  it('Subscribe never duplicates; DeleteTopic takes the subscriptions with it and is idempotent', async () => {
    await sns.send(new CreateTopicCommand({ Name: 'alerts' }));
    const sub = {
      TopicArn: TOPIC,
      Protocol: 'lambda',
      Endpoint: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:f`,
    };
    const a = await sns.send(new SubscribeCommand(sub));
    const b = await sns.send(new SubscribeCommand(sub));
    expect(b.SubscriptionArn).toBe(a.SubscriptionArn);
    const listed = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC }));
    expect(listed.Subscriptions).toEqual([{ ...sub, SubscriptionArn: a.SubscriptionArn, Owner: ACCOUNT }]);
    await sns.send(new DeleteTopicCommand({ TopicArn: TOPIC }));
    await sns.send(new DeleteTopicCommand({ TopicArn: TOPIC }));
    expect(aws.fake.state.subscriptions.size).toBe(0);
  });
});

describe('KMS', () => {
  const newKey = async () => {
    const out = await kms.send(new CreateKeyCommand({ Description: 'd' }));
    return { id: out.KeyMetadata?.KeyId ?? '', arn: out.KeyMetadata?.Arn ?? '' };
  };

  it('NotFoundException names what is missing (alias ARN, key ARN)', async () => {
    await expect(kms.send(new DescribeKeyCommand({ KeyId: 'alias/nope' }))).rejects.toMatchObject({
      name: 'NotFoundException',
      message: `Alias arn:aws:kms:${REGION}:${ACCOUNT}:alias/nope is not found.`,
    });
    const id = '1234abcd-12ab-34cd-56ef-000000000000';
    await expect(kms.send(new DescribeKeyCommand({ KeyId: id }))).rejects.toMatchObject({
      name: 'NotFoundException',
      message: `Key 'arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}' does not exist`,
    });
  });

  it('Decrypt needs the same EncryptionContext (in any key order) and, when pinned, the same key', async () => {
    const a = await newKey();
    const b = await newKey();
    const Plaintext = new TextEncoder().encode('https://hooks.slack.com/services/T000/B000/XXXX');
    const { CiphertextBlob } = await kms.send(
      new EncryptCommand({ KeyId: a.arn, Plaintext, EncryptionContext: { x: '1', LambdaFunctionName: 'f' } }),
    );
    const out = await kms.send(
      new DecryptCommand({
        CiphertextBlob,
        EncryptionContext: { LambdaFunctionName: 'f', x: '1' },
        KeyId: a.arn,
      }),
    );
    expect(new TextDecoder().decode(out.Plaintext)).toBe('https://hooks.slack.com/services/T000/B000/XXXX');
    expect(out.KeyId).toBe(a.arn);
    await expect(
      kms.send(
        new DecryptCommand({ CiphertextBlob, EncryptionContext: { LambdaFunctionName: 'g', x: '1' } }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
    await expect(
      kms.send(
        new DecryptCommand({
          CiphertextBlob,
          EncryptionContext: { LambdaFunctionName: 'f', x: '1' },
          KeyId: b.id,
        }),
      ),
    ).rejects.toMatchObject({ name: 'IncorrectKeyException' });
    await expect(
      kms.send(new DecryptCommand({ CiphertextBlob: new TextEncoder().encode('garbage') })),
    ).rejects.toMatchObject({ name: 'InvalidCiphertextException' });
  });

  it('a key pending deletion refuses Encrypt, Decrypt, CreateGrant, aliases onto it and a second ScheduleKeyDeletion', async () => {
    const old = await newKey();
    const Plaintext = new TextEncoder().encode('x');
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: old.id, Plaintext }));
    const scheduled = await kms.send(
      new ScheduleKeyDeletionCommand({ KeyId: old.id, PendingWindowInDays: 7 }),
    );
    expect(scheduled).toMatchObject({
      KeyId: old.arn,
      KeyState: 'PendingDeletion',
      DeletionDate: new Date(aws.fake.now() + 7 * 86_400_000),
    });
    const pending = { name: 'KMSInvalidStateException', message: `${old.arn} is pending deletion.` };
    await expect(kms.send(new EncryptCommand({ KeyId: old.id, Plaintext }))).rejects.toMatchObject(pending);
    await expect(kms.send(new DecryptCommand({ CiphertextBlob }))).rejects.toMatchObject(pending);
    await expect(
      kms.send(new CreateGrantCommand({ KeyId: old.id, GranteePrincipal: 'p', Operations: ['Decrypt'] })),
    ).rejects.toMatchObject(pending);
    await expect(
      kms.send(new ScheduleKeyDeletionCommand({ KeyId: old.id, PendingWindowInDays: 7 })),
    ).rejects.toMatchObject(pending);
    const fresh = await newKey();
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/k', TargetKeyId: fresh.id }));
    await expect(
      kms.send(new UpdateAliasCommand({ AliasName: 'alias/k', TargetKeyId: old.id })),
    ).rejects.toMatchObject(pending);
    await expect(
      kms.send(new CreateAliasCommand({ AliasName: 'alias/k2', TargetKeyId: old.id })),
    ).rejects.toMatchObject(pending);
    expect(aws.fake.state.aliases.get('alias/k')).toBe(fresh.id);
    // Reads still work on a key pending deletion.
    await expect(kms.send(new DescribeKeyCommand({ KeyId: old.arn }))).resolves.toMatchObject({
      KeyMetadata: { KeyState: 'PendingDeletion', Enabled: false },
    });
    await expect(kms.send(new ListResourceTagsCommand({ KeyId: old.id }))).resolves.toMatchObject({
      Tags: [],
    });
  });

  it('ScheduleKeyDeletion takes 7 to 30 days (ValidationException otherwise)', async () => {
    const k = await newKey();
    await expect(
      kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.id, PendingWindowInDays: 6 })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("Value '6' at 'pendingWindowInDays'"),
    });
    await expect(
      kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.id, PendingWindowInDays: 31 })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
    });
    expect(aws.fake.find.key(k.id).state).toBe('Enabled');
  });

  it('finds a key by id, key ARN, alias and alias ARN', async () => {
    const k = await newKey();
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/k', TargetKeyId: k.arn }));
    for (const KeyId of [k.id, k.arn, 'alias/k', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/k`])
      await expect(kms.send(new DescribeKeyCommand({ KeyId }))).resolves.toMatchObject({
        KeyMetadata: { KeyId: k.id },
      });
    await expect(
      kms.send(new CreateAliasCommand({ AliasName: 'alias/k', TargetKeyId: k.id })),
    ).rejects.toMatchObject({
      name: 'AlreadyExistsException',
    });
  });
});
