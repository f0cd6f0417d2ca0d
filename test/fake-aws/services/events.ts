import type { PutRuleRequest, PutTargetsRequest, RemoveTargetsRequest } from '@aws-sdk/client-eventbridge';
import { type Env, type Handlers, on, page, tagList, tagMap } from '../env.js';
import { awsError } from '../errors.js';
import type { RuleRecord } from '../types.js';

/**
 * EventBridge rules on the default bus (or a named one). PutRule replaces the whole rule ("If you omit
 * arguments in PutRule, the old values for those arguments are not kept") and applies Tags only on
 * creation; DeleteRule is refused while the rule has targets (ValidationException "Rule can't be
 * deleted since it has targets.", getmoto/moto#5056); a missing rule answers ResourceNotFoundException
 * "Rule <name> does not exist on EventBus <bus>." (turbot/steampipe-plugin-aws#1591). PutTargets allows
 * 5 targets per rule (LimitExceededException) and reports per-entry failures in FailedEntries.
 * State changes of alarms reach the rules whose pattern matches (source, detail-type, resources and
 * detail fields: a list of values or {prefix}), and their Lambda and SQS targets get the event.
 */
interface Event {
  source: string;
  'detail-type': string;
  resources: string[];
  detail: Record<string, unknown>;
}

function matches(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern))
    return pattern.some((p) =>
      p !== null && typeof p === 'object'
        ? 'prefix' in p &&
          typeof value === 'string' &&
          value.startsWith(String((p as { prefix: unknown }).prefix))
        : Array.isArray(value)
          ? value.includes(p)
          : p === value,
    );
  if (pattern !== null && typeof pattern === 'object') {
    if (value === null || typeof value !== 'object') return false;
    return Object.entries(pattern).every(([k, p]) => matches(p, (value as Record<string, unknown>)[k]));
  }
  return false;
}

