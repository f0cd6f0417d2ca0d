// @ts-nocheck: plain JS shared with the benchmark (see ../fake-aws.mjs).
// STS, SNS and KMS for the in-memory AWS: answers from `env.state`, changed by the writes.
export function messagingHandlers(env) {
  const { state, account, partition, arn, tagList, tagMap, keyOf, awsError, nextSerial, randomUUID } = env;
  return {
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
    'sns.TagResource': ({ ResourceArn, Tags }) => {
      const topic = state.topics.get(ResourceArn);
      if (!topic) throw awsError('ResourceNotFoundException', 404, 'Resource does not exist');
      Object.assign(topic.tags, tagMap(Tags));
      return {};
    },
    'sns.UntagResource': ({ ResourceArn, TagKeys }) => {
      const topic = state.topics.get(ResourceArn);
      if (!topic) throw awsError('ResourceNotFoundException', 404, 'Resource does not exist');
      for (const k of TagKeys) delete topic.tags[k];
      return {};
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
    'kms.TagResource': ({ KeyId, Tags }) => {
      const id = keyOf(KeyId);
      if (!id) throw awsError('NotFoundException', 400, 'Invalid keyId');
      Object.assign(state.keys.get(id).tags, tagMap(Tags, 'TagKey', 'TagValue'));
      return {};
    },
    'kms.UntagResource': ({ KeyId, TagKeys }) => {
      const id = keyOf(KeyId);
      if (!id) throw awsError('NotFoundException', 400, 'Invalid keyId');
      for (const k of TagKeys) delete state.keys.get(id).tags[k];
      return {};
    },
    CreateKey: ({ Description, Tags, Policy }) => {
      const id = `1111aaaa-22bb-33cc-44dd-${String(nextSerial()).padStart(12, '0')}`;
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
      const serial = nextSerial();
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
  };
}
