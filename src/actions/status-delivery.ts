/**
 * `status` checks of what keeps and re-delivers alerts (the undelivered-alert queue, the function's
 * failure destination, the event source mapping), of the every-alarm rule, and of the other alarms that
 * notify the topic. "As expected" is what init would make of it: the resource modules' own plans.
 */
import { deliveredFilter, filterEnvValue } from '../resources/alarm-events-filter.js';
import type { PlanItem } from '../resources/context.js';
import { planMapping } from '../resources/event-source.js';
import { planInvokeConfig } from '../resources/invoke-config.js';
import { eventsPermissionSpec, permissionVerdict } from '../resources/permission.js';
import { planQueue } from '../resources/queue.js';
import { planRule } from '../resources/rule.js';
import { describeFilter } from '../resources/rule-pattern.js';
import { awsCommand, cliCommand, initCommand } from './hints.js';
import { collector, owner, type StatusCheck } from './status-types.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
/** The changes init would make, or none: what is not as it should be. */
const drift = (item: PlanItem) => (item.action === 'unchanged' ? [] : (item.changes ?? [item.action]));

/** "9 min", "2 h 5 min", "3 days". */
function age(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${Math.max(minutes, 1)} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return `${Math.floor(minutes / 1440)} days`;
}

export const checkQueue: StatusCheck = (stack, f) => {
  const { names } = stack;
  const { result, row, problem, missing } = collector(stack);
  const q = f.queue;
  if (!q) {
    missing('SQS queue', names.queue, "an alert Slack does not take is lost after Lambda's 2 retries.");
    return result;
  }
  const o = owner(q.tags, names.stack);
  const wrong = drift(planQueue(stack, q)).filter((c) => !c.startsWith('add tag'));
  const waiting = q.messages.waiting + q.messages.inFlight + q.messages.delayed;
  const oldest = f.queueAgeSeconds;
  const held =
    waiting === 0
      ? 'empty'
      : `${plural(waiting, 'alert')} waiting${oldest === undefined ? '' : ` (oldest ${age(oldest)})`}`;
  row({
    resource: 'SQS queue',
    name: names.queue,
    present: true,
    healthy: wrong.length === 0 && waiting === 0,
    summary: `${held}${wrong.length ? `; not as expected: ${wrong.join(', ')}` : ''}${o.note}`,
    details: {
      url: q.url,
      waiting: q.messages.waiting,
      inFlight: q.messages.inFlight,
      delayed: q.messages.delayed,
      oldestAgeSeconds: oldest ?? null,
      owner: o.owner,
    },
  });
  if (wrong.length > 0) problem('SQS queue', `${names.queue} is not as expected: ${wrong.join(', ')}.`);
  if (waiting > 0)
    problem(
      'SQS queue',
      `${plural(waiting, 'alert')} could not be posted to Slack yet${oldest === undefined ? '' : ` (the oldest ${age(oldest)} ago)`}: they will be delivered automatically; \`replay\` to force it now.`,
      cliCommand(stack, 'replay'),
    );
  return result;
};

export const checkInvokeConfig: StatusCheck = (stack, f) => {
  const { names } = stack;
  const { result, row, problem, missing } = collector(stack);
  if (!f.fn) {
    missing('Failure destination', names.functionName, 'needs the function', false);
    return result;
  }
  const c = f.invokeConfig;
  // A missing config's plan says what init would create: no difference to list, just missing.
  const wrong = c ? drift(planInvokeConfig(stack, c)) : [];
  row({
    resource: 'Failure destination',
    name: names.functionName,
    present: c !== undefined,
    healthy: c !== undefined && wrong.length === 0,
    summary: !c
      ? 'missing'
      : wrong.length === 0
        ? `${c.maximumRetryAttempts} retries, then ${names.queue}`
        : `not as expected: ${wrong.join(', ')}`,
    details: {
      onFailure: c?.onFailure ?? null,
      maximumRetryAttempts: c?.maximumRetryAttempts ?? null,
      maximumEventAgeInSeconds: c?.maximumEventAgeInSeconds ?? null,
    },
  });
  if (!c)
    problem(
      'Failure destination',
      `${names.functionName} has no failure destination: an alert Slack does not take is lost after Lambda's 2 retries.`,
    );
  else if (wrong.length > 0)
    problem(
      'Failure destination',
      `${names.functionName} does not keep what it fails to deliver in ${names.queue}: ${wrong.join(', ')}.`,
    );
  return result;
};

