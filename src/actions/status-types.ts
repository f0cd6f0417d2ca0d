/**
 * The shapes of `status`: what was found, one row per resource, one problem per thing that is wrong
 * (with the command that fixes it), and the check of one resource. Shared by every status check.
 */
import type { FunctionMetrics } from '../aws/metrics.js';
import { STACK_TAG } from '../names.js';
import { ownership, type StackContext, type Tags } from '../resources/context.js';
import type { StackFound } from './discover-stack.js';
import { initCommand } from './hints.js';

export interface StatusFound extends StackFound {
  /** undefined when CloudWatch metrics could not be read. */
  metrics: FunctionMetrics | undefined;
  /** The age of the oldest undelivered alert (SQS's ApproximateAgeOfOldestMessage); undefined: unknown. */
  queueAgeSeconds: number | undefined;
}

export interface StatusRow {
  resource: string;
  name: string;
  present: boolean;
  healthy: boolean;
  /** One line for the human table. */
  summary: string;
  details: Record<string, unknown>;
}

export interface Problem {
  resource: string;
  problem: string;
  fix: string;
}

export interface CheckResult {
  rows: StatusRow[];
  problems: Problem[];
}

/** The check of one resource: pure, from what AWS said. */
export type StatusCheck = (stack: StackContext, found: StatusFound) => CheckResult;

export const short = (arn: string) => arn.split(':').pop() ?? arn;

export function owner(tags: Tags, stack: string): { note: string; owner: string | null } {
  const own = ownership(tags, stack);
  if (own === 'ours') return { note: '', owner: stack };
  if (own === 'other-stack')
    return {
      note: ` (tagged for stack ${tags[STACK_TAG]}: teardown skips it)`,
      owner: tags[STACK_TAG] ?? null,
    };
  return { note: ' (not tagged for this stack: teardown skips it)', owner: null };
}

/**
 * What a check writes with: a row; a problem (fixed by re-running init unless another fix is given); a
 * missing resource (a row, and a problem when it counts: one that cannot exist without a missing parent
 * does not, since the parent's absence is the problem reported).
 */
export function collector(stack: StackContext) {
  const result: CheckResult = { rows: [], problems: [] };
  const init = initCommand(stack);
  const row = (r: StatusRow) => {
    result.rows.push(r);
  };
  const problem = (resource: string, text: string, fix = init) => {
    result.problems.push({ resource, problem: text, fix });
  };
  const missing = (resource: string, name: string, why: string, counts = true) => {
    row({
      resource,
      name,
      present: false,
      healthy: !counts,
      summary: counts ? 'missing' : `missing (${why})`,
      details: {},
    });
    if (counts) problem(resource, `${name} is missing: ${why}`);
  };
  return { result, row, problem, missing };
}