export function eventsHandlers(env: Env): Handlers {
  const { state } = env;
  const ruleArn = (name: string, bus: string) =>
    env.arn('events', bus === 'default' ? `rule/${name}` : `rule/${bus}/${name}`);
  const rule = (name: string | undefined, bus = 'default'): RuleRecord => {
    const r = state.rules.get(name ?? '');
    if (!r || r.eventBusName !== bus)
      throw awsError(
        'ResourceNotFoundException',
        400,
        `Rule ${name ?? ''} does not exist on EventBus ${bus}.`,
      );
    return r;
  };
  const byArn = (arn: string | undefined) => {
    const [bus, name] = (arn?.split(':rule/')[1] ?? '').split('/');
    return name === undefined ? rule(bus) : rule(name, bus);
  };
  const view = (r: RuleRecord) => ({
    Name: r.name,
    Arn: r.arn,
    ...(r.eventPattern ? { EventPattern: r.eventPattern } : {}),
    ...(r.scheduleExpression ? { ScheduleExpression: r.scheduleExpression } : {}),
    State: r.state,
    ...(r.description ? { Description: r.description } : {}),
    ...(r.roleArn ? { RoleArn: r.roleArn } : {}),
    EventBusName: r.eventBusName,
    CreatedBy: env.account,
  });
  const setState = (next: RuleRecord['state']) =>
    on<{ Name?: string; EventBusName?: string }>(({ Name, EventBusName }) => {
      rule(Name, EventBusName).state = next;
      return {};
    });

  return {
    'eventbridge.PutRule': on<PutRuleRequest>((input) => {
      const bus = input.EventBusName ?? 'default';
      if (!input.EventPattern && !input.ScheduleExpression)
        throw awsError(
          'ValidationException',
          400,
          'Parameter(s) EventPattern or ScheduleExpression must be specified.',
        );
      if (input.EventPattern) {
        try {
          const parsed = JSON.parse(input.EventPattern) as unknown;
          if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
            throw new Error('not an object');
        } catch {
          throw awsError(
            'InvalidEventPatternException',
            400,
            'Event pattern is not valid. Reason: Filter is not an object',
          );
        }
      }
      const name = input.Name ?? '';
      const existing = state.rules.get(name);
      const r: RuleRecord = {
        name,
        arn: ruleArn(name, bus),
        eventBusName: bus,
        eventPattern: input.EventPattern,
        scheduleExpression: input.ScheduleExpression,
        state: input.State === 'DISABLED' ? 'DISABLED' : 'ENABLED',
        description: input.Description,
        roleArn: input.RoleArn,
        tags: existing ? existing.tags : tagMap(input.Tags),
        targets: existing?.targets ?? [],
      };
      state.rules.set(name, r);
      return { RuleArn: r.arn };
    }),
    'eventbridge.DescribeRule': on<{ Name?: string; EventBusName?: string }>(({ Name, EventBusName }) =>
      view(rule(Name, EventBusName)),
    ),
    'eventbridge.ListRules': on<{ NamePrefix?: string }>(({ NamePrefix }) => ({
      Rules: [...state.rules.values()].filter((r) => r.name.startsWith(NamePrefix ?? '')).map(view),
    })),
    'eventbridge.DeleteRule': on<{ Name?: string; EventBusName?: string }>(({ Name, EventBusName }) => {
      const r = state.rules.get(Name ?? '');
      if (!r || r.eventBusName !== (EventBusName ?? 'default')) return {};
      if (r.targets.length > 0)
        throw awsError('ValidationException', 400, "Rule can't be deleted since it has targets.");
      state.rules.delete(r.name);
      return {};
    }),
    'eventbridge.EnableRule': setState('ENABLED'),
    'eventbridge.DisableRule': setState('DISABLED'),
    'eventbridge.PutTargets': on<PutTargetsRequest>(({ Rule, EventBusName, Targets }) => {
      const r = rule(Rule, EventBusName);
      const FailedEntries: Array<{ TargetId: string | undefined; ErrorCode: string; ErrorMessage: string }> =
        [];
      const accepted = (Targets ?? []).filter((t) => {
        if (t.Id && /^[.\-_A-Za-z0-9]{1,64}$/.test(t.Id) && t.Arn?.startsWith('arn:')) return true;
        FailedEntries.push({
          TargetId: t.Id,
          ErrorCode: 'ValidationException',
          ErrorMessage: `Target ${t.Id ?? ''} has an invalid Id or Arn.`,
        });
        return false;
      });
      const ids = new Set([...r.targets.map((t) => t.Id), ...accepted.map((t) => t.Id)]);
      if (ids.size > 5)
        throw awsError(
          'LimitExceededException',
          400,
          'The requested resource exceeds the maximum number allowed.',
        );
      for (const t of accepted) {
        const target = {
          Id: t.Id ?? '',
          Arn: t.Arn ?? '',
          Input: t.Input,
          InputPath: t.InputPath,
          RoleArn: t.RoleArn,
        };
        r.targets = [...r.targets.filter((x) => x.Id !== t.Id), target];
      }
      return { FailedEntryCount: FailedEntries.length, FailedEntries };
    }),
    'eventbridge.RemoveTargets': on<RemoveTargetsRequest>(({ Rule, EventBusName, Ids }) => {
      const r = rule(Rule, EventBusName);
      r.targets = r.targets.filter((t) => !(Ids ?? []).includes(t.Id));
      return { FailedEntryCount: 0, FailedEntries: [] };
    }),
    'eventbridge.ListTargetsByRule': on<{
      Rule?: string;
      EventBusName?: string;
      NextToken?: string;
      Limit?: number;
    }>(({ Rule, EventBusName, NextToken, Limit }) => {
      const p = page(rule(Rule, EventBusName).targets, NextToken, Limit ?? 100);
      if (!p) throw awsError('ValidationException', 400, 'The NextToken is invalid.');
      const Targets = p.items.map((t) =>
        Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)),
      );
      return { Targets, ...(p.next ? { NextToken: p.next } : {}) };
    }),
    'eventbridge.ListTagsForResource': on<{ ResourceARN?: string }>(({ ResourceARN }) => ({
      Tags: tagList(byArn(ResourceARN).tags),
    })),
    'eventbridge.TagResource': on<{ ResourceARN?: string; Tags?: Array<{ Key?: string; Value?: string }> }>(
      ({ ResourceARN, Tags }) => {
        Object.assign(byArn(ResourceARN).tags, tagMap(Tags));
        return {};
      },
    ),
    'eventbridge.UntagResource': on<{ ResourceARN?: string; TagKeys?: string[] }>(
      ({ ResourceARN, TagKeys }) => {
        const r = byArn(ResourceARN);
        for (const k of TagKeys ?? []) delete r.tags[k];
        return {};
      },
    ),
    /** Internal (no SDK command has this name): an AWS service's event on the default bus. */
    'eventbridge.EmitAwsEvent': on<Event>(async (event) => {
      const full = {
        version: '0',
        id: env.uuid(),
        ...event,
        account: env.account,
        time: new Date(env.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: env.region,
      };
      for (const r of state.rules.values()) {
        if (r.state !== 'ENABLED' || r.eventBusName !== 'default' || !r.eventPattern) continue;
        if (!matches(JSON.parse(r.eventPattern), full)) continue;
        for (const t of r.targets) await deliver(env, r, t.Arn, t.Input ?? JSON.stringify(full));
      }
      return {};
    }),
  };
}

async function deliver(env: Env, r: RuleRecord, arn: string, body: string): Promise<void> {
  const service = arn.split(':')[2];
  if (service === 'lambda') {
    const fn = env.state.functions.get(arn.split(':function:').pop() ?? '');
    const allowed = fn?.statements.some(
      (s) =>
        'Service' in s.Principal &&
        s.Principal.Service === 'events.amazonaws.com' &&
        (s.Condition?.ArnLike?.['AWS:SourceArn'] ?? r.arn) === r.arn,
    );
    if (allowed)
      await env
        .call('lambda', 'Invoke', {
          FunctionName: arn,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(body),
        })
        .catch(() => undefined);
  } else if (service === 'sqs') {
    const q = env.state.queues.get(arn.split(':').pop() ?? '');
    if (q) await env.call('sqs', 'SendMessage', { QueueUrl: q.url, MessageBody: body });
  }
}
