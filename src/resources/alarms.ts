/**
 * Reading and writing alarms the stack did not create (a team's own metric and composite alarms), for
 * `connect` / `disconnect`. Reads ask for both kinds and every page; a write re-sends the whole alarm (see
 * alarm-input.ts), so a command describes the alarm afresh right before it (describeAlarm), changes only its
 * actions (alarm-topic.ts) and puts it back, a few at a time (mapLimit with ALARM_WRITE_CONCURRENCY).
 */
import {
  type AlarmType,
  CloudWatchClient,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandInput,
  type DescribeAlarmsCommandOutput,
  PutCompositeAlarmCommand,
  type PutCompositeAlarmInput,
  PutMetricAlarmCommand,
  type PutMetricAlarmInput,
  paginateDescribeAlarms,
} from '@aws-sdk/client-cloudwatch';
import { CliError, UsageError } from '../errors.js';
import type { AlarmKind, DescribedAlarm, InputOf } from './alarm-input.js';
import { type ActionState, statesWith } from './alarm-topic.js';
import type { StackContext } from './context.js';

/**
 * Without AlarmTypes DescribeAlarms returns metric alarms only ("If you omit this parameter, only metric
 * alarms are returned"). Composite alarms are returned only to a cloudwatch:DescribeAlarms permission on
 * "*". Log alarms (a third type in this SDK) are not read: there is no input builder for them.
 */
const ALARM_TYPES: AlarmType[] = ['MetricAlarm', 'CompositeAlarm'];
/** DescribeAlarms' MaxRecords: 1 to 100. */
const PAGE_SIZE = 100;
/** DescribeAlarms' AlarmNames: at most 100 names per call. */
const NAMES_PER_CALL = 100;

/**
 * PutMetricAlarm and PutCompositeAlarm have a low per-account TPS quota; the clients retry throttling
 * ("Throttling") with the SDK's standard strategy (5 attempts, src/aws/clients.ts), and a command keeps at
 * most this many writes in flight.
 */
export const ALARM_WRITE_CONCURRENCY = 3;

function described(page: DescribeAlarmsCommandOutput): DescribedAlarm[] {
  const found: DescribedAlarm[] = [];
  for (const alarm of page.MetricAlarms ?? [])
    if (alarm.AlarmName) found.push({ kind: 'metric', name: alarm.AlarmName, alarm });
  for (const alarm of page.CompositeAlarms ?? [])
    if (alarm.AlarmName) found.push({ kind: 'composite', name: alarm.AlarmName, alarm });
  return found;
}

async function describeEveryPage(
  ctx: StackContext,
  filter: DescribeAlarmsCommandInput,
): Promise<DescribedAlarm[]> {
  const pages = paginateDescribeAlarms(
    { client: ctx.clients.get(CloudWatchClient) },
    { ...filter, AlarmTypes: ALARM_TYPES, MaxRecords: PAGE_SIZE },
  );
  const found: DescribedAlarm[] = [];
  for await (const page of pages) found.push(...described(page));
  return found;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Every alarm of both kinds (all pages), or those whose names start with `prefix`, or those named (100
 * names per call; a name that does not exist is simply absent). Sorted by name, each with its kind.
 */
export async function listAlarms(
  ctx: StackContext,
  opts: { prefix?: string | undefined; names?: readonly string[] | undefined } = {},
): Promise<DescribedAlarm[]> {
  // AWS: "If this parameter [AlarmNamePrefix] is specified, you cannot specify AlarmNames."
  if (opts.prefix && opts.names) throw new UsageError('Choose alarms by name or by prefix, not both.');
  const filters: DescribeAlarmsCommandInput[] = opts.names
    ? chunks([...new Set(opts.names)], NAMES_PER_CALL).map((AlarmNames) => ({ AlarmNames }))
    : [opts.prefix ? { AlarmNamePrefix: opts.prefix } : {}];
  const found: DescribedAlarm[] = [];
  for (const filter of filters) found.push(...(await describeEveryPage(ctx, filter)));
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.kind < b.kind ? -1 : 1));
}

/**
 * The alarm as it is now (either kind), read right before a write so that the write re-sends the current
 * configuration, not one read minutes ago; undefined when there is no such alarm.
 */
export async function describeAlarm(ctx: StackContext, name: string): Promise<DescribedAlarm | undefined> {
  const page = await ctx.clients
    .get(CloudWatchClient)
    .send(new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ALARM_TYPES }));
  return described(page).find((a) => a.name === name);
}

const isComposite = (input: PutMetricAlarmInput | PutCompositeAlarmInput): input is PutCompositeAlarmInput =>
  'AlarmRule' in input && input.AlarmRule !== undefined;

/** PutMetricAlarm or PutCompositeAlarm: the whole alarm, as given (it replaces the alarm's configuration). */
export async function putAlarm<K extends AlarmKind>(
  ctx: StackContext,
  kind: K,
  input: InputOf[K],
): Promise<void> {
  const given: PutMetricAlarmInput | PutCompositeAlarmInput = input;
  if (isComposite(given) !== (kind === 'composite'))
    throw new CliError(
      `putAlarm: a ${kind} alarm was given the input of the other kind (${given.AlarmName}).`,
    );
  const cw = ctx.clients.get(CloudWatchClient);
  if (isComposite(given)) await cw.send(new PutCompositeAlarmCommand(given));
  else await cw.send(new PutMetricAlarmCommand(given));
}

/**
 * Every alarm (both kinds) that notifies the topic in any of its three action lists, with those states.
 *
 * All alarms are read and filtered here, exactly. DescribeAlarms' ActionPrefix could filter server-side,
 * but it is a prefix (`…:team-sns` also matches `…:team-sns-old`, so an exact check is needed anyway) and
 * the API reference does not say whether it looks at OKActions and InsufficientDataActions as well as
 * AlarmActions: an alarm that notifies the topic only on OK must not be missed by `disconnect`.
 */
export async function alarmsNotifying(
  ctx: StackContext,
  topicArn: string,
): Promise<Array<DescribedAlarm & { states: ActionState[] }>> {
  const notifying: Array<DescribedAlarm & { states: ActionState[] }> = [];
  for (const alarm of await listAlarms(ctx)) {
    const states = statesWith(alarm.alarm, topicArn);
    if (states.length > 0) notifying.push({ ...alarm, states });
  }
  return notifying;
}
