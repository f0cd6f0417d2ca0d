import { readFileSync } from 'node:fs';
import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/test.js';
import { TEST_ATTRIBUTE } from '../../src/events/alarm-message.js';
import type { FakeSlack } from '../handler/fake-slack.js';
import { ACCOUNT, mockAws, REGION } from '../helpers/aws.js';
import { fakeClock } from '../helpers/clock.js';
import { scriptedIO } from '../helpers/io.js';
import {
  ALARM_ARN,
  awsError,
  callNames,
  commandContext,
  INSTANCE,
  mockStack,
  TOPIC_ARN,
  writes,
} from '../teardown/mock-stack.js';
import { notifierStack } from './through-fixtures.js';

const aws = mockAws();
beforeEach(() => aws.reset());
afterAll(() => aws.restore());

const NOW = Date.parse('2026-11-25T12:00:00.000Z');
/** Time fixed at NOW; ids 00000000-0000-4000-8000-000000000001, …002, … */
const clock = () => fakeClock({ now: NOW });
const tutorial = JSON.parse(
  readFileSync(new URL('../fixtures/sns-event-tutorial.json', import.meta.url), 'utf8'),
) as { Records: Array<Record<string, unknown> & { Sns: Record<string, unknown> }> };

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
/** A JSON payload as Lambda returns it (the SDK wraps the bytes in a blob adapter). */
const bytes = (value: unknown) =>
  new TextEncoder().encode(JSON.stringify(value)) as unknown as InvokeCommandOutput['Payload'];
const REQ = '6f1c2e3d-4b5a-4c6d-8e7f-9a0b1c2d3e4f';
const OK_LOG = [
  `START RequestId: ${REQ} Version: $LATEST`,
  `2026-11-25T12:00:00.210Z\t${REQ}\tINFO\tposted ALARM mission-cpu-alarm to Slack`,
  `END RequestId: ${REQ}`,
  `REPORT RequestId: ${REQ}\tDuration: 412.18 ms\tBilled Duration: 413 ms\tMemory Size: 128 MB\tMax Memory Used: 78 MB`,
].join('\n');

interface SentEvent {
  Records: Array<{
    EventSource: string;
    EventSubscriptionArn: string;
    Sns: Record<string, unknown> & { Message: string; TopicArn: string };
  }>;
}
/** The one Invoke sent: its input, and the SNS event and alarm message parsed from its payload. */
function invoked() {
  const calls = aws.lambda.commandCalls(InvokeCommand);
  expect(calls).toHaveLength(1);
  const input = calls[0]?.args[0].input;
  if (!input) throw new Error('no Invoke');
  const event = JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array)) as SentEvent;
  const record = event.Records[0];
  if (!record) throw new Error('no record in the event');
  return { input, event, record, message: JSON.parse(record.Sns.Message) as Record<string, unknown> };
}