export const checkMapping: StatusCheck = (stack, f) => {
  const { names } = stack;
  const { result, row, problem, missing } = collector(stack);
  const name = `${names.queue} → ${names.functionName}`;
  if (!f.fn || !f.queue) {
    missing('Event source mapping', name, 'needs the function and the queue', false);
    return result;
  }
  const m = f.mapping;
  const wrong = m ? drift(planMapping(stack, m)).filter((c) => !c.startsWith('add tag')) : [];
  const failing = m?.lastProcessingResult?.startsWith('PROBLEM') ? m.lastProcessingResult : undefined;
  row({
    resource: 'Event source mapping',
    name,
    present: m !== undefined,
    healthy: m !== undefined && wrong.length === 0 && !failing,
    summary: m
      ? `${m.state ?? 'unknown state'}${wrong.length ? `; not as expected: ${wrong.join(', ')}` : ', re-delivers the queue paced'}${failing ? `; last poll: ${failing}` : ''}`
      : 'missing',
    details: {
      uuid: m?.uuid ?? null,
      state: m?.state ?? null,
      lastProcessingResult: m?.lastProcessingResult ?? null,
    },
  });
  if (!m)
    problem(
      'Event source mapping',
      `nothing re-delivers ${names.queue}: the alerts kept there wait until \`replay\` or until they expire (14 days).`,
    );
  else if (wrong.length > 0)
    problem('Event source mapping', `the queue is not re-delivered as expected: ${wrong.join(', ')}.`);
  if (failing)
    problem(
      'Event source mapping',
      `its last poll of the queue failed (${failing}).`,
      awsCommand(stack, `lambda get-event-source-mapping --uuid ${m?.uuid}`),
    );
  return result;
};

/** The every-alarm rule: only when there is one, or when the function expects one. */
export const checkRule: StatusCheck = (stack, f) => {
  const { names } = stack;
  const { result, row, problem } = collector(stack);
  const rule = f.rule;
  const skips = f.fn?.environment.alarmEventsFilter;
  if (!rule && !skips) return result;
  const delivered = deliveredFilter(stack, rule, f.permissions);
  const fix = initCommand(stack, '--every-alarm');
  if (!rule) {
    row({
      resource: 'EventBridge rule',
      name: names.rule,
      present: false,
      healthy: false,
      summary: 'missing',
      details: {},
    });
    problem(
      'EventBridge rule',
      `${names.rule} is missing, yet ${names.functionName} skips the SNS copies it would deliver: those alerts are lost.`,
      fix,
    );
    return result;
  }
  const o = owner(rule.tags, names.stack);
  // A target init would add is missing, not a change to read as done ("target added").
  const missingTarget = (item: PlanItem) =>
    item.resource === 'EventBridge target' && item.action === 'create'
      ? [`no target delivers its events to ${names.functionName}`]
      : drift(item);
  const wrong = rule.filter
    ? planRule(stack, rule, rule.filter)
        .flatMap(missingTarget)
        .filter((c) => !c.startsWith('add tag'))
    : ['its event pattern is not an alarm state-change filter'];
  const permission = permissionVerdict(f.permissions, eventsPermissionSpec(stack, rule.arn), stack.account);
  if (permission === 'missing') wrong.push('EventBridge may not invoke the function');
  else if (permission === 'unscoped') wrong.push('the EventBridge permission is not limited to the rule');
  row({
    resource: 'EventBridge rule',
    name: names.rule,
    present: true,
    healthy: wrong.length === 0,
    summary:
      `${rule.state === 'ENABLED' ? 'enabled' : (rule.state ?? 'unknown state').toLowerCase()}` +
      `${rule.filter ? `, every alarm state change (${describeFilter(rule.filter)})` : ''} → ${names.functionName}` +
      `${wrong.length ? `; not as expected: ${wrong.join(', ')}` : ''}${o.note}`,
    details: {
      arn: rule.arn,
      state: rule.state ?? null,
      filter: rule.filter ?? null,
      targets: rule.targets.map((t) => t.arn),
      permission,
      owner: o.owner,
    },
  });
  if (wrong.length > 0) problem('EventBridge rule', `${names.rule}: ${wrong.join(', ')}.`, fix);
  if (skips && filterEnvValue(delivered) !== skips)
    problem(
      'Lambda function',
      `${names.functionName} skips SNS copies the rule ${delivered ? 'does not all deliver' : 'does not deliver'}: some alerts may be lost.`,
      initCommand(stack),
    );
  return result;
};

/** The other alarms whose actions name the topic (connect): how many, which, and any that cannot notify. */
export const checkConnected: StatusCheck = (stack, f) => {
  const { names } = stack;
  const { result, row, problem } = collector(stack);
  if (f.connected.length === 0) return result;
  const listed = f.connected.map((a) => `${a.name} (${a.alarm.StateValue ?? 'unknown'})`);
  const disabled = f.connected.filter((a) => a.alarm.ActionsEnabled === false).map((a) => a.name);
  row({
    resource: 'Connected alarms',
    name: names.topic,
    present: true,
    healthy: disabled.length === 0,
    summary: `${plural(f.connected.length, 'alarm')} ${f.connected.length === 1 ? 'notifies' : 'notify'} the topic: ${listed.join(', ')}`,
    details: {
      alarms: f.connected.map((a) => ({ name: a.name, state: a.alarm.StateValue ?? null, states: a.states })),
      actionsDisabled: disabled,
    },
  });
  if (disabled.length > 0)
    problem(
      'Connected alarms',
      `${disabled.join(', ')} ${disabled.length === 1 ? 'has its' : 'have their'} actions disabled: ${disabled.length === 1 ? 'it notifies' : 'they notify'} nobody.`,
      awsCommand(stack, `cloudwatch enable-alarm-actions --alarm-names ${disabled.join(' ')}`),
    );
  return result;
};
