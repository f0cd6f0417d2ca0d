/** Everything `init` needs to know from the user, resolved and validated (flag → env → prompt → default). */
import type { RunningInstance } from '../../aws/instances.js';
import { instanceLabel } from '../../aws/instances.js';
import type { Asker, Choice } from '../../io/types.js';
import { type AlarmFound, findAlarm } from '../../resources/alarm.js';
import type { StackContext } from '../../resources/context.js';
import { findFunction } from '../../resources/function.js';
import type { FunctionFound } from '../../resources/function-spec.js';
import { findRule, type RuleFound } from '../../resources/rule.js';
import type { AlarmEventFilter } from '../../resources/rule-pattern.js';
import { validateInstanceId } from '../../validate.js';

export interface AlarmAnswers {
  instanceId: string;
  threshold: number;
  period: number;
  evaluationPeriods: number;
}

export interface InitAnswers {
  name: string;
  /**
   * The Slack webhook URL (a credential: never printed). Undefined when not given on a non-interactive
   * run: the deployed ciphertext is then kept, and a first run stops with exit 2.
   */
  webhookUrl: string | undefined;
  /** Channel label; undefined keeps the deployed value (none on a first run); '' means none. */
  channel: string | undefined;
  /** Mention added to ALARM messages; undefined keeps the deployed value; '' means none. */
  mention: string | undefined;
  /** The CPU alarm; undefined with --no-alarm (an existing alarm is then left as it is). */
  alarm: AlarmAnswers | undefined;
  /**
   * --every-alarm: the every-alarm EventBridge rule's filter. Undefined: an existing rule of the stack is
   * kept (and brought in line) as it is, and none is created.
   */
  everyAlarm: AlarmEventFilter | undefined;
  /** The interactive answer "alarms picked from a list": init offers the picker at the end. */
  pickAlarms?: boolean;
  logRetentionDays: number;
  verifyWebhook: boolean;
  rollback: boolean;
  dryRun: boolean;
}

export const DEFAULTS = {
  threshold: '50',
  period: '60',
  evaluationPeriods: '1',
  logRetentionDays: '30',
} as const;

const TYPE_INSTANCE = 'type' as const;
const NO_ALARM = 'none' as const;
type InstancePick = string | typeof TYPE_INSTANCE | typeof NO_ALARM;

/** What is deployed, read once (at once) for the prompts' defaults on an interactive re-run. */
export interface Deployed {
  fn: FunctionFound | undefined;
  alarm: AlarmFound | undefined;
  rule: RuleFound | undefined;
}

export async function readDeployed(stack: StackContext): Promise<Deployed> {
  const [fn, alarm, rule] = await Promise.all([findFunction(stack), findAlarm(stack), findRule(stack)]);
  return { fn, alarm, rule };
}

/** Shown before the webhook prompt: where a URL comes from, and what happens to it (lines fit 80 columns). */
export const WEBHOOK_HELP = [
  'The incoming-webhook URL posts to one Slack channel. To get one, create an app:',
  'https://api.slack.com/apps → Incoming Webhooks → Add New Webhook to Workspace →',
  'pick the channel → copy the URL (https://api.slack.com/messaging/webhooks).',
  'It is stored only encrypted (KMS), never shown or written.',
].join('\n');

/** What should notify Slack (the interactive question; flags answer it on their own). */
export type NotifyChoice = 'cpu' | 'every' | 'pick' | 'none';

const NOTIFY_CHOICES: Choice<NotifyChoice>[] = [
  { name: "A new CPU alarm on an EC2 instance (the tutorial's)", value: 'cpu' },
  {
    name: 'Every alarm of the region, present and future',
    value: 'every',
    description: 'an EventBridge rule on alarm state changes: no alarm is changed, new alarms are covered',
  },
  {
    name: 'Alarms I pick from a list',
    value: 'pick',
    description: "the stack's topic is added to their actions (alarm-to-slack connect)",
  },
  { name: 'Nothing yet', value: 'none', description: 'connect alarms later with alarm-to-slack connect' },
];

export function askNotify(ask: Asker, current: NotifyChoice | undefined): Promise<NotifyChoice> {
  return ask.select({
    message: 'What should notify Slack?',
    choices: NOTIFY_CHOICES,
    ...(current ? { default: current } : {}),
  });
}

/** Typed at an optional text prompt (channel, mention) to clear a deployed value. */
const CLEAR = '-';

/** The answer of an optional text prompt: "-" clears, anything else is trimmed. */
export function parseOptionalText(raw: string): string {
  const text = raw.trim();
  return text === CLEAR ? '' : text;
}

/**
 * An optional text prompt (channel, mention): with a deployed value, an empty answer keeps it and "-"
 * clears it (the message says so); without one, empty means none.
 */
export function optionalTextPrompt(
  what: string,
  example: string,
  none: string,
  deployed: string | undefined,
): (ask: Asker) => Promise<string> {
  return (ask) =>
    deployed
      ? ask.input({
          message: `${what} (e.g. ${example}; empty keeps ${deployed}, "${CLEAR}" for ${none})`,
          default: deployed,
        })
      : ask.input({ message: `${what} (optional, e.g. ${example}; empty for ${none})` });
}

/**
 * The select's choices: the deployed alarm's instance first (also when it is not running now), then
 * each running instance "i-… (Name)", then typing an id, then no alarm.
 */
function instanceChoices(instances: RunningInstance[], current?: string): Choice<InstancePick>[] {
  const listed = instances.find((i) => i.id === current);
  const rest = instances.filter((i) => i.id !== current);
  const choice = (i: RunningInstance) => ({
    name: instanceLabel(i),
    value: i.id,
    ...(i.type ? { description: i.type } : {}),
  });
  const first: Choice<InstancePick>[] = listed
    ? [{ ...choice(listed), description: 'watched by the current alarm' }]
    : current
      ? [{ name: current, value: current, description: 'watched by the current alarm (not running now)' }]
      : [];
  return [
    ...first,
    ...rest.map(choice),
    { name: 'Type an instance id', value: TYPE_INSTANCE },
    { name: "No alarm (I'll use the topic in my own alarms)", value: NO_ALARM },
  ];
}

/**
 * Asks which instance the CPU alarm watches. Returns the instance id, or undefined for no alarm.
 * `instances` undefined means they could not be listed (the select then offers typing or no alarm);
 * `current`, the deployed alarm's instance, comes first and is the default.
 */
export async function askInstance(
  ask: Asker,
  instances: RunningInstance[] | undefined,
  current?: string,
): Promise<string | undefined> {
  const list = instances ?? [];
  const choices = instanceChoices(list, current);
  const preferred = current ?? list[0]?.id;
  const pick = await ask.select<InstancePick>({
    message:
      list.length > 0 || current
        ? 'Which EC2 instance should the CPU alarm watch?'
        : 'No running EC2 instances listed in this region. CPU alarm:',
    choices,
    ...(preferred ? { default: preferred } : {}),
  });
  if (pick === NO_ALARM) return undefined;
  if (pick === TYPE_INSTANCE) {
    const typed = await ask.input({
      message: 'Instance id (i-…)',
      validate: (raw) => {
        try {
          validateInstanceId(raw);
          return true;
        } catch (error) {
          return error instanceof Error ? error.message : String(error);
        }
      },
    });
    return validateInstanceId(typed);
  }
  return validateInstanceId(pick);
}
