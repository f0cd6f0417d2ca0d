/**
 * Which way `test --through-alarm` drives a state change to the function, read before any change:
 * - `sns`: the stack's CPU alarm notifies the topic in that state (the tutorial's chain);
 * - `eventbridge`: every-alarm mode (the rule `<name>-alarm-events`, or the function's `alarmEventsFilter`)
 *   without such an alarm: a temporary alarm named to match the rule's prefix goes through the rule;
 * - neither: nothing to drive. And, after a wait without delivery, which link of that way is missing.
 */
import { UsageError } from '../errors.js';
import { type AlarmFound, findAlarm } from '../resources/alarm.js';
import type { StackContext } from '../resources/context.js';
import { findFunction } from '../resources/function.js';
import {
  eventsPermissionSpec,
  findPermissions,
  permissionVerdict,
  snsPermissionSpec,
} from '../resources/permission.js';
import { findRule, type RuleFound } from '../resources/rule.js';
import { type AlarmEventFilter, describeFilter } from '../resources/rule-pattern.js';
import { findSubscriptions } from '../resources/subscription.js';
import { findTemporaryAlarm, temporaryAlarmName } from '../resources/temporary-alarm.js';
import { findTopic } from '../resources/topic.js';
import type { AlarmState } from '../validate.js';
import { awsCommand, initCommand } from './hints.js';

export type ChainLink =
  | 'alarm'
  | 'alarm-actions'
  | 'topic'
  | 'subscription'
  | 'rule'
  | 'rule-target'
  | 'permission'
  | 'function'
  | 'slack';

/** Where the chain stops, in words. */
export interface Stop {
  stoppedAt: ChainLink;
  error: string;
  hint?: string | undefined;
}

interface SnsRoute {
  through: 'sns';
  alarmName: string;
  /** The alarm's state now. */
  current: string | undefined;
}

interface RuleRoute {
  through: 'eventbridge';
  /** The temporary alarm's name. */
  alarmName: string;
  filter: AlarmEventFilter;
}

export type Route = SnsRoute | RuleRoute;

function actionsFor(alarm: AlarmFound, state: AlarmState): string[] {
  if (state === 'ALARM') return alarm.alarmActions;
  if (state === 'OK') return alarm.okActions;
  return [];
}

function alarmActionsStop(stack: StackContext, alarm: AlarmFound, state: AlarmState): Stop {
  const actions = actionsFor(alarm, state);
  return {
    stoppedAt: 'alarm-actions',
    error:
      state === 'INSUFFICIENT_DATA' && actions.length === 0
        ? `The alarm ${alarm.name} has no INSUFFICIENT_DATA actions: CloudWatch would notify nobody.`
        : `The alarm's ${state} actions do not include the topic ${stack.names.topic}: CloudWatch would not notify it.`,
    hint:
      state === 'INSUFFICIENT_DATA'
        ? 'Use --state ALARM or --state OK.'
        : `Re-run ${initCommand(stack)} to set the alarm's actions.`,
  };
}

/** The rule's way, checked before anything is created: the rule is ours, enabled, and sends that state. */
async function ruleRoute(
  stack: StackContext,
  state: AlarmState,
  rule: RuleFound | undefined,
): Promise<RuleRoute | Stop> {
  const fix = `Re-run ${initCommand(stack, '--every-alarm')} to restore it.`;
  const name = stack.names.rule;
  if (!rule)
    return {
      stoppedAt: 'rule',
      error: `The function expects the EventBridge rule ${name} (its alarmEventsFilter is set), but the rule does not exist.`,
      hint: fix,
    };
  if (!rule.filter)
    return {
      stoppedAt: 'rule',
      error: `The rule ${name} does not have the alarm state-change pattern alarm-to-slack writes.`,
      hint: fix,
    };
  if (rule.state !== 'ENABLED')
    return { stoppedAt: 'rule', error: `The rule ${name} is ${rule.state ?? 'not enabled'}.`, hint: fix };
  if (!rule.filter.states.includes(state))
    throw new UsageError(
      `The rule ${name} does not send ${state} (it sends ${describeFilter(rule.filter)}): nothing would reach Slack.`,
      {
        hint: `Use --state ${rule.filter.states[0] ?? 'ALARM'}, or change the rule with init --every-alarm --states.`,
      },
    );
  const alarmName = temporaryAlarmName(stack.names, rule.filter.prefix);
  if (!alarmName)
    return {
      stoppedAt: 'alarm',
      error: `The rule's prefix is too long for a test alarm name (CloudWatch allows 255 characters).`,
      hint: 'Test the function alone, without --through-alarm.',
    };
  const existing = await findTemporaryAlarm(stack, alarmName);
  if (existing && existing.owner !== 'ours')
    return {
      stoppedAt: 'alarm',
      error: `An alarm named ${alarmName} exists and is not tagged for this stack: the test does not touch it.`,
      hint: 'Rename or delete that alarm, or test the function alone, without --through-alarm.',
    };
  return { through: 'eventbridge', alarmName, filter: rule.filter };
}

