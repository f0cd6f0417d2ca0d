import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../../src/errors.js';
import { awsError } from '../fake-aws/index.js';
import { REGION } from '../helpers/aws.js';
import {
  FUNCTION_ARN,
  firstRunOptions,
  NEW_WEBHOOK,
  resultDoc,
  runInit,
  TOPIC_ARN,
  useFakeAws,
} from './harness.js';

const aws = useFakeAws();

const denied = (action: string) =>
  awsError(
    'AccessDeniedException',
    403,
    `User: arn:aws:iam::123456789012:user/alice is not authorized to perform: ${action}`,
  );

/** The write that fails, and the title of the step it belongs to. */
const FAILURES: Array<[command: string, step: string]> = [
  ['CreateTopic', 'SNS topic mission-sns'],
  ['CreateKey', 'KMS key alias/mission-kms-key'],
  ['CreateAlias', 'KMS alias alias/mission-kms-key'],
  ['CreateLogGroup', 'Log group /aws/lambda/mission-lambda'],
  ['PutRetentionPolicy', 'Log group /aws/lambda/mission-lambda'],
  ['CreateRole', 'IAM role mission-lambda-role'],
  ['AttachRolePolicy', 'IAM role policies (basic execution, mission-kms-decrypt, mission-undelivered-queue)'],
  ['PutRolePolicy', 'IAM role policies (basic execution, mission-kms-decrypt, mission-undelivered-queue)'],
  ['Encrypt', 'Encrypt the webhook URL'],
  ['CreateFunction', 'Lambda function mission-lambda'],
  ['AddPermission', 'Lambda permission for SNS'],
  ['Subscribe', 'Subscription of mission-lambda to mission-sns'],
  ['PutMetricAlarm', 'CPU alarm mission-cpu-alarm'],
];

/** What an account holds that matters: anything but keys pending deletion. */
function live(snapshot: ReturnType<typeof aws.fake.snapshot>) {
  const keys = Object.fromEntries(
    Object.entries(snapshot.keys as Record<string, { state: string }>).filter(
      ([, k]) => k.state !== 'PendingDeletion',
    ),
  );
  return { ...snapshot, keys };
}

const EMPTY = {
  topics: {},
  subscriptions: {},
  keys: {},
  aliases: {},
  roles: {},
  logGroups: {},
  functions: {},
  alarms: {},
  queues: {},
  rules: {},
  mappings: {},
};

