import type { RunningInstance } from '../../aws/instances.js';
import { instanceLabel } from '../../aws/instances.js';
import type { Asker, Choice } from '../../io/types.js';
import { validateInstanceId } from '../../validate.js';

/** Everything `init` needs to know from the user, resolved and validated (flag → env → prompt → default). */
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

export const TYPE_INSTANCE = 'type' as const;
export const NO_ALARM = 'none' as const;
export type InstancePick = string | typeof TYPE_INSTANCE | typeof NO_ALARM;

/** The select's choices: each running instance "i-… (Name)", then typing an id, then no alarm. */
export function instanceChoices(instances: RunningInstance[]): Choice<InstancePick>[] {
  return [
    ...instances.map((i) => ({
      name: instanceLabel(i),
      value: i.id,
      ...(i.type ? { description: i.type } : {}),
    })),
    { name: 'Type an instance id', value: TYPE_INSTANCE },
    { name: "No alarm (I'll use the topic in my own alarms)", value: NO_ALARM },
  ];
}

/**
 * Asks which instance the CPU alarm watches. Returns the instance id, or undefined for no alarm.
 * `instances` undefined means they could not be listed (the select then offers typing or no alarm).
 */
export async function askInstance(
  ask: Asker,
  instances: RunningInstance[] | undefined,
): Promise<string | undefined> {
  const list = instances ?? [];
  const pick = await ask.select<InstancePick>({
    message:
      list.length > 0
        ? 'Which EC2 instance should the CPU alarm watch?'
        : 'No running EC2 instances listed in this region. CPU alarm:',
    choices: instanceChoices(list),
    ...(list[0] ? { default: list[0].id } : {}),
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
