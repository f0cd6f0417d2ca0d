import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { StackContext } from '../../src/resources/context.js';
import {
  createKey,
  ensureKeyAlias,
  ensureKeyTag,
  findKey,
  type KeyFound,
  planKey,
} from '../../src/resources/key.js';
import { ACCOUNT, mockAws, testStackContext } from '../helpers/aws.js';
import { awsError } from './fakes.js';
import { DELETION, found, keyArn, NEW_ID, OLD_ID } from './key-fixtures.js';

const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

/** Every KMS command sent, by name and input, in order. */
const kmsCalls = () =>
  mocks
    .calls()
    .filter(([client]) => client === 'kms')
    .map(([, name, input]) => [name, input]);

describe('findKey', () => {
  it('describes the key the alias names, then reads its tags', async () => {
    mocks.kms.on(DescribeKeyCommand).resolves({
      KeyMetadata: {
        KeyId: OLD_ID,
        Arn: keyArn(OLD_ID),
        KeyState: 'PendingDeletion',
        DeletionDate: DELETION,
        Description: 'alarm-to-slack: encrypts the Slack webhook URL of stack "mission"',
      },
    });
    mocks.kms
      .on(ListResourceTagsCommand)
      .resolves({ Tags: [{ TagKey: 'alarm-to-slack:stack', TagValue: 'mission' }] });
    const { ctx } = testStackContext();
    expect(await findKey(ctx)).toEqual({
      keyId: OLD_ID,
      arn: keyArn(OLD_ID),
      state: 'PendingDeletion',
      deletionDate: DELETION,
      description: 'alarm-to-slack: encrypts the Slack webhook URL of stack "mission"',
      tags: { 'alarm-to-slack:stack': 'mission' },
    });
    expect(kmsCalls()).toEqual([
      ['DescribeKeyCommand', { KeyId: 'alias/mission-kms-key' }],
      ['ListResourceTagsCommand', { KeyId: OLD_ID, Limit: 50 }],
    ]);
  });

  it('is undefined when the alias does not exist, without a second call', async () => {
    mocks.kms.on(DescribeKeyCommand).rejects(awsError('NotFoundException'));
    const { ctx } = testStackContext();
    expect(await findKey(ctx)).toBeUndefined();
    expect(kmsCalls()).toHaveLength(1);
  });

  it('surfaces AccessDenied', async () => {
    mocks.kms.on(DescribeKeyCommand).rejects(awsError('AccessDeniedException'));
    const { ctx } = testStackContext();
    await expect(findKey(ctx)).rejects.toThrow(/AccessDeniedException/);
  });

  it('surfaces AccessDenied on the tags', async () => {
    mocks.kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: OLD_ID, KeyState: 'Enabled' } });
    mocks.kms.on(ListResourceTagsCommand).rejects(awsError('AccessDeniedException'));
    const { ctx } = testStackContext();
    await expect(findKey(ctx)).rejects.toThrow(/AccessDeniedException/);
  });
});

describe('planKey', () => {
  const { ctx } = testStackContext();
  const item = { resource: 'KMS key', name: 'alias/mission-kms-key' };
  it('creates a missing key and keeps an Enabled one', () => {
    expect(planKey(ctx, undefined)).toEqual({ ...item, action: 'create' });
    expect(planKey(ctx, found('Enabled'))).toEqual({ ...item, action: 'unchanged' });
  });
  it('replaces a key pending deletion or disabled', () => {
    expect(planKey(ctx, found('PendingDeletion'))).toEqual({
      ...item,
      action: 'create',
      changes: ['alias points to a key PendingDeletion; a new key replaces it'],
    });
    expect(planKey(ctx, found('Disabled'))).toMatchObject({
      action: 'create',
      changes: ['alias points to a key Disabled; a new key replaces it'],
    });
  });
});

/** init's key and alias steps for a key it does not reuse: createKey, then ensureKeyAlias on the new id. */
async function createKeyAndAlias(ctx: StackContext, before: KeyFound | undefined) {
  const key = await createKey(ctx);
  const alias = await ensureKeyAlias(ctx, before, key.value.keyId);
  return { key, alias };
}

/** The runner's rollback of those two steps: reverse order of completion, so the alias first. */
async function undoInInitOrder(steps: Awaited<ReturnType<typeof createKeyAndAlias>>) {
  await steps.alias.undo?.();
  await steps.key.undo();
}

