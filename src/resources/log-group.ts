import type { Ensured, PlanItem, StackContext, Tags } from './context.js';

/** Log group `/aws/lambda/<name>-lambda` with a retention. CONTRACT STUB. */
export interface LogGroupFound {
  name: string;
  arn: string;
  retentionDays: number | undefined;
  tags: Tags;
}

export async function findLogGroup(_ctx: StackContext): Promise<LogGroupFound | undefined> {
  throw new Error('not implemented');
}

export function planLogGroup(
  _ctx: StackContext,
  _found: LogGroupFound | undefined,
  _retentionDays: number,
): PlanItem {
  throw new Error('not implemented');
}

export async function ensureLogGroup(
  _ctx: StackContext,
  _found: LogGroupFound | undefined,
  _retentionDays: number,
): Promise<Ensured<{ name: string; arn: string }>> {
  throw new Error('not implemented');
}

export async function removeLogGroup(_ctx: StackContext): Promise<void> {
  throw new Error('not implemented');
}