/**
 * The way to drive, or where the chain already stops (exit 1), before any change. A state the rule does not
 * send is a usage error (exit 2).
 */
export async function chooseRoute(stack: StackContext, state: AlarmState): Promise<Route | Stop> {
  const [alarm, fn] = await Promise.all([findAlarm(stack), findFunction(stack)]);
  if (!fn)
    return {
      stoppedAt: 'function',
      error: `The function ${stack.names.functionName} does not exist in ${stack.region}.`,
      hint: `Set the stack up: ${initCommand(stack)}`,
    };
  if (alarm && actionsFor(alarm, state).includes(stack.arns.topicArn))
    return { through: 'sns', alarmName: alarm.name, current: alarm.state };
  // Every-alarm mode: the rule is looked up only when the alarm does not do.
  const rule = await findRule(stack);
  if (rule || fn.environment.alarmEventsFilter) return ruleRoute(stack, state, rule);
  if (alarm) return alarmActionsStop(stack, alarm, state);
  return {
    stoppedAt: 'alarm',
    error: `Nothing would carry a state change to ${stack.names.functionName}: the alarm ${stack.names.alarm} does not exist and the every-alarm rule ${stack.names.rule} is not set up.`,
    hint: `Create the CPU alarm (${initCommand(stack, '--instance-id <i-…>')}) or send every alarm (${initCommand(stack, '--every-alarm')}), or test the function alone without --through-alarm.`,
  };
}

function notInvoked(stack: StackContext, links: string): Stop {
  return {
    stoppedAt: 'function',
    error: `${stack.names.functionName} posted nothing for the change within the wait, though ${links} are in place.`,
    hint: `Delivery may be slow or throttled: look again in a minute with \`${awsCommand(stack, `logs tail ${stack.names.logGroup} --since 5m`)}\`.`,
  };
}

/** SNS's way, after a wait without delivery: the topic, the subscription, SNS's permission. */
async function diagnoseSns(stack: StackContext): Promise<Stop> {
  const { topicArn, functionArn } = stack.arns;
  const [topic, subscriptions, permissions] = await Promise.all([
    findTopic(stack),
    findSubscriptions(stack, topicArn, functionArn),
    findPermissions(stack),
  ]);
  const fix = `Re-run ${initCommand(stack)} to restore it.`;
  if (!topic)
    return { stoppedAt: 'topic', error: `The topic ${stack.names.topic} does not exist.`, hint: fix };
  if (subscriptions.length === 0) {
    return {
      stoppedAt: 'subscription',
      error: `The topic ${stack.names.topic} has no subscription for ${stack.names.functionName}: notifications go nowhere.`,
      hint: fix,
    };
  }
  if (permissionVerdict(permissions, snsPermissionSpec(stack, topicArn), stack.account) === 'missing') {
    return {
      stoppedAt: 'permission',
      error: `SNS is not allowed to invoke ${stack.names.functionName} from ${stack.names.topic}: it drops every notification silently.`,
      hint: fix,
    };
  }
  return notInvoked(stack, 'the alarm, topic, subscription and permission');
}

/** The rule's way, after a wait without delivery: the rule's target, EventBridge's permission. */
async function diagnoseRule(stack: StackContext): Promise<Stop> {
  const [rule, permissions] = await Promise.all([findRule(stack), findPermissions(stack)]);
  const fix = `Re-run ${initCommand(stack, '--every-alarm')} to restore it.`;
  if (!rule) return { stoppedAt: 'rule', error: `The rule ${stack.names.rule} does not exist.`, hint: fix };
  if (!rule.targets.some((t) => t.arn === stack.arns.functionArn))
    return {
      stoppedAt: 'rule-target',
      error: `The rule ${stack.names.rule} does not target ${stack.names.functionName}: the events go nowhere.`,
      hint: fix,
    };
  if (permissionVerdict(permissions, eventsPermissionSpec(stack, rule.arn), stack.account) === 'missing')
    return {
      stoppedAt: 'permission',
      error: `EventBridge is not allowed to invoke ${stack.names.functionName} from ${stack.names.rule}: it drops every event.`,
      hint: fix,
    };
  return notInvoked(stack, 'the rule, its target and the permission');
}

export function diagnose(stack: StackContext, route: Route): Promise<Stop> {
  return route.through === 'sns' ? diagnoseSns(stack) : diagnoseRule(stack);
}
