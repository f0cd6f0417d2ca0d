import { ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { run as status } from '../../src/commands/status.js';
import { run as teardown } from '../../src/commands/teardown.js';
import { run as test } from '../../src/commands/test.js';
import { mockAws, REGION } from '../helpers/aws.js';
import { fakeClock } from '../helpers/clock.js';
import { scriptedIO } from '../helpers/io.js';
import { awsError, commandContext, mockStack } from '../teardown/mock-stack.js';

/**
 * The commands our hints suggest must reach the same stack: the same --name, --region, --profile and
 * --endpoint-url as the command that printed them (init, test, teardown and status alike).
 */
const aws = mockAws();
beforeEach(() => aws.reset());
afterAll(() => aws.restore());

const SCOPE = { profile: 'dev', endpointUrl: 'http://127.0.0.1:4566' };
const FLAGS = `--name mission --region ${REGION} --profile dev --endpoint-url http://127.0.0.1:4566`;
const NOW = Date.parse('2026-11-25T12:00:00.000Z');

describe('next-step hints carry --profile and --endpoint-url', () => {
  it('test: a missing function points at init with the same flags', async () => {
    mockStack(aws, { fn: false, alarm: false });
    aws.lambda.on(InvokeCommand).rejects(awsError('ResourceNotFoundException', 404, 'Function not found'));
    const io = scriptedIO();
    await expect(
      test({}, commandContext(io, { globals: SCOPE, clock: fakeClock({ now: NOW }) })),
    ).rejects.toMatchObject({
      hint: `Set the stack up first: alarm-to-slack init ${FLAGS}`,
    });
  });

  it('teardown: a failed removal points at teardown with the same flags', async () => {
    mockStack(aws);
    aws.kms.on(ScheduleKeyDeletionCommand).rejects(awsError('AccessDeniedException', 400, 'denied'));
    const io = scriptedIO();
    await expect(teardown({}, commandContext(io, { yes: true, globals: SCOPE }))).rejects.toMatchObject({
      hint: `Fix the cause (see above) and re-run \`alarm-to-slack teardown ${FLAGS}\`; what is already gone is skipped.`,
    });
    expect(io.stdout.join('\n')).toContain(`Re-run \`alarm-to-slack teardown ${FLAGS}\``);
  });

  it('status: an empty stack points at init with the same flags', async () => {
    mockStack(aws, {
      topic: false,
      key: false,
      role: false,
      logGroup: false,
      fn: false,
      alarm: false,
      subscriptions: [],
    });
    const io = scriptedIO({ json: true });
    await expect(
      status({}, commandContext(io, { globals: SCOPE, clock: fakeClock({ now: NOW }) })),
    ).rejects.toMatchObject({
      exitCode: 1,
      hint: `Fix: alarm-to-slack init ${FLAGS}`,
    });
  });
});
