import type {
  CreateLogGroupRequest,
  DescribeLogGroupsRequest,
  FilterLogEventsRequest,
  PutLogEventsRequest,
  PutRetentionPolicyRequest,
} from '@aws-sdk/client-cloudwatch-logs';
import { type Env, type Handlers, on, page } from '../env.js';
import { awsError, validationMessage } from '../errors.js';
import type { LogEvent, LogGroupRecord } from '../types.js';

/**
 * CloudWatch Logs: log groups, retention, tags and FilterLogEvents. The tagging calls take the log
 * group ARN without the trailing ":*" that DescribeLogGroups puts on `arn`; with it they answer
 * ValidationException "Invalid resourceArn" (boto/boto3#4104, gruntwork-io/cloud-nuke#1150).
 * Events come from PutLogEvents, or from the fake's Lambda when a function runs (lambda-invoke.ts).
 */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const missing = () => awsError('ResourceNotFoundException', 400, 'The specified log group does not exist.');

/** Does an event match a filter pattern? Terms (AND), "quoted phrases", ?term alternatives (OR). */
function matchesPattern(pattern: string | undefined, message: string): boolean {
  const terms = [...(pattern ?? '').matchAll(/(\?)?(?:"([^"]*)"|(\S+))/g)].map((m) => ({
    optional: m[1] === '?',
    text: m[2] ?? m[3] ?? '',
  }));
  if (terms.length === 0) return true;
  const anyOf = terms.filter((t) => t.optional);
  const allOf = terms.filter((t) => !t.optional);
  return (
    allOf.every((t) => message.includes(t.text)) &&
    (anyOf.length === 0 || anyOf.some((t) => message.includes(t.text)))
  );
}

/** Appends events to a log group (creating none): what Lambda's runtime does for a function. */
export function writeEvents(env: Env, group: LogGroupRecord, stream: string, lines: string[]): void {
  group.events ??= [];
  const events = group.events;
  const at = env.now();
  for (const message of lines)
    events.push({
      timestamp: at,
      message,
      logStreamName: stream,
      ingestionTime: at,
      eventId: String(env.serial()),
    });
}

export function logsHandlers(env: Env): Handlers {
  const { state } = env;
  const groupArn = (name: string) => env.arn('logs', `log-group:${name}`);
  const group = (name: string | undefined): LogGroupRecord => {
    const g = state.logGroups.get(name ?? '');
    if (!g) throw missing();
    return g;
  };
  const byArn = (arn: string | undefined): LogGroupRecord => {
    if (!arn?.startsWith('arn:') || arn.endsWith(':*'))
      throw awsError('ValidationException', 400, 'Invalid resourceArn');
    return group(arn.split(':log-group:')[1]);
  };

  return {
    'logs.CreateLogGroup': on<CreateLogGroupRequest>(({ logGroupName, tags }) => {
      const name = logGroupName ?? '';
      if (state.logGroups.has(name))
        throw awsError('ResourceAlreadyExistsException', 400, 'The specified log group already exists');
      state.logGroups.set(name, {
        retention: undefined,
        tags: { ...tags },
        events: [],
        creationTime: env.now(),
      });
      return {};
    }),
    'logs.DescribeLogGroups': on<DescribeLogGroupsRequest>(({ logGroupNamePrefix, nextToken, limit }) => {
      const all = [...state.logGroups]
        .filter(([name]) => name.startsWith(logGroupNamePrefix ?? ''))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([logGroupName, g]) => ({
          logGroupName,
          creationTime: g.creationTime,
          ...(g.retention === undefined ? {} : { retentionInDays: g.retention }),
          metricFilterCount: 0,
          arn: `${groupArn(logGroupName)}:*`,
          storedBytes: 0,
          logGroupClass: 'STANDARD',
          logGroupArn: groupArn(logGroupName),
        }));
      const p = page(all, nextToken, limit ?? 50);
      if (!p) throw awsError('InvalidParameterException', 400, 'The specified nextToken is invalid.');
      return { logGroups: p.items, ...(p.next ? { nextToken: p.next } : {}) };
    }),
    'logs.PutRetentionPolicy': on<PutRetentionPolicyRequest>(({ logGroupName, retentionInDays }) => {
      if (!RETENTION_DAYS.includes(retentionInDays ?? 0))
        throw awsError(
          'InvalidParameterException',
          400,
          validationMessage(
            String(retentionInDays),
            'retentionInDays',
            `Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
          ),
        );
      group(logGroupName).retention = retentionInDays;
      return {};
    }),
    'logs.DeleteRetentionPolicy': on<{ logGroupName?: string }>(({ logGroupName }) => {
      group(logGroupName).retention = undefined;
      return {};
    }),
    'logs.DeleteLogGroup': on<{ logGroupName?: string }>(({ logGroupName }) => {
      if (!state.logGroups.delete(logGroupName ?? '')) throw missing();
      return {};
    }),
    'logs.ListTagsForResource': on<{ resourceArn?: string }>(({ resourceArn }) => ({
      tags: { ...byArn(resourceArn).tags },
    })),
    'logs.TagResource': on<{ resourceArn?: string; tags?: Record<string, string> }>(
      ({ resourceArn, tags }) => {
        Object.assign(byArn(resourceArn).tags, tags);
        return {};
      },
    ),
    'logs.UntagResource': on<{ resourceArn?: string; tagKeys?: string[] }>(({ resourceArn, tagKeys }) => {
      const g = byArn(resourceArn);
      for (const k of tagKeys ?? []) delete g.tags[k];
      return {};
    }),
    'logs.CreateLogStream': on<{ logGroupName?: string; logStreamName?: string }>(
      ({ logGroupName, logStreamName }) => {
        const g = group(logGroupName);
        g.streams ??= [];
        if (g.streams.includes(logStreamName ?? ''))
          throw awsError('ResourceAlreadyExistsException', 400, 'The specified log stream already exists');
        g.streams.push(logStreamName ?? '');
        return {};
      },
    ),
    'logs.PutLogEvents': on<PutLogEventsRequest>(({ logGroupName, logStreamName, logEvents }) => {
      const g = group(logGroupName);
      if (!g.streams?.includes(logStreamName ?? ''))
        throw awsError('ResourceNotFoundException', 400, 'The specified log stream does not exist.');
      g.events ??= [];
      for (const e of logEvents ?? [])
        g.events.push({
          timestamp: e.timestamp ?? env.now(),
          message: e.message ?? '',
          logStreamName: logStreamName ?? '',
          ingestionTime: env.now(),
          eventId: String(env.serial()),
        });
      return { nextSequenceToken: String(env.serial()) };
    }),
    'logs.FilterLogEvents': on<FilterLogEventsRequest>((input) => {
      const g = group(input.logGroupName);
      const events = (g.events ?? []).filter(
        (e: LogEvent) =>
          (input.startTime === undefined || e.timestamp >= input.startTime) &&
          (input.endTime === undefined || e.timestamp <= input.endTime) &&
          (input.logStreamNames === undefined || input.logStreamNames.includes(e.logStreamName)) &&
          matchesPattern(input.filterPattern, e.message),
      );
      const p = page(events, input.nextToken, input.limit ?? 10_000);
      if (!p) throw awsError('InvalidParameterException', 400, 'The specified nextToken is invalid.');
      return { events: p.items, searchedLogStreams: [], ...(p.next ? { nextToken: p.next } : {}) };
    }),
  };
}