describe('alarm-to-slack test', () => {
  it('invokes the function with a tutorial-shaped SNS event wrapping the real alarm', async () => {
    mockStack(aws, { alarmState: 'OK' });
    aws.lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, Payload: bytes({ delivered: 1 }), LogResult: b64(OK_LOG) });
    const io = scriptedIO({ json: true });
    await run({ state: 'ALARM' }, commandContext(io, { clock: clock() }));

    const { input, event, record, message } = invoked();
    expect(input).toMatchObject({
      FunctionName: 'mission-lambda',
      InvocationType: 'RequestResponse',
      LogType: 'Tail',
    });
    expect(Object.keys(input).sort()).toEqual(['FunctionName', 'InvocationType', 'LogType', 'Payload']);
    // The same shape as the event the tutorial pastes into the console (its attributes: the test marker).
    expect(Object.keys(event)).toEqual(Object.keys(tutorial));
    expect(Object.keys(record).sort()).toEqual(Object.keys(tutorial.Records[0] ?? {}).sort());
    expect(Object.keys(record.Sns).sort()).toEqual(Object.keys(tutorial.Records[0]?.Sns ?? {}).sort());
    expect(record).toMatchObject({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: `${TOPIC_ARN}:00000000-0000-4000-8000-000000000002`,
    });
    expect(record.Sns).toMatchObject({
      Type: 'Notification',
      MessageId: '00000000-0000-4000-8000-000000000001',
      TopicArn: TOPIC_ARN,
      Subject: 'ALARM: "mission-cpu-alarm" in Asia Pacific (Seoul)',
      Timestamp: '2026-11-25T12:00:00.000Z',
      // The test marker the notifier reads (handler-template/route.mjs): never skipped for the rule.
      MessageAttributes: { [TEST_ATTRIBUTE]: { Type: 'String', Value: 'true' } },
    });
    // The name handler-template/route.mjs reads.
    expect(TEST_ATTRIBUTE).toBe('alarm-to-slack-test');
    expect(message).toEqual({
      AlarmName: 'mission-cpu-alarm',
      AlarmDescription: 'CPU of the bastion instance at or above 50% for 1 minute',
      AWSAccountId: ACCOUNT,
      NewStateValue: 'ALARM',
      NewStateReason: expect.stringContaining('This is a test sent by alarm-to-slack'),
      StateChangeTime: '2026-11-25T12:00:00.000+0000',
      Region: 'Asia Pacific (Seoul)',
      AlarmArn: ALARM_ARN,
      OldStateValue: 'OK',
      OKActions: [TOPIC_ARN],
      AlarmActions: [TOPIC_ARN],
      InsufficientDataActions: [],
      Trigger: {
        MetricName: 'CPUUtilization',
        Namespace: 'AWS/EC2',
        StatisticType: 'Statistic',
        Statistic: 'AVERAGE',
        Unit: null,
        Dimensions: [{ value: INSTANCE, name: 'InstanceId' }],
        Period: 60,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 50,
        TreatMissingData: 'missing',
        EvaluateLowSampleCountPercentile: '',
      },
    });

    expect(io.resultJson).toEqual({
      ok: true,
      functionName: 'mission-lambda',
      state: 'ALARM',
      payload: { delivered: 1 },
      logTail: OK_LOG,
    });
    // Who, then the alarm, then the one invocation; nothing is written.
    expect(callNames(aws)).toEqual([
      'sts.GetCallerIdentity',
      'cloudwatch.DescribeAlarms',
      'cloudwatch.ListTagsForResource',
      'lambda.Invoke',
    ]);
    expect(writes(aws).map(([n]) => n)).toEqual(['lambda.Invoke']);
  });

  it('shows the outcome and the decoded log tail in human output', async () => {
    mockStack(aws);
    aws.lambda
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, Payload: bytes({ delivered: 1 }), LogResult: b64(OK_LOG) });
    const io = scriptedIO();
    await run({}, commandContext(io, { clock: clock() }));
    const out = io.stdout.join('\n');
    expect(out).toContain(
      '✔ mission-lambda delivered the test ALARM alarm to Slack (returned {"delivered":1}).',
    );
    expect(out).toContain(`  REPORT RequestId: ${REQ}`);
  });

  it('sends --state OK as a recovery from ALARM', async () => {
    mockStack(aws);
    aws.lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: bytes({ delivered: 1 }) });
    await run({ state: 'ok' }, commandContext(scriptedIO(), { clock: clock() }));
    const { record, message } = invoked();
    expect(record.Sns.Subject).toBe('OK: "mission-cpu-alarm" in Asia Pacific (Seoul)');
    expect(message).toMatchObject({ NewStateValue: 'OK', OldStateValue: 'ALARM' });
  });

  it('builds a synthetic alarm for <name>-cpu-alarm when the stack has none', async () => {
    mockStack(aws, { alarm: false });
    aws.lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: bytes({ delivered: 1 }) });
    await run({ state: 'INSUFFICIENT_DATA' }, commandContext(scriptedIO(), { clock: clock() }));
    const { message } = invoked();
    expect(message).toMatchObject({
      AlarmName: 'mission-cpu-alarm',
      AlarmArn: ALARM_ARN,
      AlarmDescription: expect.stringContaining('the stack has no CPU alarm'),
      NewStateValue: 'INSUFFICIENT_DATA',
      Trigger: {
        MetricName: 'CPUUtilization',
        Namespace: 'AWS/EC2',
        Dimensions: [],
        Threshold: 50,
        Period: 60,
      },
    });
  });

  it('exits 2 on a bad --state before any AWS call', async () => {
    mockStack(aws);
    await expect(
      run({ state: 'PANIC' }, commandContext(scriptedIO(), { clock: clock() })),
    ).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('--state must be one of ALARM, OK, INSUFFICIENT_DATA'),
    });
    expect(aws.calls()).toEqual([]);
  });
});

