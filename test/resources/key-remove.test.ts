import { DeleteAliasCommand, DescribeKeyCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { removeAlias, scheduleKeyDeletion } from '../../src/resources/key.js';
import { mockAws, testStackContext } from '../helpers/aws.js';
import { awsError } from './fakes.js';
import { DELETION, OLD_ID } from './key-fixtures.js';

const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

/** Every KMS command sent, by name and input, in order. */
const kmsCalls = () =>
  mocks
    .calls()
    .filter(([client]) => client === 'kms')
    .map(([, name, input]) => [name, input]);

describe('removeAlias', () => {
  it('deletes the alias', async () => {
    const { ctx } = testStackContext();
    await removeAlias(ctx);
    expect(kmsCalls()).toEqual([['DeleteAliasCommand', { AliasName: 'alias/mission-kms-key' }]]);
  });
  it('is a no-op when the alias is gone', async () => {
    mocks.kms.on(DeleteAliasCommand).rejects(awsError('NotFoundException'));
    const { ctx } = testStackContext();
    await expect(removeAlias(ctx)).resolves.toBeUndefined();
  });
  it('surfaces AccessDenied', async () => {
    mocks.kms.on(DeleteAliasCommand).rejects(awsError('AccessDeniedException'));
    const { ctx } = testStackContext();
    await expect(removeAlias(ctx)).rejects.toThrow(/AccessDeniedException/);
  });
});

describe('scheduleKeyDeletion', () => {
  it('schedules with the window and returns the deletion date', async () => {
    mocks.kms.on(ScheduleKeyDeletionCommand).resolves({ KeyId: OLD_ID, DeletionDate: DELETION });
    const { ctx } = testStackContext();
    expect(await scheduleKeyDeletion(ctx, OLD_ID, 30)).toEqual({ deletionDate: DELETION });
    expect(kmsCalls()).toEqual([['ScheduleKeyDeletionCommand', { KeyId: OLD_ID, PendingWindowInDays: 30 }]]);
  });

  it('returns the existing date of a key already pending deletion', async () => {
    mocks.kms.on(ScheduleKeyDeletionCommand).rejects(awsError('KMSInvalidStateException'));
    mocks.kms
      .on(DescribeKeyCommand)
      .resolves({ KeyMetadata: { KeyId: OLD_ID, KeyState: 'PendingDeletion', DeletionDate: DELETION } });
    const { ctx } = testStackContext();
    expect(await scheduleKeyDeletion(ctx, OLD_ID, 7)).toEqual({ deletionDate: DELETION });
    expect(mocks.kms.commandCalls(DescribeKeyCommand)[0]?.args[0].input).toEqual({ KeyId: OLD_ID });
  });

  it('rethrows KMSInvalidStateException for a key in another state', async () => {
    mocks.kms.on(ScheduleKeyDeletionCommand).rejects(awsError('KMSInvalidStateException'));
    mocks.kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: OLD_ID, KeyState: 'Unavailable' } });
    const { ctx } = testStackContext();
    await expect(scheduleKeyDeletion(ctx, OLD_ID, 7)).rejects.toThrow(/KMSInvalidStateException/);
  });

  it('is a no-op for a key KMS does not know', async () => {
    mocks.kms.on(ScheduleKeyDeletionCommand).rejects(awsError('NotFoundException'));
    const { ctx } = testStackContext();
    expect(await scheduleKeyDeletion(ctx, OLD_ID, 7)).toEqual({ deletionDate: undefined });
  });
});
