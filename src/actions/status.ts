/**
 * `alarm-to-slack status`: every lookup at once (one round trip after the caller's identity, two for
 * the key), then the checks of ./status-checks.ts.
 */
import { type FunctionMetrics, functionMetrics, queueAgeSeconds } from '../aws/metrics.js';
import { awsMessage } from '../errors.js';
import type { IO, Style } from '../io/types.js';
import type { StackContext } from '../resources/context.js';
import { discoverStack } from './discover-stack.js';
import { initCommand } from './hints.js';
import { evaluate } from './status-checks.js';
import type { Problem, StatusFound, StatusRow } from './status-types.js';
import { table } from './table.js';

interface StatusReport {
  ok: boolean;
  rows: StatusRow[];
  problems: Problem[];
  metrics: FunctionMetrics | undefined;
}

export async function gather(stack: StackContext, io: IO): Promise<StatusFound> {
  const now = stack.clock.now();
  const unread = (what: string) => (error: unknown) => {
    io.progress.warn(`Could not read ${what}: ${awsMessage(error)}`);
    return undefined;
  };
  const [found, metrics, queueAge] = await Promise.all([
    discoverStack(stack, { connected: true }),
    functionMetrics(stack.clients, stack.names.functionName, now).catch(unread("the function's metrics")),
    queueAgeSeconds(stack.clients, stack.names.queue, now).catch(unread("the queue's age")),
  ]);
  return { ...found, metrics, queueAgeSeconds: queueAge };
}

export async function stackStatus(stack: StackContext, io: IO): Promise<StatusReport> {
  const found = await gather(stack, io);
  const { rows, problems } = evaluate(stack, found);
  const optional = new Set(['CloudWatch alarm', 'EventBridge rule', 'Connected alarms']);
  const required = rows.filter((r) => !optional.has(r.resource));
  if (required.every((r) => !r.present)) {
    // Nothing there at all: one problem, not one per resource.
    return {
      ok: false,
      rows,
      problems: [
        {
          resource: 'stack',
          problem: `no resource of the stack ${stack.names.stack} exists in ${stack.region}.`,
          fix: initCommand(stack),
        },
      ],
      metrics: found.metrics,
    };
  }
  return { ok: problems.length === 0, rows, problems, metrics: found.metrics };
}

export function statusText(style: Style, stack: StackContext, account: string, report: StatusReport): string {
  const mark = (r: StatusRow) =>
    !r.present && r.healthy ? style.dim('-') : r.healthy ? style.ok('✔') : style.fail('✖');
  const lines = [
    `Stack ${style.bold(stack.names.stack)} in ${stack.region} (account ${account})`,
    table(
      report.rows.map((r) => [`${mark(r)} ${r.resource}`, r.name, r.summary]),
      { width: style.width },
    ),
  ];
  const m = report.metrics;
  lines.push(
    m
      ? `  Last 24 h: ${m.invocations} invocation(s), ${m.errors} error(s)`
      : '  Last 24 h: metrics unavailable',
  );
  if (report.problems.length === 0) {
    lines.push('', style.ok('Everything is present and healthy.'));
  } else {
    lines.push('', `${report.problems.length} problem(s):`);
    for (const p of report.problems) {
      lines.push(`  ${style.fail('✖')} ${p.resource}: ${p.problem}`, `    fix: ${style.code(p.fix)}`);
    }
  }
  return lines.join('\n');
}

export function statusJson(stack: StackContext, account: string, report: StatusReport) {
  return {
    ok: report.ok,
    stack: stack.names.stack,
    region: stack.region,
    account,
    resources: report.rows.map((r) => ({
      resource: r.resource,
      name: r.name,
      present: r.present,
      healthy: r.healthy,
      details: r.details,
    })),
    problems: report.problems,
    metrics: report.metrics
      ? { invocations: report.metrics.invocations, errors: report.metrics.errors }
      : null,
  };
}