describe('init, a step fails on a first run', () => {
  it.each(FAILURES)(
    '%s fails → the step and AWS message are reported, and everything created is undone',
    async (command, step) => {
      aws.fake.failAlways(command, denied(command));
      const run = await runInit({ json: true });
      expect(run.exitCode).toBe(1);
      expect((run.error as Error).message).toBe(
        `init failed at "${step}": AccessDeniedException: User: arn:aws:iam::123456789012:user/alice is not authorized to perform: ${command}`,
      );
      // Nothing remains: every resource deleted, every key created scheduled for deletion at 7 days.
      expect(live(aws.fake.snapshot())).toEqual(EMPTY);
      // …the new key's, once, at 7 days: e.g. a key whose alias could not be created is not left behind.
      const [newKey] = [...aws.fake.state.keys.keys()];
      expect(aws.inputs('ScheduleKeyDeletion')).toEqual(
        command === 'CreateKey' ? [] : [{ KeyId: newKey, PendingWindowInDays: 7 }],
      );
      const doc = resultDoc(run) as ReturnType<typeof resultDoc> & { error: unknown; rolledBack: boolean };
      expect(doc.ok).toBe(false);
      expect(doc.error).toEqual({ step: expect.any(String), message: expect.stringContaining(command) });
      expect(doc.rolledBack).toBe(true);
      expect(Object.values(doc.resources).every((v) => v === null)).toBe(true);
    },
  );

  it('undoes in reverse order of completion (role policies before the role, alias before the key)', async () => {
    aws.fake.failAlways('CreateFunction', denied('lambda:CreateFunction'));
    await runInit();
    const undo = aws.writes().slice(aws.writes().indexOf('CreateFunction') + 1);
    expect(undo.indexOf('DeleteRolePolicy')).toBeLessThan(undo.indexOf('DeleteRole'));
    expect(undo.indexOf('DetachRolePolicy')).toBeLessThan(undo.indexOf('DeleteRole'));
    expect(undo.indexOf('DeleteRole')).toBeLessThan(undo.indexOf('ScheduleKeyDeletion'));
    expect(undo.indexOf('DeleteAlias')).toBeLessThan(undo.indexOf('ScheduleKeyDeletion'));
    expect(undo).toEqual(expect.arrayContaining(['DeleteTopic', 'DeleteLogGroup', 'DeleteAlarms']));
  });

  it('leaves what existed before the run exactly as it was', async () => {
    // Topic, key and log group exist from an earlier, partial setup.
    await runInit({ options: firstRunOptions({ alarm: false, instanceId: undefined }) });
    aws.fake.state.functions.clear();
    aws.fake.state.roles.clear();
    aws.fake.state.subscriptions.clear();
    const before = aws.fake.snapshot();
    aws.clearCalls();

    aws.fake.failAlways('CreateFunction', denied('lambda:CreateFunction'));
    const run = await runInit();
    expect(run.exitCode).toBe(1);
    expect(aws.fake.snapshot()).toEqual(before);
    const writes = aws.writes();
    for (const untouched of [
      'DeleteTopic',
      'ScheduleKeyDeletion',
      'DeleteAlias',
      'DeleteLogGroup',
      'PutRetentionPolicy',
    ])
      expect(writes).not.toContain(untouched);
    expect(writes).toEqual(expect.arrayContaining(['DeleteRole', 'DeleteAlarms']));
    const stdout = run.io.stdout.join('\n');
    expect(stdout).toContain('What remains:');
    expect(stdout).toContain(TOPIC_ARN);
    expect(stdout).toContain('alarm-to-slack teardown --name mission');
  });

  it('an update that fails is reverted: the alarm threshold and the function are as before', async () => {
    await runInit();
    const before = aws.fake.snapshot();
    aws.clearCalls();
    aws.fake.failAlways('UpdateFunctionConfiguration', denied('lambda:UpdateFunctionConfiguration'));
    const run = await runInit({ options: firstRunOptions({ webhookUrl: NEW_WEBHOOK, threshold: '90' }) });
    expect(run.exitCode).toBe(1);
    expect(aws.inputs('PutMetricAlarm').map((i) => i.Threshold)).toEqual([90, 50]);
    expect(aws.fake.snapshot()).toEqual(before);
  });

  it('--no-rollback keeps what was created and says what remains', async () => {
    aws.fake.failAlways('CreateFunction', denied('lambda:CreateFunction'));
    const run = await runInit({ options: firstRunOptions({ rollback: false }), json: true });
    expect(run.exitCode).toBe(1);
    expect(aws.writes().filter((w) => /^(Delete|Detach|Schedule|Unsubscribe)/.test(w))).toEqual([]);
    const doc = resultDoc(run) as ReturnType<typeof resultDoc> & { rolledBack: boolean };
    expect(doc.rolledBack).toBe(false);
    expect(doc.resources.topicArn).toBe(TOPIC_ARN);
    expect(doc.resources.roleArn).not.toBeNull();
    expect(doc.resources.functionArn).toBeNull();
  });

  it('Ctrl-C stops starting steps, rolls back what was created, and exits 130', async () => {
    const controller = new AbortController();
    aws.fake.fail('CreateRole', () => {
      controller.abort();
      return undefined; // CreateRole itself succeeds; nothing after it starts
    });
    const run = await runInit({ signal: controller.signal });
    expect(run.error).toBeInstanceOf(InterruptedError);
    expect(run.exitCode).toBe(130);
    expect(aws.writes()).not.toContain('CreateFunction');
    expect(live(aws.fake.snapshot())).toEqual(EMPTY);
    expect(run.io.stdout.join('\n')).toContain('was interrupted');
  });

  it('Ctrl-C while a step is in flight reads as an interruption, not as that step failing', async () => {
    const controller = new AbortController();
    aws.fake.fail('CreateFunction', () => {
      controller.abort();
      return Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    });
    const run = await runInit({ signal: controller.signal });
    expect(run.exitCode).toBe(130);
    expect(live(aws.fake.snapshot())).toEqual(EMPTY);
    const stdout = run.io.stdout.join('\n');
    expect(stdout).toContain('was interrupted');
    expect(stdout).not.toContain('failed at');
  });

  it('Ctrl-C before any change exits 130 having written nothing', async () => {
    const controller = new AbortController();
    aws.fake.fail('GetCallerIdentity', () => {
      controller.abort();
      return undefined;
    });
    const run = await runInit({ signal: controller.signal });
    expect(run.exitCode).toBe(130);
    expect(aws.writes()).toEqual([]);
  });
});