describe('alarm-to-slack test when the function fails', () => {
  const fail = (errorMessage: string, errorType = 'Error', log = '') =>
    aws.lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: bytes({ errorType, errorMessage, trace: [] }),
      LogResult: b64(
        log || `START RequestId: ${REQ}\n2026-11-25T12:00:00.300Z\t${REQ}\tERROR\tInvoke Error\t{}`,
      ),
    });

  it("exits 1 with Slack's answer and a hint to replace a revoked webhook", async () => {
    mockStack(aws);
    fail('Slack answered 403 invalid_token');
    const io = scriptedIO({ json: true });
    await expect(run({}, commandContext(io, { clock: clock() }))).rejects.toMatchObject({
      exitCode: 1,
      message: 'The test alarm failed: Slack answered 403 invalid_token',
      hint: expect.stringContaining(
        `re-run alarm-to-slack init --name mission --region ${REGION} --webhook-url <new url>`,
      ),
    });
    expect(io.resultJson).toMatchObject({
      ok: false,
      functionName: 'mission-lambda',
      state: 'ALARM',
      error: 'Slack answered 403 invalid_token',
      hint: expect.stringContaining('revoked'),
      logTail: expect.stringContaining('ERROR'),
    });
  });

  it.each([
    [
      'AccessDeniedException',
      'User: arn:aws:sts::123456789012:assumed-role/mission-lambda-role/x is not authorized to perform: kms:Decrypt',
      /needs kms:Decrypt on the stack's key.*LambdaFunctionName=mission-lambda.*init --name mission/,
    ],
    [
      'InvalidCiphertextException',
      'could not decrypt the webhook URL',
      /another key or encryption context.*--webhook-url/,
    ],
    [
      'KMSInvalidStateException',
      'arn:aws:kms:ap-northeast-2:123456789012:key/1234 is pending deletion.',
      /disabled or pending deletion.*cancel-key-deletion/,
    ],
    [
      'Error',
      '2026-11-25T12:00:15.020Z 6f1c2e3d Task timed out after 15.02 seconds',
      /timed out: Slack did not answer/,
    ],
    ['Error', 'Slack answered 404 no_service', /revoked, or its channel was deleted/],
  ])('hints at the usual cause of %s', async (errorType, errorMessage, hint) => {
    mockStack(aws);
    fail(errorMessage, errorType);
    const io = scriptedIO({ json: true });
    await expect(run({}, commandContext(io, { clock: clock() }))).rejects.toMatchObject({
      exitCode: 1,
      hint: expect.stringMatching(hint),
    });
    expect((io.resultJson as { error: string }).error).toContain(errorMessage);
  });

  it('never shows a webhook URL that reaches the logs', async () => {
    mockStack(aws);
    fail(
      'Slack answered 403 invalid_token for https://hooks.slack.com/services/T000/B000/XXXX',
      'Error',
      `POST https://hooks.slack.com/services/T000/B000/XXXX failed`,
    );
    const io = scriptedIO();
    await expect(run({}, commandContext(io, { clock: clock() }))).rejects.toMatchObject({ exitCode: 1 });
    const everything = [...io.stdout, ...io.stderr].join('\n');
    expect(everything).toContain('hooks.slack.com/services/T000/****');
    expect(everything).not.toContain('B000/XXXX');
  });

  it('exits 1 saying to run init when the function does not exist', async () => {
    mockStack(aws, { fn: false, alarm: false });
    aws.lambda
      .on(InvokeCommand)
      .rejects(
        awsError(
          'ResourceNotFoundException',
          404,
          'Function not found: arn:aws:lambda:ap-northeast-2:123456789012:function:mission-lambda',
        ),
      );
    const io = scriptedIO({ json: true });
    await expect(run({}, commandContext(io, { clock: clock() }))).rejects.toMatchObject({
      exitCode: 1,
      message: `The function mission-lambda does not exist in ${REGION}.`,
      hint: `Set the stack up first: alarm-to-slack init --name mission --region ${REGION}`,
    });
    expect(io.resultJson).toMatchObject({ ok: false, functionName: 'mission-lambda' });
  });

  it('names no --name for the default stack', async () => {
    mockStack(aws, { fn: false, alarm: false });
    aws.lambda.on(InvokeCommand).rejects(awsError('ResourceNotFoundException', 404, 'Function not found'));
    const io = scriptedIO();
    await expect(
      run({}, commandContext(io, { name: 'alarm-to-slack', clock: clock() })),
    ).rejects.toMatchObject({
      hint: `Set the stack up first: alarm-to-slack init --region ${REGION}`,
    });
    expect(aws.lambda.commandCalls(InvokeCommand)[0]?.args[0].input.FunctionName).toBe(
      'alarm-to-slack-lambda',
    );
  });
});

