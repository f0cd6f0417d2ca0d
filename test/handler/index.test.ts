import { readFileSync } from 'node:fs';
import { DecryptCommand, KMSServiceException } from '@aws-sdk/client-kms';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatRecord } from '../../handler-template/format.mjs';
import { createHandler, handler as lambdaHandler } from '../../handler-template/index.mjs';
import { mockAws } from '../helpers/aws.js';
import { type FakeSlack, fakeSlack, OK, type SlackRequest, virtualTime } from './fake-slack.js';

const aws = mockAws();
afterAll(() => aws.restore());

const FUNCTION_NAME = 'mission-lambda';
const CIPHERTEXT = Buffer.from('fake-ciphertext-blob').toString('base64');

type Json = Record<string, unknown>;
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as Json;
const tutorialEvent = fixture('sns-event-tutorial') as { Records: Array<{ Sns: Json }> };

/** An SNS event with one record per alarm message, as SNS invokes Lambda. */
function snsEvent(...messages: Array<{ id: string; alarm: Json }>) {
  return {
    Records: messages.map(({ id, alarm }) => ({
      EventSource: 'aws:sns',
      EventSubscriptionArn: `arn:aws:sns:ap-northeast-2:123456789012:mission-sns:${id}`,
      Sns: {
        Type: 'Notification',
        MessageId: id,
        TopicArn: 'arn:aws:sns:ap-northeast-2:123456789012:mission-sns',
        Subject: `ALARM: "${String(alarm.AlarmName)}"`,
        Message: JSON.stringify(alarm),
      },
    })),
  };
}
const alarm = fixture('alarm-cpu-alarm');
const ok = fixture('alarm-cpu-ok');

let slack: FakeSlack;
let logs: string[];
beforeEach(() => {
  aws.reset();
  logs = [];
});
afterEach(async () => {
  await slack?.close();
});

function decryptsTo(url: string) {
  aws.kms.on(DecryptCommand).resolves({ Plaintext: new TextEncoder().encode(url) });
}

function makeHandler(env: Json = {}, budgetMs = 15_000) {
  const time = virtualTime(budgetMs);
  const handler = createHandler({
    env: {
      AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
      kmsEncryptedHookUrl: CIPHERTEXT,
      slackChannel: '',
      slackMention: '',
      ...env,
    } as Record<string, string>,
    log: (l) => logs.push(l),
    sleep: time.sleep,
    now: time.now,
    random: () => 0,
  });
  return { handler, context: time.context, sleeps: time.sleeps, now: time.now };
}

const kmsError = (name: string, message: string) =>
  new KMSServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: 400 } });

