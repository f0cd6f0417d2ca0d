import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { createHandler } from '../../handler-template/index.mjs';
import { FUNCTION_ARN } from '../fake-aws/constants.js';
import type { FakeAws } from '../fake-aws/core.js';
import type { StackSpec } from '../fake-aws/seed-spec.js';
import { type FakeSlack, fakeSlack, type Reply } from '../handler/fake-slack.js';
import type { mockAws } from '../helpers/aws.js';
import { type FakeClock, fakeClock } from '../helpers/clock.js';
import { mockStack } from '../teardown/mock-stack.js';

/**
 * What the `test --through-alarm` tests share: a command clock whose sleeps move the fake's clock too (so the
 * log events and CloudWatch's stamps keep AWS's time, apart from ours), the real notifier run by the fake's
 * Lambda against a Slack stand-in on 127.0.0.1, and the calls to read back.
 */
type Aws = ReturnType<typeof mockAws>;

const START = Date.parse('2026-11-25T12:00:00.000Z');

/** The command's clock: only (instant, recorded) sleeps move it, and the fake's with it. */
export function linkedClock(fake: FakeAws): FakeClock {
  const clock = fakeClock({ now: START });
  const sleep = clock.sleep.bind(clock);
  return {
    ...clock,
    sleep: async (ms, signal) => {
      await sleep(ms, signal);
      fake.advance(ms);
    },
  };
}

/** linkedClock, and a Ctrl-C during the first wait: the controller aborts and the sleep rejects as aborted. */
export function interruptedClock(fake: FakeAws, controller: AbortController): FakeClock {
  const time = linkedClock(fake);
  return {
    ...time,
    sleep: async (ms: number) => {
      await time.sleep(ms);
      controller.abort();
      throw new DOMException('This operation was aborted', 'AbortError');
    },
  };
}

/**
 * The mission stack (with `spec`) whose function runs the real notifier: the fake's KMS decrypts the seeded
 * webhook URL, a Slack stand-in on 127.0.0.1 answers `script`, the fake's SQS takes a hand-off.
 */
export async function notifierStack(
  aws: Aws,
  script?: Reply[],
  spec: Partial<StackSpec> = {},
): Promise<{ fake: FakeAws; slack: FakeSlack }> {
  const slack = await fakeSlack(script);
  const { fake } = mockStack(aws, { webhookUrl: slack.url, ...spec });
  fake.onInvoke(async ({ event, environment, log }) => {
    const handler = createHandler({
      env: environment,
      log,
      now: fake.now,
      sleep: async () => {},
      random: () => 0,
    });
    // What Lambda passes: the invoked ARN (the notifier's account for the rule check) and the time left.
    const context = {
      invokedFunctionArn: FUNCTION_ARN,
      awsRequestId: REQ,
      getRemainingTimeInMillis: () => 14_000,
    };
    return { payload: await handler(event as never, context) };
  });
  return { fake, slack };
}

export const states = (aws: Aws) =>
  aws.cloudwatch.commandCalls(SetAlarmStateCommand).map((c) => c.args[0].input);

export const filters = (aws: Aws) =>
  aws.logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input);

/** FilterLogEvents pages of these messages (a stub of the logs, where the fake's would not show a case). */
export const events = (...messages: string[]) => ({
  events: messages.map((message, i) => ({ message, timestamp: START + 5000 + i, logStreamName: 's' })),
});

export const REQ = '6f1c2e3d-4b5a-4c6d-8e7f-9a0b1c2d3e4f';