describe('createKey, then ensureKeyAlias (init’s key and alias steps)', () => {
  const createKeyReply = { KeyMetadata: { KeyId: NEW_ID, Arn: keyArn(NEW_ID) } };

  it('creates a symmetric key with an IAM-governed key policy and the alias', async () => {
    mocks.kms.on(CreateKeyCommand).resolves(createKeyReply);
    mocks.kms.on(CreateAliasCommand).resolves({});
    const { ctx } = testStackContext();
    const { key, alias } = await createKeyAndAlias(ctx, undefined);
    expect(key.change).toBe('created');
    expect(key.value).toEqual({ arn: keyArn(NEW_ID), keyId: NEW_ID });
    expect(alias.change).toBe('created');
    const input = mocks.kms.commandCalls(CreateKeyCommand)[0]?.args[0].input;
    const { Policy, ...rest } = input ?? {};
    expect(rest).toEqual({
      Description: 'alarm-to-slack: encrypts the Slack webhook URL of stack "mission"',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeySpec: 'SYMMETRIC_DEFAULT',
      Tags: [{ TagKey: 'alarm-to-slack:stack', TagValue: 'mission' }],
    });
    expect(JSON.parse(Policy ?? '')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Enable IAM User Permissions',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
      ],
    });
    expect(Policy).not.toMatch(/"AWS":"\*"|"Principal":"\*"/);
    expect(mocks.kms.commandCalls(CreateAliasCommand)[0]?.args[0].input).toEqual({
      AliasName: 'alias/mission-kms-key',
      TargetKeyId: NEW_ID,
    });
    expect(mocks.kms.commandCalls(UpdateAliasCommand)).toHaveLength(0);
  });

  it('names the right partition in the key policy (GovCloud)', async () => {
    mocks.kms.on(CreateKeyCommand).resolves(createKeyReply);
    const { ctx } = testStackContext('mission', { region: 'us-gov-west-1', partition: 'aws-us-gov' });
    await createKey(ctx);
    const policy = JSON.parse(mocks.kms.commandCalls(CreateKeyCommand)[0]?.args[0].input.Policy ?? '');
    expect(policy.Statement[0].Principal).toEqual({ AWS: `arn:aws-us-gov:iam::${ACCOUNT}:root` });
  });

  it('undoes a creation: alias deleted, then key deletion scheduled at 7 days', async () => {
    mocks.kms.on(CreateKeyCommand).resolves(createKeyReply);
    mocks.kms.on(ScheduleKeyDeletionCommand).resolves({ KeyId: NEW_ID, DeletionDate: DELETION });
    const { ctx } = testStackContext();
    const steps = await createKeyAndAlias(ctx, undefined);
    mocks.kms.resetHistory();
    await undoInInitOrder(steps);
    expect(kmsCalls()).toEqual([
      ['DeleteAliasCommand', { AliasName: 'alias/mission-kms-key' }],
      ['ScheduleKeyDeletionCommand', { KeyId: NEW_ID, PendingWindowInDays: 7 }],
    ]);
  });

  it('replaces a key pending deletion and moves the alias with UpdateAlias', async () => {
    mocks.kms.on(CreateKeyCommand).resolves(createKeyReply);
    const { ctx } = testStackContext();
    const { key, alias } = await createKeyAndAlias(ctx, found('PendingDeletion', { deletionDate: DELETION }));
    expect(key.change).toBe('created');
    expect(key.value.keyId).toBe(NEW_ID);
    expect(alias.change).toBe('updated');
    expect(kmsCalls().map(([name]) => name)).toEqual(['CreateKeyCommand', 'UpdateAliasCommand']);
    expect(mocks.kms.commandCalls(UpdateAliasCommand)[0]?.args[0].input).toEqual({
      AliasName: 'alias/mission-kms-key',
      TargetKeyId: NEW_ID,
    });
  });

  it('undoes a replacement of a disabled key: alias moved back, new key scheduled for deletion', async () => {
    mocks.kms.on(CreateKeyCommand).resolves(createKeyReply);
    const { ctx } = testStackContext();
    const steps = await createKeyAndAlias(ctx, found('Disabled'));
    mocks.kms.on(ScheduleKeyDeletionCommand).resolves({ KeyId: NEW_ID, DeletionDate: DELETION });
    mocks.kms.resetHistory();
    await undoInInitOrder(steps);
    expect(kmsCalls()).toEqual([
      ['UpdateAliasCommand', { AliasName: 'alias/mission-kms-key', TargetKeyId: OLD_ID }],
      ['ScheduleKeyDeletionCommand', { KeyId: NEW_ID, PendingWindowInDays: 7 }],
    ]);
  });

  it('undoes a replacement of a key pending deletion even though KMS refuses the alias back', async () => {
    mocks.kms.on(CreateKeyCommand).resolves(createKeyReply);
    const { ctx, notes } = testStackContext();
    const steps = await createKeyAndAlias(ctx, found('PendingDeletion'));
    mocks.kms
      .on(UpdateAliasCommand, { TargetKeyId: OLD_ID })
      .rejects(awsError('KMSInvalidStateException', 400, `${keyArn(OLD_ID)} is pending deletion.`));
    mocks.kms.on(ScheduleKeyDeletionCommand).resolves({ KeyId: NEW_ID, DeletionDate: DELETION });
    mocks.kms.resetHistory();
    await undoInInitOrder(steps);
    expect(kmsCalls()).toEqual([
      ['UpdateAliasCommand', { AliasName: 'alias/mission-kms-key', TargetKeyId: OLD_ID }],
      ['ScheduleKeyDeletionCommand', { KeyId: NEW_ID, PendingWindowInDays: 7 }],
    ]);
    expect(notes.join('\n')).toMatch(/pending deletion/);
  });

  it('waits for a new key to become visible before naming it in the alias (KMS eventual consistency)', async () => {
    mocks.kms.on(CreateKeyCommand).resolves(createKeyReply);
    mocks.kms.on(CreateAliasCommand).rejectsOnce(awsError('NotFoundException')).resolves({});
    const { ctx, sleeps, notes } = testStackContext();
    const { key, alias } = await createKeyAndAlias(ctx, undefined);
    expect(key.change).toBe('created');
    expect(alias.change).toBe('created');
    expect(mocks.kms.commandCalls(CreateAliasCommand)).toHaveLength(2);
    expect(sleeps).toEqual([250]);
    expect(notes).toEqual(['waiting for the new KMS key to become visible…']);
    expect(mocks.kms.commandCalls(ScheduleKeyDeletionCommand)).toHaveLength(0);
  });

  it('createKey makes only the key; its undo schedules deletion at 7 days', async () => {
    mocks.kms.on(CreateKeyCommand).resolves({ KeyMetadata: { KeyId: NEW_ID, Arn: keyArn(NEW_ID) } });
    mocks.kms.on(ScheduleKeyDeletionCommand).resolves({ KeyId: NEW_ID, DeletionDate: DELETION });
    const { ctx } = testStackContext();
    const key = await createKey(ctx);
    expect(key.value).toEqual({ arn: keyArn(NEW_ID), keyId: NEW_ID });
    expect(kmsCalls().map(([n]) => n)).toEqual(['CreateKeyCommand']);
    mocks.kms.resetHistory();
    await key.undo();
    expect(kmsCalls()).toEqual([['ScheduleKeyDeletionCommand', { KeyId: NEW_ID, PendingWindowInDays: 7 }]]);
  });

  it('ensureKeyAlias creates a missing alias (undo deletes it) or moves one (undo moves it back)', async () => {
    const { ctx } = testStackContext();
    const created = await ensureKeyAlias(ctx, undefined, NEW_ID);
    expect(created.change).toBe('created');
    await created.undo?.();
    const moved = await ensureKeyAlias(ctx, found('Disabled'), NEW_ID);
    expect(moved.change).toBe('updated');
    await moved.undo?.();
    expect(kmsCalls()).toEqual([
      ['CreateAliasCommand', { AliasName: 'alias/mission-kms-key', TargetKeyId: NEW_ID }],
      ['DeleteAliasCommand', { AliasName: 'alias/mission-kms-key' }],
      ['UpdateAliasCommand', { AliasName: 'alias/mission-kms-key', TargetKeyId: NEW_ID }],
      ['UpdateAliasCommand', { AliasName: 'alias/mission-kms-key', TargetKeyId: OLD_ID }],
    ]);
  });
});

describe('ensureKeyTag, then ensureKeyAlias (init’s key and alias steps for a reused key)', () => {
  it('reuses an Enabled key with no call at all: the alias already names it', async () => {
    const { ctx } = testStackContext();
    const key = await ensureKeyTag(ctx, found('Enabled'));
    expect(key).toEqual({ change: 'unchanged', value: { arn: keyArn(OLD_ID), keyId: OLD_ID } });
    expect(await ensureKeyAlias(ctx, found('Enabled'), key.value.keyId)).toEqual({
      change: 'unchanged',
      value: { alias: 'alias/mission-kms-key' },
    });
    expect(mocks.calls()).toEqual([]);
  });
});
