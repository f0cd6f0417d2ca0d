/**
 * `connect --every-alarm` and `disconnect --every-alarm`: the EventBridge rule `<name>-alarm-events` that
 * sends every alarm state change of the region (or of a name prefix) to the function, without touching
 * any alarm. connect runs init's own steps (alarm-events-steps.ts), after holding the function's filter to
 * what the rule delivers both before and after the change; disconnect goes the other way round: the
 * function's filter first (so the SNS path posts again), then the rule's targets and the rule, then the
 * events permission. Either way the notifier never skips an SNS copy that the rule does not deliver.
 */
import { CancelledError, CliError, UsageError } from '../errors.js';
import type { IO, Progress } from '../io/types.js';
import { filterEnvValue } from '../resources/alarm-events-filter.js';
import { ownership, type PlanItem, type StackContext } from '../resources/context.js';
import { ensureFunctionEnvironment, findFunction } from '../resources/function.js';
import { type FunctionFound, foundEnvironment } from '../resources/function-spec.js';
import { eventsPermissionSpec, findPermissions, removePermission } from '../resources/permission.js';
import { findRule, removeRule } from '../resources/rule.js';
import { type AlarmEventFilter, describeFilter } from '../resources/rule-pattern.js';
import { runSteps, StepPlan } from '../steps/runner.js';
import {
  ALARM_EVENT_STEP,
  type AlarmEventsFound,
  alarmEventsPlan,
  environmentFilters,
  stepDone,
  withAlarmEventSteps,
} from './alarm-events-steps.js';
import { initCommand } from './hints.js';
import { planTable } from './init/plan.js';

interface EveryAlarmRequest {
  dryRun: boolean;
  yes: boolean;
}

export interface EveryAlarmReport {
  direction: 'connect' | 'disconnect';
  /** connect: what the rule lets through. */
  filter?: AlarmEventFilter;
  dryRun: boolean;
  plan: PlanItem[];
  /** The steps run ([] with a dry run or nothing to do). */
  steps: Array<{ id: string; title: string; status: string; error?: string }>;
  ok: boolean;
  /** The failing step's error, when not ok. */
  error?: string;
  undone: string[];
  interrupted: boolean;
}

const FILTER_RESOURCE = 'Function filter';

/** The function's `alarmEventsFilter` in words: "states ALARM, OK, prefix prod-", or "(none)". */
function filterWords(value: string | undefined): string {
  if (!value) return '(none)';
  try {
    const parsed = JSON.parse(value) as AlarmEventFilter;
    return Array.isArray(parsed.states) ? describeFilter(parsed) : value;
  } catch {
    return value;
  }
}

function filterItem(stack: StackContext, current: string | undefined, next: string): PlanItem {
  const item = { resource: FILTER_RESOURCE, name: `${stack.names.functionName} alarmEventsFilter` };
  if ((current ?? '') === next) return { ...item, action: 'unchanged' };
  return { ...item, action: 'update', changes: [`${filterWords(current)} → ${filterWords(next)}`] };
}

async function findAll(stack: StackContext): Promise<AlarmEventsFound & { fn: FunctionFound | undefined }> {
  const [fn, rule, permissions] = await Promise.all([
    findFunction(stack),
    findRule(stack),
    findPermissions(stack),
  ]);
  return { fn, rule, permissions };
}

function showPlan(io: IO, stack: StackContext, plan: PlanItem[]): void {
  io.progress.info(
    `Plan for the every-alarm rule in ${stack.region} (stack ${stack.names.stack}):\n${planTable(plan, io.style)}`,
  );
}

async function confirm(io: IO, request: EveryAlarmRequest, what: string): Promise<void> {
  if (request.yes) return;
  if (!io.interactive)
    throw new UsageError(
      `${what}: pass --yes to confirm when not running interactively. Nothing was changed.`,
    );
  if (!(await io.ask.confirm({ message: `${what}?`, default: true }))) throw new CancelledError();
}

type RunReport = Awaited<ReturnType<typeof runSteps>>;

/** Step lines that say "removed" rather than the runner's "updated, removed". */
function removalProgress(progress: Progress): Progress {
  return {
    start: (id, title) => progress.start(id, title),
    done: (id, outcome) => progress.done(id, { ...outcome, text: outcome.text.replace(/^updated, /, '') }),
    info: (m) => progress.info(m),
    warn: (m) => progress.warn(m),
    debug: (m) => progress.debug(m),
  };
}

function finish(base: Omit<EveryAlarmReport, 'steps' | 'ok' | 'undone' | 'interrupted'>, run?: RunReport) {
  const report: EveryAlarmReport = {
    ...base,
    steps: (run?.steps ?? []).map((s) => ({
      id: s.id,
      title: s.title,
      status: s.status,
      ...(s.error ? { error: s.error } : {}),
    })),
    ok: run ? run.ok : true,
    undone: (run?.undone ?? []).filter((u) => u.ok).map((u) => u.title),
    interrupted: run?.interrupted ?? false,
  };
  const failure = run?.steps.find((s) => s.status === 'failed');
  if (failure?.error) report.error = `${failure.title}: ${failure.error}`;
  return report;
}

