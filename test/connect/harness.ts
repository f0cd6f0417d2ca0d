/**
 * Runs `connect` / `disconnect` as the commander layer would (options → command → exit code), over
 * scripted IO and the one stateful fake AWS seeded with the stack `mission`; alarms are put into the
 * fake exactly as DescribeAlarms answers them (test/resources/alarm-fixtures.ts).
 */
import type { CompositeAlarm, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { run as connect } from '../../src/commands/connect.js';
import { run as disconnect } from '../../src/commands/disconnect.js';
import { describeError } from '../../src/errors.js';
import type { FakeAws } from '../fake-aws/core.js';
import { type Answer, type ScriptedIO, scriptedIO } from '../helpers/io.js';
import {
  alb5xxAnomaly,
  albP99,
  lambdaErrorRate,
  rdsStorage,
  serviceDegraded,
} from '../resources/alarm-fixtures.js';
import { commandContext } from '../teardown/mock-stack.js';

interface CommandRun {
  io: ScriptedIO;
  error: unknown;
  exitCode: number;
  message: string;
  stdout: string;
  stderr: string;
  json: Record<string, unknown>;
}

type Options = Record<string, unknown>;

export async function runCommand(
  command: 'connect' | 'disconnect',
  options: Options,
  opts: {
    yes?: boolean;
    json?: boolean;
    interactive?: boolean;
    answers?: Answer[];
    signal?: AbortSignal;
    width?: number;
  } = {},
): Promise<CommandRun> {
  const io = scriptedIO({
    json: opts.json ?? false,
    interactive: opts.interactive ?? false,
    answers: opts.answers ?? [],
    ...(opts.width === undefined ? {} : { width: opts.width }),
  });
  const ctx = commandContext(io, { yes: opts.yes ?? false, ...(opts.signal ? { signal: opts.signal } : {}) });
  const fn = command === 'connect' ? connect : disconnect;
  let error: unknown;
  try {
    await fn(options as never, ctx);
  } catch (e) {
    error = e;
  }
  const described = error === undefined ? undefined : describeError(error);
  return {
    io,
    error,
    exitCode: described?.exitCode ?? 0,
    message: described ? `${described.message}${described.hint ? `\n${described.hint}` : ''}` : '',
    stdout: io.stdout.join('\n'),
    stderr: io.stderr.join('\n'),
    json: (io.resultJson ?? {}) as Record<string, unknown>,
  };
}

/** The alarm in the fake exactly as given (DescribeAlarms answers it as it is). */
export function putDescribed(fake: FakeAws, alarm: MetricAlarm | CompositeAlarm): void {
  const name = alarm.AlarmName ?? '';
  const copy = structuredClone(alarm);
  if ('AlarmRule' in alarm) fake.state.alarms.set(name, { type: 'CompositeAlarm', alarm: copy, tags: {} });
  else fake.state.alarms.set(name, { type: 'MetricAlarm', alarm: copy as MetricAlarm, tags: {} });
}

/** What DescribeAlarms answers for the alarm now (a copy). */
export function described(fake: FakeAws, name: string): MetricAlarm | CompositeAlarm {
  return structuredClone(fake.find.alarm(name).alarm);
}

/** One alarm of each kind a team has (single metric, p99, metric math, anomaly band, composite). */
export const TEAM_ALARMS = [rdsStorage, albP99, lambdaErrorRate, alb5xxAnomaly, serviceDegraded];
export const TEAM_ALARM_NAMES = TEAM_ALARMS.map((f) => f().AlarmName as string);

/** The team's alarms in the fake, as DescribeAlarms answers them. */
export function putTeamAlarms(fake: FakeAws): void {
  for (const f of TEAM_ALARMS) putDescribed(fake, f());
}
