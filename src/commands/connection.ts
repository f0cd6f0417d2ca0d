/** What `connect` and `disconnect` share: the alarm names given, and the exit code of their outcome. */
import type { ConnectionReport } from '../actions/connect-report.js';
import type { EveryAlarmReport } from '../actions/every-alarm.js';
import { cliCommand } from '../actions/hints.js';
import { CliError, InterruptedError, UsageError } from '../errors.js';
import type { StackContext } from '../resources/context.js';

export interface SelectOptions {
  /** The positional alarm names. */
  alarms?: string[];
  all?: boolean;
  dryRun?: boolean;
}

/** CloudWatch alarm names: 1 to 255 characters. */
const MAX_NAME = 255;

export function alarmNames(given: string[] | undefined): string[] {
  const names = (given ?? []).map((n) => n.trim());
  const bad = names.find((n) => n === '' || n.length > MAX_NAME);
  if (bad !== undefined) throw new UsageError(`"${bad}" is not an alarm name (1 to ${MAX_NAME} characters).`);
  return names;
}

/** After the result: exit 130 when interrupted, 1 when an alarm (or a step) failed. */
export function failIfNotOk(stack: StackContext, report: ConnectionReport | EveryAlarmReport): void {
  if (report.interrupted)
    throw new InterruptedError(
      'Interrupted: the alarms not yet changed were left as they are; re-run to finish.',
    );
  if ('failed' in report) {
    if (report.failed.length === 0) return;
    const verb = report.direction === 'connect' ? 'connected' : 'disconnected';
    const names = report.failed.map((f) => f.alarm).join(', ');
    throw new CliError(
      `${report.failed.length} of ${report.chosen} alarm(s) ${report.dryRun ? 'cannot be' : 'could not be'} ${verb}: ${names}.`,
    );
  }
  if (!report.ok)
    throw new CliError(`${report.direction} --every-alarm failed at ${report.error ?? 'a step'}`, {
      hint: `Fix the cause and re-run \`${cliCommand(stack, report.direction, '--every-alarm')}\`.`,
    });
}