describe('init, a step fails and the rollback of another is refused', () => {
  /** CreateAlias refused; then the rollback cannot schedule the deletion of the key made for it. */
  const aliasAndKeyDeletionRefused = () => {
    aws.fake.failAlways('CreateAlias', denied('kms:CreateAlias'));
    aws.fake.failAlways('ScheduleKeyDeletion', awsError('AccessDeniedException', 403, 'no schedule'));
  };

  it('the key whose deletion could not be scheduled is what remains (JSON)', async () => {
    aliasAndKeyDeletionRefused();
    const run = await runInit({ json: true });
    expect(run.exitCode).toBe(1);
    expect((run.error as Error).message).toMatch(/^init failed at "KMS alias alias\/mission-kms-key": /);
    expect(aws.fake.state.keys.size).toBe(1);
    const [keyId = ''] = [...aws.fake.state.keys.keys()];
    const key = aws.fake.find.key(keyId);
    expect(key.state).toBe('Enabled');
    expect(aws.inputs('ScheduleKeyDeletion')).toEqual([{ KeyId: keyId, PendingWindowInDays: 7 }]);
    // The rest was undone as usual.
    expect(live(aws.fake.snapshot())).toEqual({ ...EMPTY, keys: { [keyId]: expect.anything() } });
    const doc = resultDoc(run) as ReturnType<typeof resultDoc> & {
      rolledBack: boolean;
      rollbackFailed: unknown;
    };
    expect(doc.rolledBack).toBe(false);
    // The key is the only resource left; the alias was never made, so none is named.
    expect(Object.entries(doc.resources).filter(([, v]) => v !== null)).toEqual([['keyArn', key.arn]]);
    expect(doc.rollbackFailed).toEqual([
      {
        step: 'key',
        title: 'KMS key alias/mission-kms-key',
        error: 'AccessDeniedException: no schedule',
      },
    ]);
    expect((run.error as { hint?: string }).hint).toBe(
      `\`alarm-to-slack teardown --name mission --region ${REGION}\` removes what remains of the stack.`,
    );
  });

  it('the human summary says the rollback is incomplete and lists the key as what remains', async () => {
    aliasAndKeyDeletionRefused();
    const run = await runInit();
    const [key] = [...aws.fake.state.keys.values()];
    if (!key) throw new Error('no key left');
    const stdout = run.io.stdout.join('\n');
    expect(stdout).toContain(
      'Rollback incomplete: KMS key alias/mission-kms-key (AccessDeniedException: no schedule).',
    );
    expect(stdout).not.toContain('Nothing of the stack remains');
    expect(stdout).toContain(`What remains:\n  KMS key          ${key.arn}\n`);
    expect(stdout).toContain('alarm-to-slack teardown --name mission');
  });

  it('a refused inline policy: the step detaches what it attached, then the rollback deletes the role', async () => {
    aws.fake.failAlways('PutRolePolicy', awsError('MalformedPolicyDocument', 400));
    const run = await runInit();
    expect(run.exitCode).toBe(1);
    expect((run.error as Error).message).toMatch(
      /^init failed at "IAM role policies .*": MalformedPolicyDocument/,
    );
    const iamWrites = aws
      .calls()
      .filter(([client, name]) => client === 'iam' && !/^(Get|List)/.test(name))
      .map(([, name]) => name.replace(/Command$/, ''));
    // Both inline policies are refused (the attachment and the two puts run at once).
    expect(iamWrites).toEqual([
      'CreateRole',
      'AttachRolePolicy',
      'PutRolePolicy',
      'PutRolePolicy',
      'DetachRolePolicy',
      'DeleteRole',
    ]);
    expect(aws.fake.state.roles.size).toBe(0);
  });
});

