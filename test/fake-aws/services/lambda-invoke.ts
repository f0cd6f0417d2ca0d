import type { InvocationRequest } from '@aws-sdk/client-lambda';
import { alertsOf, alertsOfRecord, isSqs } from '../../../handler-template/route.mjs';
import { type Env, type Handlers, type InvokeAnswer, on } from '../env.js';
import { awsError } from '../errors.js';
import { roleAllows } from '../policy.js';
import type { FunctionRecord } from '../types.js';
import { findFunction } from './lambda.js';
import { writeEvents } from './logs.js';

/**
 * Invoke: runs the injected handler (FakeAws.onInvoke) with the function's environment and the
 * parsed event, or answers a canned success: what the notifier answers and logs when Slack accepts every
 * alert of the event ({delivered: n} and a "Posted to Slack: <text>" line per alert, the text made by the
 * notifier's own modules; {batchItemFailures: []} for an SQS batch). Either way, as Lambda does, the run
 * is logged to /aws/lambda/<name> (START, the function's lines in Lambda's text format
 * `<time>\t<request id>\tINFO\t<line>`, END, REPORT; the group is created when missing and the role may
 * logs:CreateLogGroup), counted in AWS/Lambda Invocations and Errors, and with LogType Tail its last 4
 * KB come back base64 in LogResult. An Active function is required.
 */
const encoder = new TextEncoder();

/** The notifier's answer and log lines when Slack accepts everything. */
function posted(event: unknown): InvokeAnswer {
  const sqs = isSqs(event);
  const alerts = sqs ? event.Records.flatMap((r) => alertsOfRecord(r)) : alertsOf(event);
  return {
    payload: sqs ? { batchItemFailures: [] } : { delivered: alerts.length },
    logs: alerts.map((a) => `Posted to Slack: ${a.format({}).text}`),
  };
}

function parse(bytes: Uint8Array | undefined): unknown {
  if (!bytes || bytes.length === 0) return undefined;
  const text = Buffer.from(bytes).toString();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function record(env: Env, fn: FunctionRecord, lines: string[], failed: boolean): void {
  const name = fn.config.FunctionName;
  const groupName = fn.config.LoggingConfig?.LogGroup ?? `/aws/lambda/${name}`;
  let group = env.state.logGroups.get(groupName);
  const role = fn.config.Role?.split('/').pop() ?? '';
  if (
    !group &&
    roleAllows(env.state, role, 'logs:CreateLogGroup', env.arn('logs', `log-group:${groupName}`))
  ) {
    group = { retention: undefined, tags: {}, events: [], creationTime: env.now() };
    env.state.logGroups.set(groupName, group);
  }
  const day = new Date(env.now()).toISOString().slice(0, 10).replace(/-/g, '/');
  if (group)
    writeEvents(
      env,
      group,
      `${day}/[$LATEST]${'0'.repeat(28)}${String(env.serial()).padStart(4, '0')}`,
      lines,
    );
  for (const [metricName, value] of [
    ['Invocations', 1],
    ['Errors', failed ? 1 : 0],
  ] as const)
    env.state.metrics.push({
      namespace: 'AWS/Lambda',
      metricName,
      dimensions: { FunctionName: name },
      timestamp: env.now(),
      value,
    });
}

export function invokeHandlers(env: Env): Handlers {
  return {
    'lambda.Invoke': on<InvocationRequest>(async (input) => {
      const fn = findFunction(env, input.FunctionName);
      if (fn.config.State !== 'Active')
        throw awsError(
          'ResourceConflictException',
          409,
          `The operation cannot be performed at this time. The function is currently in the following state: ${fn.config.State ?? 'Pending'}`,
        );
      const type = input.InvocationType ?? 'RequestResponse';
      if (type === 'DryRun') return { StatusCode: 204 };
      const requestId = env.uuid();
      const lines: string[] = [];
      const handler = env.invokeHandler();
      let answer: InvokeAnswer | undefined;
      try {
        answer = handler
          ? await handler({
              functionName: fn.config.FunctionName,
              event: parse(input.Payload),
              environment: {
                ...fn.config.Environment.Variables,
                AWS_LAMBDA_FUNCTION_NAME: fn.config.FunctionName,
                AWS_REGION: env.region,
              },
              invocationType: type,
              log: (line) => lines.push(line),
            })
          : posted(parse(input.Payload));
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        answer = { error: { errorType: e.name, errorMessage: e.message } };
      }
      const at = new Date(env.now()).toISOString();
      lines.push(...(answer?.logs ?? []));
      const error = answer?.error;
      const errorLine = error && `${at}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(error)}`;
      const log = [
        `START RequestId: ${requestId} Version: $LATEST`,
        ...lines.map((line) => `${at}\t${requestId}\tINFO\t${line}`),
        ...(errorLine ? [errorLine] : []),
        `END RequestId: ${requestId}`,
        `REPORT RequestId: ${requestId}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: ${fn.config.MemorySize ?? 128} MB\tMax Memory Used: 64 MB`,
      ];
      record(env, fn, log, error !== undefined);
      if (type === 'Event') return { StatusCode: 202 };
      const payload = error ? { ...error, trace: [] } : answer?.payload;
      const tail = Buffer.from(`${log.join('\n')}\n`)
        .subarray(-4096)
        .toString('base64');
      return {
        StatusCode: 200,
        ExecutedVersion: '$LATEST',
        ...(error ? { FunctionError: 'Unhandled' } : {}),
        ...(payload === undefined ? {} : { Payload: encoder.encode(JSON.stringify(payload)) }),
        ...(input.LogType === 'Tail' ? { LogResult: tail } : {}),
      };
    }),
  };
}