/**
 * The rule with `filter`, its target and permission, then the function's filter, through the step runner
 * (what this run changed is undone if a step fails). Needs the function (exit 1, run init first).
 */
export async function connectEveryAlarm(
  io: IO,
  stack: StackContext,
  filter: AlarmEventFilter,
  request: EveryAlarmRequest,
): Promise<EveryAlarmReport> {
  const found = await findAll(stack);
  const fn = found.fn;
  if (!fn)
    throw new CliError(
      `There is no function ${stack.names.functionName} in ${stack.region} for the rule to deliver to: run init first. Nothing was changed.`,
      { hint: `\`${initCommand(stack, '--every-alarm')}\` sets up the stack with the rule.` },
    );
  const filters = environmentFilters(stack, found, filter);
  const plan = [
    ...alarmEventsPlan(stack, found, filter),
    filterItem(stack, fn.environment.alarmEventsFilter, filterEnvValue(filters.final)),
  ];
  const base = { direction: 'connect' as const, filter, dryRun: request.dryRun, plan };
  if (request.dryRun || plan.every((p) => p.action === 'unchanged')) return finish(base);
  showPlan(io, stack, plan);
  await confirm(io, request, `Create or update the rule ${stack.names.rule} (${describeFilter(filter)})`);

  const env = foundEnvironment(fn.environment);
  const steps = withAlarmEventSteps(
    StepPlan.empty().add('function', {
      // What the rule delivers both before and after the change: nothing is skipped that it stops delivering.
      title: `${stack.names.functionName}'s filter while the rule changes`,
      run: async () =>
        stepDone(
          await ensureFunctionEnvironment(stack, env, {
            ...env,
            alarmEventsFilter: filterEnvValue(filters.interim),
          }),
        ),
    }),
    stack,
    found,
    filter,
  );
  const run = await steps.run({
    progress: io.progress,
    clock: stack.clock,
    ...(stack.signal ? { signal: stack.signal } : {}),
  });
  return finish(base, run);
}

/**
 * The function's filter set to none first, then RemoveTargets and DeleteRule, then RemovePermission:
 * each waits for the one before and a failure stops the rest (no rollback: putting the filter back while
 * the rule is half gone would skip SNS copies nobody delivers). A rule tagged for another stack is refused.
 */
export async function disconnectEveryAlarm(
  io: IO,
  stack: StackContext,
  request: EveryAlarmRequest,
): Promise<EveryAlarmReport> {
  const found = await findAll(stack);
  const { fn, rule } = found;
  const n = stack.names;
  if (rule && ownership(rule.tags, n.stack) === 'other-stack')
    throw new CliError(
      `The rule ${n.rule} is tagged for another stack; it was left as it is. Nothing was changed.`,
    );
  const sid = eventsPermissionSpec(stack).sid;
  const permitted = found.permissions.some((p) => p.sid === sid);
  const plan: PlanItem[] = [];
  if (fn) plan.push(filterItem(stack, fn.environment.alarmEventsFilter, ''));
  if (rule)
    plan.push({
      resource: 'EventBridge rule',
      name: n.rule,
      action: 'remove',
      changes: [`with its ${rule.targets.length} target(s)`],
    });
  if (permitted) plan.push({ resource: 'Lambda permission', name: sid, action: 'remove' });
  const base = { direction: 'disconnect' as const, dryRun: request.dryRun, plan };
  if (request.dryRun || plan.every((p) => p.action === 'unchanged')) return finish(base);
  showPlan(io, stack, plan);
  await confirm(io, request, `Remove the rule ${n.rule} and stop sending every alarm to Slack`);

  const env = fn ? foundEnvironment(fn.environment) : undefined;
  const run = await runSteps(
    [
      ...(env
        ? [
            {
              id: ALARM_EVENT_STEP.filter,
              title: `${n.functionName}'s filter (the SNS path posts every alarm again)`,
              run: async () =>
                stepDone(await ensureFunctionEnvironment(stack, env, { ...env, alarmEventsFilter: '' })),
            },
          ]
        : []),
      {
        id: ALARM_EVENT_STEP.rule,
        title: `EventBridge rule ${n.rule} and its targets`,
        needs: env ? [ALARM_EVENT_STEP.filter] : [],
        run: async () => {
          if (!rule) return { status: 'unchanged' as const };
          await removeRule(stack);
          return { status: 'updated' as const, detail: 'removed' };
        },
      },
      {
        id: ALARM_EVENT_STEP.permission,
        title: `Lambda permission ${sid}`,
        needs: [ALARM_EVENT_STEP.rule],
        run: async () => {
          if (!permitted) return { status: 'unchanged' as const };
          await removePermission(stack, sid);
          return { status: 'updated' as const, detail: 'removed' };
        },
      },
    ],
    {
      progress: removalProgress(io.progress),
      clock: stack.clock,
      rollback: false,
      ...(stack.signal ? { signal: stack.signal } : {}),
    },
  );
  return finish(base, run);
}
