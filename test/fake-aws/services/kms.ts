import type {
  CreateAliasRequest,
  CreateGrantRequest,
  CreateKeyRequest,
  DecryptRequest,
  DescribeKeyRequest,
  EncryptRequest,
  ListResourceTagsRequest,
  ScheduleKeyDeletionRequest,
  TagResourceRequest,
  UntagResourceRequest,
  UpdateAliasRequest,
} from '@aws-sdk/client-kms';
import { type Env, type Handlers, on, tagList, tagMap } from '../env.js';
import { awsError, validationMessage } from '../errors.js';
import type { KeyRecord } from '../types.js';

/**
 * KMS. Keys are found by id, key ARN, alias name or alias ARN. A key's state decides what it may do
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html): Disabled answers
 * DisabledException, PendingDeletion KMSInvalidStateException ("<key ARN> is pending deletion."),
 * for Encrypt, Decrypt, CreateGrant, tagging and UpdateAlias/CreateAlias onto it; ScheduleKeyDeletion
 * of a key already pending deletion is refused the same way.
 *
 * The ciphertext is a JSON blob {k: key id, c: encryption context, p: plaintext (hex, reversed),
 * n: serial}, base64 in the function's environment: opaque enough for the product, and Decrypt checks
 * it as KMS does (the context must match exactly, in any key order; a pinned KeyId must be the key).
 */
const DAY_MS = 86_400_000;

interface Blob {
  k: string;
  c: Record<string, string>;
  p: string;
  n: number;
}

export function parseCiphertext(bytes: Uint8Array): Blob | undefined {
  try {
    const blob = JSON.parse(Buffer.from(bytes).toString()) as Partial<Blob>;
    return typeof blob.k === 'string' && typeof blob.p === 'string'
      ? { k: blob.k, c: blob.c ?? {}, p: blob.p, n: blob.n ?? 0 }
      : undefined;
  } catch {
    return undefined;
  }
}

export function plaintextOf(blob: Blob): string {
  return Buffer.from(blob.p, 'hex').reverse().toString();
}

/** The ciphertext the fake's Encrypt makes (for seeding a function's environment). */
export function makeCiphertext(
  keyId: string,
  plaintext: Uint8Array,
  context: Record<string, string>,
  n: number,
) {
  const blob: Blob = { k: keyId, c: context, p: Buffer.from(plaintext).reverse().toString('hex'), n };
  return new Uint8Array(Buffer.from(JSON.stringify(blob)));
}

const sameContext = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