describe('decrypting the webhook URL', () => {
  it('decrypts once per container with the function name as encryption context, then posts each invocation', async () => {
    slack = await fakeSlack([OK]);
    decryptsTo(slack.url);
    const { handler, context } = makeHandler();
    await expect(handler(snsEvent({ id: 'm-1', alarm }), context)).resolves.toEqual({ delivered: 1 });
    await expect(handler(snsEvent({ id: 'm-2', alarm: ok }), context)).resolves.toEqual({ delivered: 1 });

    const decrypts = aws.kms.commandCalls(DecryptCommand);
    expect(decrypts).toHaveLength(1);
    const input = decrypts[0]?.args[0].input;
    expect(input?.EncryptionContext).toEqual({ LambdaFunctionName: FUNCTION_NAME });
    expect(Buffer.from(input?.CiphertextBlob ?? []).toString('utf8')).toBe('fake-ciphertext-blob');
    expect(Object.keys(input ?? {}).sort()).toEqual(['CiphertextBlob', 'EncryptionContext']);

    expect(slack.requests.map((r) => [r.method, r.headers['content-type']])).toEqual([
      ['POST', 'application/json'],
      ['POST', 'application/json'],
    ]);
    expect(slack.requests.map((r) => JSON.parse(r.body))).toEqual([
      formatRecord(snsEvent({ id: 'm-1', alarm }).Records[0] ?? {}),
      formatRecord(snsEvent({ id: 'm-2', alarm: ok }).Records[0] ?? {}),
    ]);
  });

  it('shares one decrypt between concurrent first invocations', async () => {
    slack = await fakeSlack([OK]);
    decryptsTo(slack.url);
    const { handler, context } = makeHandler();
    await Promise.all([
      handler(snsEvent({ id: 'a', alarm }), context),
      handler(snsEvent({ id: 'b', alarm }), context),
    ]);
    expect(aws.kms.commandCalls(DecryptCommand)).toHaveLength(1);
    expect(slack.requests).toHaveLength(2);
  });

  it('does not keep a failed decrypt: the next invocation tries again and succeeds', async () => {
    slack = await fakeSlack([OK]);
    aws.kms
      .on(DecryptCommand)
      .rejectsOnce(kmsError('AccessDeniedException', 'User is not authorized to perform: kms:Decrypt'))
      .resolves({ Plaintext: new TextEncoder().encode(slack.url) });
    const { handler, context } = makeHandler();
    const error = await handler(snsEvent({ id: 'm-1', alarm }), context).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      'Could not decrypt kmsEncryptedHookUrl (AccessDeniedException: User is not authorized to perform: kms:Decrypt). ' +
        "Check that the function's role may kms:Decrypt on the key with EncryptionContext " +
        '{"LambdaFunctionName":"mission-lambda"}, that the ciphertext was made with that context, ' +
        'and that the key is enabled, not pending deletion. `alarm-to-slack init` re-encrypts it.',
    );
    expect(slack.requests).toHaveLength(0);

    await expect(handler(snsEvent({ id: 'm-1', alarm }), context)).resolves.toEqual({ delivered: 1 });
    expect(aws.kms.commandCalls(DecryptCommand)).toHaveLength(2);
    expect(slack.requests).toHaveLength(1);
  });

  it.each(['InvalidCiphertextException', 'KMSInvalidStateException', 'DisabledException'])(
    'names %s and what to check',
    async (name) => {
      slack = await fakeSlack([OK]);
      aws.kms.on(DecryptCommand).rejects(kmsError(name, 'KMS said no'));
      const { handler, context } = makeHandler();
      const error = (await handler(snsEvent({ id: 'm', alarm }), context).catch((e: Error) => e)) as Error;
      expect(error.message).toContain(
        `(${name}: KMS said no). Check that the function's role may kms:Decrypt`,
      );
      expect(error.message).toContain('EncryptionContext {"LambdaFunctionName":"mission-lambda"}');
      expect(error.message).toContain('the key is enabled, not pending deletion');
      expect(error.cause).toMatchObject({ name });
    },
  );

  it.each([
    'secret-not-a-url',
    'ftp://127.0.0.1/services/T000/B000/XXXX',
    // Passes a loose pattern, but no URL parser takes it: must not be retried as a network error.
    'https://127.0.0.1:99999/services/T000/B000/XXXX',
  ])(
    'refuses a plaintext that is not a valid URL (%s), at once and without showing it',
    async (plaintext) => {
      slack = await fakeSlack([OK]);
      aws.kms.on(DecryptCommand).resolves({ Plaintext: new TextEncoder().encode(plaintext) });
      const { handler, context, sleeps } = makeHandler();
      const error = (await handler(snsEvent({ id: 'm', alarm }), context).catch((e: Error) => e)) as Error;
      expect(error.message).toBe(
        'kmsEncryptedHookUrl does not hold a valid URL: run `alarm-to-slack init` to set it again.',
      );
      expect(sleeps).toEqual([]);
      expect(logs).toEqual([]);
      expect(slack.requests).toHaveLength(0);
    },
  );

  it('bounds the decrypt with an abort signal, so that a hung KMS call cannot use up the invocation', async () => {
    slack = await fakeSlack([OK]);
    decryptsTo(slack.url);
    const { handler, context } = makeHandler();
    await handler(snsEvent({ id: 'm', alarm }), context);
    // sinon records every argument of send(command, options), though the mock's type names only the first
    const args = aws.kms.send.getCall(0).args as unknown[];
    const { abortSignal } = (args[1] ?? {}) as { abortSignal?: AbortSignal };
    expect(abortSignal).toBeInstanceOf(AbortSignal);
    expect(abortSignal?.aborted).toBe(false);
  });

  it('names the KMS error without an empty "(Name: )" when KMS gives no message', async () => {
    slack = await fakeSlack([OK]);
    aws.kms.on(DecryptCommand).rejects(kmsError('AccessDeniedException', ''));
    const { handler, context } = makeHandler();
    const error = (await handler(snsEvent({ id: 'm', alarm }), context).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(
      /^Could not decrypt kmsEncryptedHookUrl \(AccessDeniedException\)\. Check /,
    );
  });

  it('says what to do when kmsEncryptedHookUrl is missing, without calling KMS', async () => {
    slack = await fakeSlack([OK]);
    const { handler, context } = makeHandler({ kmsEncryptedHookUrl: '' });
    await expect(handler(snsEvent({ id: 'm', alarm }), context)).rejects.toThrow(
      'kmsEncryptedHookUrl is not set: run `alarm-to-slack init` to set it.',
    );
    expect(aws.kms.commandCalls(DecryptCommand)).toHaveLength(0);
  });
});