describe('init, a step fails halfway and its own cleanup fails too', () => {
  const neverActive = () => {
    aws.fake.state.newFunctionFails = {
      StateReasonCode: 'DisabledKMSKey',
      StateReason: 'The KMS key is disabled.',
    };
  };

  it('a function that never became Active and could not be deleted is listed as what remains', async () => {
    neverActive();
    aws.fake.failAlways('DeleteFunction', denied('lambda:DeleteFunction'));
    const run = await runInit({ json: true });
    expect(run.exitCode).toBe(1);
    expect(aws.fake.state.functions.has('mission-lambda')).toBe(true);
    const doc = resultDoc(run) as ReturnType<typeof resultDoc> & {
      rolledBack: boolean;
      leftBehind: string[];
    };
    expect(doc.resources.functionArn).toBe(FUNCTION_ARN);
    expect(doc.rolledBack).toBe(false);
    expect(doc.leftBehind).toEqual(['Lambda function mission-lambda']);
    expect((run.error as Error).message).toContain('removing it failed too');
    expect((run.error as { hint?: string }).hint).toBe(
      `\`alarm-to-slack teardown --name mission --region ${REGION}\` removes what remains of the stack.`,
    );
  });

  it('the human summary says it remains instead of "Nothing of the stack remains"', async () => {
    neverActive();
    aws.fake.failAlways('DeleteFunction', denied('lambda:DeleteFunction'));
    const run = await runInit();
    const stdout = run.io.stdout.join('\n');
    expect(stdout).not.toContain('Nothing of the stack remains');
    expect(stdout).toContain('Could not be removed: Lambda function mission-lambda.');
    expect(stdout).toMatch(/What remains:\n\s+Lambda function\s+arn:aws:lambda:.*:function:mission-lambda/);
    expect(stdout).toContain('alarm-to-slack teardown --name mission');
  });

  it('--no-rollback keeps the function that never became Active, and lists it', async () => {
    neverActive();
    const run = await runInit({ options: firstRunOptions({ rollback: false }), json: true });
    expect(run.exitCode).toBe(1);
    expect(aws.inputs('DeleteFunction')).toEqual([]);
    expect(aws.fake.state.functions.has('mission-lambda')).toBe(true);
    const doc = resultDoc(run) as ReturnType<typeof resultDoc> & { leftBehind: string[] };
    expect(doc.resources.functionArn).toBe(FUNCTION_ARN);
    expect(doc.leftBehind).toEqual(['Lambda function mission-lambda']);
  });

  it('when the cleanup works, nothing is left behind and the summary says so', async () => {
    neverActive();
    const run = await runInit({ json: true });
    expect(run.exitCode).toBe(1);
    expect(live(aws.fake.snapshot())).toEqual(EMPTY);
    const doc = resultDoc(run) as ReturnType<typeof resultDoc> & {
      rolledBack: boolean;
      leftBehind?: unknown;
    };
    expect(doc.rolledBack).toBe(true);
    expect(doc.leftBehind).toBeUndefined();
    expect((run.error as { hint?: string }).hint).toBe(
      'Nothing was left behind: fix the cause and run init again.',
    );
  });
});