export function kmsHandlers(env: Env): Handlers {
  const { state } = env;
  const aliasArn = (alias: string) => env.arn('kms', alias);
  /** The key id `id` names, or undefined. */
  const keyIdOf = (id: string | undefined): string | undefined => {
    if (typeof id !== 'string') return undefined;
    const alias = id.includes(':alias/') ? `alias/${id.split(':alias/')[1]}` : id;
    if (alias.startsWith('alias/')) return state.aliases.get(alias);
    const bare = id.includes(':key/') ? id.split(':key/')[1] : id;
    return bare && state.keys.has(bare) ? bare : undefined;
  };
  const notFound = (id: string | undefined) => {
    if (id?.startsWith('alias/') || id?.includes(':alias/'))
      return awsError(
        'NotFoundException',
        400,
        `Alias ${id.startsWith('arn:') ? id : aliasArn(id)} is not found.`,
      );
    if (id && /^[0-9a-f-]{36}$/.test(id))
      return awsError('NotFoundException', 400, `Key '${env.arn('kms', `key/${id}`)}' does not exist`);
    if (id?.includes(':key/')) return awsError('NotFoundException', 400, `Key '${id}' does not exist`);
    return awsError('NotFoundException', 400, `Invalid keyId '${id ?? ''}'`);
  };
  const find = (id: string | undefined): [string, KeyRecord] => {
    const keyId = keyIdOf(id);
    const key = keyId === undefined ? undefined : state.keys.get(keyId);
    if (keyId === undefined || !key) throw notFound(id);
    return [keyId, key];
  };
  /** A key that must be usable: Enabled. */
  const usable = (id: string | undefined): [string, KeyRecord] => {
    const [keyId, key] = find(id);
    if (key.state === 'PendingDeletion')
      throw awsError('KMSInvalidStateException', 400, `${key.arn} is pending deletion.`);
    if (key.state === 'Disabled') throw awsError('DisabledException', 400, `${key.arn} is disabled.`);
    if (key.state !== 'Enabled')
      throw awsError('KMSInvalidStateException', 400, `${key.arn} is ${key.state}.`);
    return [keyId, key];
  };
  const notPending = (key: KeyRecord) => {
    if (key.state === 'PendingDeletion')
      throw awsError('KMSInvalidStateException', 400, `${key.arn} is pending deletion.`);
  };
  const metadata = (keyId: string, k: KeyRecord) => ({
    AWSAccountId: env.account,
    KeyId: keyId,
    Arn: k.arn,
    CreationDate: k.creationDate,
    Enabled: k.state === 'Enabled',
    Description: k.description ?? '',
    KeyUsage: 'ENCRYPT_DECRYPT',
    KeyState: k.state,
    ...(k.deletionDate ? { DeletionDate: k.deletionDate } : {}),
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    KeySpec: 'SYMMETRIC_DEFAULT',
    CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    MultiRegion: false,
  });

  return {
    'kms.CreateKey': on<CreateKeyRequest>(({ Description, Tags, Policy }) => {
      const keyId = `1111aaaa-22bb-33cc-44dd-${String(env.serial()).padStart(12, '0')}`;
      const k: KeyRecord = {
        arn: env.arn('kms', `key/${keyId}`),
        state: 'Enabled',
        description: Description,
        tags: tagMap(Tags, 'TagKey', 'TagValue'),
        policy: Policy,
        creationDate: new Date(env.now()),
      };
      state.keys.set(keyId, k);
      return { KeyMetadata: metadata(keyId, k) };
    }),
    'kms.DescribeKey': on<DescribeKeyRequest>(({ KeyId }) => ({ KeyMetadata: metadata(...find(KeyId)) })),
    'kms.ListResourceTags': on<ListResourceTagsRequest>(({ KeyId }) => {
      if (KeyId?.startsWith('alias/')) throw awsError('NotFoundException', 400, `Invalid keyId '${KeyId}'`);
      const [, k] = find(KeyId);
      return { Tags: tagList(k.tags, 'TagKey', 'TagValue'), Truncated: false };
    }),
    'kms.TagResource': on<TagResourceRequest>(({ KeyId, Tags }) => {
      const [, k] = find(KeyId);
      notPending(k);
      Object.assign(k.tags, tagMap(Tags, 'TagKey', 'TagValue'));
      return {};
    }),
    'kms.UntagResource': on<UntagResourceRequest>(({ KeyId, TagKeys }) => {
      const [, k] = find(KeyId);
      notPending(k);
      for (const t of TagKeys ?? []) delete k.tags[t];
      return {};
    }),
    'kms.CreateAlias': on<CreateAliasRequest>(({ AliasName, TargetKeyId }) => {
      const name = AliasName ?? '';
      if (state.aliases.has(name))
        throw awsError(
          'AlreadyExistsException',
          400,
          `An alias with the name ${aliasArn(name)} already exists`,
        );
      const [keyId, k] = find(TargetKeyId);
      notPending(k);
      state.aliases.set(name, keyId);
      return {};
    }),
    'kms.UpdateAlias': on<UpdateAliasRequest>(({ AliasName, TargetKeyId }) => {
      const name = AliasName ?? '';
      if (!state.aliases.has(name))
        throw awsError('NotFoundException', 400, `Alias ${aliasArn(name)} is not found.`);
      const [keyId, k] = find(TargetKeyId);
      notPending(k);
      state.aliases.set(name, keyId);
      return {};
    }),
    'kms.DeleteAlias': on<{ AliasName?: string }>(({ AliasName }) => {
      if (!state.aliases.delete(AliasName ?? ''))
        throw awsError('NotFoundException', 400, `Alias ${aliasArn(AliasName ?? '')} is not found.`);
      return {};
    }),
    'kms.ScheduleKeyDeletion': on<ScheduleKeyDeletionRequest>(({ KeyId, PendingWindowInDays }) => {
      const days = PendingWindowInDays ?? 30;
      if (days < 7 || days > 30)
        throw awsError(
          'ValidationException',
          400,
          validationMessage(
            String(days),
            'pendingWindowInDays',
            `Member must have value ${days < 7 ? 'greater than or equal to 7' : 'less than or equal to 30'}`,
          ),
        );
      const [, k] = find(KeyId);
      notPending(k);
      k.state = 'PendingDeletion';
      k.deletionDate = new Date(env.now() + days * DAY_MS);
      return {
        KeyId: k.arn,
        DeletionDate: k.deletionDate,
        KeyState: 'PendingDeletion',
        PendingWindowInDays: days,
      };
    }),
    'kms.CancelKeyDeletion': on<{ KeyId?: string }>(({ KeyId }) => {
      const [, k] = find(KeyId);
      if (k.state !== 'PendingDeletion')
        throw awsError('KMSInvalidStateException', 400, `${k.arn} is not pending deletion.`);
      k.state = 'Disabled';
      k.deletionDate = undefined;
      return { KeyId: k.arn };
    }),
    'kms.EnableKey': on<{ KeyId?: string }>(({ KeyId }) => {
      const [, k] = find(KeyId);
      notPending(k);
      k.state = 'Enabled';
      return {};
    }),
    'kms.DisableKey': on<{ KeyId?: string }>(({ KeyId }) => {
      const [, k] = find(KeyId);
      notPending(k);
      k.state = 'Disabled';
      return {};
    }),
    'kms.CreateGrant': on<CreateGrantRequest>(({ KeyId }) => {
      usable(KeyId);
      return { GrantId: env.uuid().replace(/-/g, ''), GrantToken: `fake-grant-token-${env.serial()}` };
    }),
    'kms.Encrypt': on<EncryptRequest>(({ KeyId, Plaintext, EncryptionContext }) => {
      const [keyId, k] = usable(KeyId);
      return {
        CiphertextBlob: makeCiphertext(
          keyId,
          Plaintext ?? new Uint8Array(),
          EncryptionContext ?? {},
          env.serial(),
        ),
        KeyId: k.arn,
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    }),
    'kms.Decrypt': on<DecryptRequest>(({ CiphertextBlob, EncryptionContext, KeyId }) => {
      const blob = parseCiphertext(CiphertextBlob ?? new Uint8Array());
      if (!blob) throw awsError('InvalidCiphertextException', 400, '');
      if (KeyId !== undefined && keyIdOf(KeyId) !== blob.k)
        throw awsError(
          'IncorrectKeyException',
          400,
          'The key ID in the request does not identify a CMK that can perform this operation.',
        );
      const [, k] = usable(blob.k);
      if (!sameContext(blob.c, EncryptionContext ?? {}))
        throw awsError('InvalidCiphertextException', 400, '');
      return {
        Plaintext: new Uint8Array(Buffer.from(blob.p, 'hex').reverse()),
        KeyId: k.arn,
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    }),
  };
}