describe('delivering records', () => {
  it('sends slackChannel and slackMention (ALARM only)', async () => {
    slack = await fakeSlack([OK]);
    decryptsTo(slack.url);
    const { handler, context } = makeHandler({ slackChannel: '#ops-alerts', slackMention: '<!here>' });
    await handler(snsEvent({ id: 'a', alarm }, { id: 'b', alarm: ok }), context);
    const [first, second] = slack.requests.map((r) => JSON.parse(r.body) as Json);
    expect(first?.channel).toBe('#ops-alerts');
    expect(first?.text).toBe('<!here> 🔴 ALARM: mission-cpu-alarm in Asia Pacific (Seoul)');
    expect(second?.channel).toBe('#ops-alerts');
    expect(second?.text).toBe('✅ RESOLVED: mission-cpu-alarm in Asia Pacific (Seoul)');
  });

  it("posts the tutorial's test event", async () => {
    slack = await fakeSlack([OK]);
    decryptsTo(slack.url);
    const { handler, context } = makeHandler();
    await expect(handler(tutorialEvent, context)).resolves.toEqual({ delivered: 1 });
    expect(JSON.parse(slack.requests[0]?.body ?? '{}').text).toBe(
      '🔴 ALARM: Example alarm name in EU - Ireland',
    );
    expect(logs).toEqual(['Posted to Slack: 🔴 ALARM: Example alarm name in EU - Ireland']);
  });

  it('retries a 500, then a 429 after Retry-After, and posts the record once it is accepted', async () => {
    slack = await fakeSlack([
      { status: 500, body: 'internal_error' },
      { status: 429, body: 'rate_limited', headers: { 'Retry-After': '2' } },
      OK,
    ]);
    decryptsTo(slack.url);
    const { handler, context, sleeps } = makeHandler();
    await expect(handler(snsEvent({ id: 'm', alarm }), context)).resolves.toEqual({ delivered: 1 });
    expect(sleeps).toEqual([500, 2000]);
    expect(slack.requests).toHaveLength(3);
    expect(new Set(slack.requests.map((r) => r.body)).size).toBe(1);
    expect(logs.at(-1)).toBe(
      'Posted to Slack after 3 attempts: 🔴 ALARM: mission-cpu-alarm in Asia Pacific (Seoul)',
    );
  });

  it.each([
    [404, 'no_service'],
    [403, 'invalid_token'],
  ])(
    'throws %i %s at once so that the failure is visible (and Lambda retries apply)',
    async (status, body) => {
      slack = await fakeSlack([{ status, body }]);
      decryptsTo(slack.url);
      const { handler, context, sleeps } = makeHandler();
      await expect(handler(snsEvent({ id: 'm', alarm }), context)).rejects.toThrow(
        `Slack rejected the message (${status} ${body})`,
      );
      expect(slack.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
    },
  );

  it('gives up when the function is about to time out, throwing Slack answer', async () => {
    slack = await fakeSlack([{ status: 503, body: 'service unavailable' }]);
    decryptsTo(slack.url);
    const { handler, context } = makeHandler({}, 3000);
    await expect(handler(snsEvent({ id: 'm', alarm }), context)).rejects.toThrow(
      'Slack answered 503 service unavailable; gave up after 3 attempts, as waiting 2000 ms more would overrun the invocation',
    );
    // 3 s budget, 1 s kept back: attempts at 3 s, 2.5 s and 1.5 s left; a 2 s wait would leave too little.
    expect(slack.requests).toHaveLength(3);
  });

  it('never re-posts a record Slack accepted when Lambda retries a partly failed event', async () => {
    slack = await fakeSlack([OK, { status: 404, body: 'channel_not_found' }]);
    decryptsTo(slack.url);
    const { handler, context } = makeHandler();
    const event = snsEvent({ id: 'first', alarm }, { id: 'second', alarm: ok });
    await expect(handler(event, context)).rejects.toThrow(
      'Record 2 of 2: Slack rejected the message (404 channel_not_found) (1 posted before it)',
    );
    slack.script([OK]);
    await expect(handler(event, context)).resolves.toEqual({ delivered: 1, skipped: 1 });
    const texts = slack.requests.map((r) => JSON.parse(r.body).text as string);
    expect(texts).toEqual([
      '🔴 ALARM: mission-cpu-alarm in Asia Pacific (Seoul)',
      '✅ RESOLVED: mission-cpu-alarm in Asia Pacific (Seoul)',
      '✅ RESOLVED: mission-cpu-alarm in Asia Pacific (Seoul)',
    ]);
    expect(logs).toContain('Skipped sns:first (posted by an earlier attempt).');
    // Once accepted, an alert stays known on this container: a redelivery of either is not posted again, while
    // a new notification (the CLI's test gives each a new MessageId) is.
    await expect(handler(snsEvent({ id: 'second', alarm: ok }), context)).resolves.toEqual({
      delivered: 0,
      skipped: 1,
    });
    await expect(handler(snsEvent({ id: 'third', alarm: ok }), context)).resolves.toEqual({ delivered: 1 });
    expect(slack.requests).toHaveLength(4);
  });

  it('forgets the oldest accepted alerts beyond 500, so that the memory stays bounded', async () => {
    slack = await fakeSlack([OK]);
    decryptsTo(slack.url);
    const { handler, context } = makeHandler();
    const many = Array.from({ length: 501 }, (_, i) => ({ id: `m-${i}`, alarm }));
    await expect(handler(snsEvent(...many), context)).resolves.toEqual({ delivered: 501 });
    await expect(handler(snsEvent({ id: 'm-1', alarm }, { id: 'm-500', alarm }), context)).resolves.toEqual({
      delivered: 0,
      skipped: 2,
    });
    // m-0, the oldest, was forgotten when m-500 was accepted
    await expect(handler(snsEvent({ id: 'm-0', alarm }), context)).resolves.toEqual({ delivered: 1 });
    expect(slack.requests).toHaveLength(502);
  });

  it.each([
    [{}, '📣 The notifier received an empty object'],
    [{ Records: [] }, '📣 The notifier received an event with 0 records'],
    [[], '📣 The notifier received an array of 0 items'],
    ['a string', '📣 The notifier received a string'],
    [null, '📣 The notifier received nothing'],
    [
      { Records: [{ eventSource: 'aws:s3', awsRegion: 'eu-west-1' }] },
      '📣 The notifier received an aws:s3 event',
    ],
    [
      { id: 'e-1', 'detail-type': 'AWS Health Event', source: 'aws.health', region: 'eu-west-1', detail: {} },
      '📣 AWS Health Event (aws.health)',
    ],
  ])('posts any other payload (%j) as a short message: never dropped, never a crash', async (event, text) => {
    slack = await fakeSlack([OK]);
    decryptsTo(slack.url);
    const { handler, context } = makeHandler();
    await expect(handler(event, context)).resolves.toEqual({ delivered: 1 });
    expect(slack.requests.map((r) => JSON.parse(r.body).text)).toEqual([text]);
    expect(logs).toEqual([`Posted to Slack: ${text}`]);
  });

  it('never logs or throws the webhook URL or any part of its path, even when Slack echoes it', async () => {
    const echo = (r: SlackRequest) => `no_service for http://${r.headers.host}${r.path} (T000/B000/XXXX)`;
    slack = await fakeSlack(['reset', { status: 500, body: echo }, { status: 404, body: echo }]);
    decryptsTo(slack.url);
    const { handler, context } = makeHandler();
    const error = (await handler(snsEvent({ id: 'm', alarm }), context).catch((e: Error) => e)) as Error;
    expect(error.message).toBe('Slack rejected the message (404 no_service for … (…/…/…))');
    expect(logs).toHaveLength(2);
    for (const line of [...logs, error.message, String(error.stack)]) {
      for (const secret of ['/services/', 'T000', 'B000', 'XXXX']) expect(line).not.toContain(secret);
    }
  });

  it('without a Lambda context (no time budget), gives up after 6 attempts', async () => {
    slack = await fakeSlack([{ status: 500, body: 'internal_error' }]);
    decryptsTo(slack.url);
    const { handler, sleeps } = makeHandler();
    await expect(handler(snsEvent({ id: 'm', alarm }))).rejects.toThrow(
      'Slack answered 500 internal_error; gave up after 6 attempts',
    );
    expect(slack.requests).toHaveLength(6);
    expect(sleeps).toEqual([500, 1000, 2000, 4000, 4000]);
  });
});

describe('what Lambda calls', () => {
  it('is a handler made by createHandler with the defaults: unconfigured, it says what is missing', async () => {
    const saved = process.env.kmsEncryptedHookUrl;
    delete process.env.kmsEncryptedHookUrl;
    try {
      await expect(
        lambdaHandler({ Records: [] }, { getRemainingTimeInMillis: () => 15_000 }),
      ).rejects.toThrow('kmsEncryptedHookUrl is not set: run `alarm-to-slack init` to set it.');
    } finally {
      if (saved !== undefined) process.env.kmsEncryptedHookUrl = saved;
    }
    expect(aws.kms.commandCalls(DecryptCommand)).toHaveLength(0);
  });

  it('reads its configuration from the process environment by default', async () => {
    slack = await fakeSlack([OK]);
    decryptsTo(slack.url);
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_LAMBDA_FUNCTION_NAME: 'env-lambda',
      kmsEncryptedHookUrl: CIPHERTEXT,
      slackChannel: '#from-env',
      slackMention: '',
    });
    try {
      // Only the log is injected (the module-level handler keeps the console.log it was made with).
      const handler = createHandler({ log: (l) => logs.push(l) });
      const context = { getRemainingTimeInMillis: () => 15_000 };
      await expect(handler(snsEvent({ id: 'm', alarm }), context)).resolves.toEqual({ delivered: 1 });
    } finally {
      process.env = saved;
    }
    expect(aws.kms.commandCalls(DecryptCommand)[0]?.args[0].input.EncryptionContext).toEqual({
      LambdaFunctionName: 'env-lambda',
    });
    expect(JSON.parse(slack.requests[0]?.body ?? '{}').channel).toBe('#from-env');
    expect(logs).toEqual(['Posted to Slack: 🔴 ALARM: mission-cpu-alarm in Asia Pacific (Seoul)']);
  });
});