describe('alarm-to-slack test through the real notifier', () => {
  let slack: FakeSlack | undefined;
  afterEach(async () => {
    await slack?.close();
    slack = undefined;
  });

  it('reports a 429 honestly: the test message waits in the undelivered queue, queued 1, exit 1', async () => {
    const stack = await notifierStack(aws, [
      { status: 429, body: 'rate_limited', headers: { 'retry-after': '30' } },
    ]);
    slack = stack.slack;
    const io = scriptedIO({ json: true });
    await expect(run({}, commandContext(io, { clock: clock() }))).rejects.toMatchObject({
      exitCode: 1,
      message:
        'The test alarm was not delivered yet: Slack rate-limited it; it waits in the undelivered queue.',
      hint: expect.stringContaining('`alarm-to-slack status --name mission --region ap-northeast-2`'),
    });
    expect(io.resultJson).toMatchObject({
      ok: false,
      queued: 1,
      payload: { delivered: 0, queued: 1 },
      error:
        'Slack rate-limited the test message (Slack answered 429 rate_limited); it waits in the undelivered queue mission-undelivered and will be delivered automatically.',
    });
    // One try at Slack, and the notification in the queue for the mapping to post, paced.
    expect(slack.requests).toHaveLength(1);
    expect(stack.fake.find.queue('mission-undelivered').messages).toHaveLength(1);
    const human = scriptedIO();
    await expect(run({}, commandContext(human, { clock: clock() }))).rejects.toMatchObject({ exitCode: 1 });
    expect(human.stdout[0]).toMatch(/^! mission-lambda: Slack rate-limited the test message/);
  });

  it('is posted in every-alarm mode, where the same notification without the marker is skipped for the rule', async () => {
    const stack = await notifierStack(aws, undefined, { rule: { states: ['ALARM', 'OK'] } });
    slack = stack.slack;
    const io = scriptedIO({ json: true });
    await run({}, commandContext(io, { clock: clock() }));
    expect(io.resultJson).toMatchObject({ ok: true, payload: { delivered: 1 } });
    expect(slack.requests).toHaveLength(1);
    // The control: the notifier takes an unmarked copy for the SNS twin of what the rule delivers.
    const { input } = invoked();
    const event = JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array)) as SentEvent;
    const unmarked = {
      Records: event.Records.map((r) => ({ ...r, Sns: { ...r.Sns, MessageAttributes: {} } })),
    };
    const out = (await stack.fake.call('lambda', 'Invoke', {
      FunctionName: 'mission-lambda',
      Payload: new TextEncoder().encode(JSON.stringify(unmarked)),
    })) as { Payload?: Uint8Array };
    expect(JSON.parse(new TextDecoder().decode(out.Payload))).toEqual({ delivered: 0, skipped: 1 });
    expect(slack.requests).toHaveLength(1);
  });

  it('exits 1 when the notifier posted nothing ({delivered: 0})', async () => {
    mockStack(aws);
    aws.lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: bytes({ delivered: 0, skipped: 1 }) });
    const io = scriptedIO({ json: true });
    await expect(run({}, commandContext(io, { clock: clock() }))).rejects.toMatchObject({
      exitCode: 1,
      message:
        'The test alarm failed: The function posted nothing to Slack (it returned {"delivered":0,"skipped":1}).',
    });
  });
});
