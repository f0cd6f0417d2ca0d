/**
 * The every-alarm rule: found in one round trip, planned with readable changes, created with its tag,
 * updated only when it means something else (PutRule ignores tags on an update: TagResource), and every
 * write undone exactly.
 */
import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  RemoveTargetsCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { leftBehindBy } from '../../src/resources/cleanup.js';
import { ensureRule, findRule, planRule } from '../../src/resources/rule.js';
import { mockAws, testStackContext } from '../helpers/aws.js';
import { awsError, inFlight } from './fakes.js';
import {
  DESCRIPTION,
  foundRule,
  otherTarget,
  ourTarget,
  PATTERN,
  QUEUE_ARN,
  RULE,
  RULE_ARN,
  TAG,
} from './rule-fixtures.js';

const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

/** EventBridge's answer for a rule that does not exist (HTTP 400, not 404). */
const NO_RULE = `Rule ${RULE} does not exist on EventBus default.`;
const noRule = () => awsError('ResourceNotFoundException', 400, NO_RULE);
/** The commands sent, by name and input, in order. */
const sent = () => mocks.calls().map(([, name, input]) => [name.replace(/Command$/, ''), input]);
const ALARM_OK = { states: ['OK' as const, 'ALARM' as const] };

describe('findRule', () => {
  it('describes the rule, lists every page of targets and its tags, at once', async () => {
    const flight = inFlight();
    const pages: unknown[] = [];
    mocks.eventbridge.on(DescribeRuleCommand).callsFake(
      flight.slow({
        Name: RULE,
        Arn: RULE_ARN,
        EventPattern: PATTERN,
        State: 'ENABLED',
        Description: DESCRIPTION,
        EventBusName: 'default',
      }),
    );
    mocks.eventbridge.on(ListTargetsByRuleCommand).callsFake(async (input: { NextToken?: string }) => {
      pages.push({ ...input });
      if (input.NextToken) return { Targets: [otherTarget.raw] };
      return flight.slow({ Targets: [ourTarget.raw], NextToken: 'page-2' })();
    });
    mocks.eventbridge
      .on(ListTagsForResourceCommand)
      .callsFake(flight.slow({ Tags: [{ Key: TAG, Value: 'mission' }] }));
    const { ctx } = testStackContext();
    expect(await findRule(ctx)).toEqual(foundRule({ targets: [ourTarget, otherTarget] }));
    expect(flight.max).toBe(3); // one round trip (then the second page of targets)
    expect(mocks.eventbridge.commandCalls(DescribeRuleCommand)[0]?.args[0].input).toEqual({ Name: RULE });
    expect(pages).toEqual([{ Rule: RULE }, { Rule: RULE, NextToken: 'page-2' }]);
    expect(mocks.eventbridge.commandCalls(ListTagsForResourceCommand)[0]?.args[0].input).toEqual({
      ResourceARN: RULE_ARN,
    });
  });

  it('reads no filter from a pattern of another shape, but keeps the pattern as it is', async () => {
    const pattern = '{"source":["aws.cloudwatch"]}';
    mocks.eventbridge.on(DescribeRuleCommand).resolves({ Name: RULE, Arn: RULE_ARN, EventPattern: pattern });
    mocks.eventbridge.on(ListTargetsByRuleCommand).resolves({});
    mocks.eventbridge.on(ListTagsForResourceCommand).resolves({});
    const { ctx } = testStackContext();
    expect(await findRule(ctx)).toMatchObject({
      eventPattern: pattern,
      filter: undefined,
      targets: [],
      tags: {},
    });
  });

  it('is undefined when EventBridge says the rule does not exist', async () => {
    mocks.eventbridge.on(DescribeRuleCommand).rejects(noRule());
    mocks.eventbridge.on(ListTargetsByRuleCommand).rejects(noRule());
    mocks.eventbridge.on(ListTagsForResourceCommand).rejects(noRule());
    const { ctx } = testStackContext();
    expect(await findRule(ctx)).toBeUndefined();
  });

  it('surfaces AccessDenied from any of the three calls', async () => {
    mocks.eventbridge.on(DescribeRuleCommand).resolves({ Name: RULE, Arn: RULE_ARN, EventPattern: PATTERN });
    mocks.eventbridge.on(ListTargetsByRuleCommand).resolves({ Targets: [] });
    mocks.eventbridge
      .on(ListTagsForResourceCommand)
      .rejects(
        awsError('AccessDeniedException', 400, 'not authorized to perform: events:ListTagsForResource'),
      );
    const { ctx } = testStackContext();
    await expect(findRule(ctx)).rejects.toThrow('events:ListTagsForResource');
  });
});

describe('planRule', () => {
  const rule = { resource: 'EventBridge rule', name: RULE };
  const target = { resource: 'EventBridge target', name: `${RULE} → mission-lambda` };

  it('creates the rule and its target when there is none', () => {
    const { ctx } = testStackContext();
    expect(planRule(ctx, undefined, { states: ['ALARM'], prefix: 'prod-' })).toEqual([
      { ...rule, action: 'create', changes: ['states ALARM, prefix prod-'] },
      { ...target, action: 'create', changes: ['target added'] },
    ]);
  });

  it('is unchanged for the same rule, however its pattern is written', () => {
    const { ctx } = testStackContext();
    const spaced = JSON.stringify(JSON.parse(PATTERN.replace('"ALARM","OK"', '"OK","ALARM"')), null, 2);
    expect(planRule(ctx, foundRule({ eventPattern: spaced }), ALARM_OK)).toEqual([
      { ...rule, action: 'unchanged' },
      { ...target, action: 'unchanged' },
    ]);
    // Another target (a queue someone added) is named, and changes nothing.
    expect(planRule(ctx, foundRule({ targets: [otherTarget, ourTarget] }), ALARM_OK)[1]).toEqual({
      ...target,
      action: 'unchanged',
      changes: ['other targets left as they are: audit'],
    });
  });

  it('says what changes: states, prefix, state, description, tag; and names targets it leaves alone', () => {
    const { ctx } = testStackContext();
    const found = foundRule({
      state: 'DISABLED',
      description: 'made by hand',
      tags: {},
      targets: [{ ...ourTarget, arn: QUEUE_ARN, raw: { Id: 'mission-lambda', Arn: QUEUE_ARN } }, otherTarget],
    });
    expect(planRule(ctx, found, { states: ['ALARM'], prefix: 'prod-' })).toEqual([
      {
        ...rule,
        action: 'update',
        changes: [
          'states ALARM, OK → ALARM',
          'prefix (none) → prod-',
          'disabled → enabled',
          'description updated',
          `add tag ${TAG}=mission`,
        ],
      },
      {
        ...target,
        action: 'update',
        changes: [`target ${QUEUE_ARN} → mission-lambda`, 'other targets left as they are: audit'],
      },
    ]);
  });

  it('adds our target next to others, and warns about a rule of another stack', () => {
    const { ctx } = testStackContext();
    const found = foundRule({ tags: { [TAG]: 'other' }, targets: [otherTarget] });
    expect(planRule(ctx, found, ALARM_OK)).toEqual([
      {
        ...rule,
        action: 'unchanged',
        changes: ['tagged for stack other: teardown of this stack will skip it'],
      },
      { ...target, action: 'create', changes: ['target added', 'other targets left as they are: audit'] },
    ]);
  });
});

describe('ensureRule', () => {
  it('creates the rule with its pattern, ENABLED, a description and the stack tag; undo removes targets, then it', async () => {
    mocks.eventbridge.on(PutRuleCommand).resolves({ RuleArn: RULE_ARN });
    mocks.eventbridge.on(ListTargetsByRuleCommand).resolves({ Targets: [ourTarget.raw] });
    mocks.eventbridge.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0, FailedEntries: [] });
    mocks.eventbridge.on(DeleteRuleCommand).resolves({});
    const { ctx } = testStackContext();
    const result = await ensureRule(ctx, undefined, { states: ['OK', 'ALARM'], prefix: 'prod-' });
    expect(result).toMatchObject({ change: 'created', value: { arn: RULE_ARN } });
    const input = mocks.eventbridge.commandCalls(PutRuleCommand)[0]?.args[0].input;
    expect(input).toEqual({
      Name: RULE,
      EventPattern:
        '{"source":["aws.cloudwatch"],"detail-type":["CloudWatch Alarm State Change"],"detail":{"state":{"value":["ALARM","OK"]},"alarmName":[{"prefix":"prod-"}]}}',
      State: 'ENABLED',
      Description: DESCRIPTION,
      Tags: [{ Key: TAG, Value: 'mission' }],
    });
    expect(JSON.parse(String(input?.EventPattern))).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: { state: { value: ['ALARM', 'OK'] }, alarmName: [{ prefix: 'prod-' }] },
    });
    mocks.eventbridge.resetHistory();
    await result.undo?.();
    expect(sent()).toEqual([
      ['ListTargetsByRule', { Rule: RULE }],
      ['RemoveTargets', { Rule: RULE, Ids: ['mission-lambda'] }],
      ['DeleteRule', { Name: RULE }],
    ]);
  });

  it('makes no call when the rule means the same (the text may differ)', async () => {
    const { ctx } = testStackContext();
    const spaced = PATTERN.replace('"ALARM","OK"', '"OK", "ALARM"');
    expect(await ensureRule(ctx, foundRule({ eventPattern: spaced }), ALARM_OK)).toEqual({
      change: 'unchanged',
      value: { arn: RULE_ARN },
    });
    expect(sent()).toEqual([]);
  });

  it('rewrites a changed rule without Tags (PutRule ignores them on an update); undo puts every field back', async () => {
    mocks.eventbridge.on(PutRuleCommand).resolves({ RuleArn: RULE_ARN });
    const { ctx } = testStackContext();
    const found = foundRule({ state: 'DISABLED', description: 'by hand' });
    const old = {
      ...found,
      raw: { ...found.raw, ScheduleExpression: 'rate(5 minutes)', RoleArn: 'arn:aws:iam::1:role/r' },
    };
    const result = await ensureRule(ctx, old, { states: ['ALARM'] });
    expect(result.change).toBe('updated');
    expect(sent()).toEqual([
      [
        'PutRule',
        {
          Name: RULE,
          EventPattern:
            '{"source":["aws.cloudwatch"],"detail-type":["CloudWatch Alarm State Change"],"detail":{"state":{"value":["ALARM"]}}}',
          State: 'ENABLED',
          Description: DESCRIPTION,
        },
      ],
    ]);
    mocks.eventbridge.resetHistory();
    await result.undo?.();
    expect(sent()).toEqual([
      [
        'PutRule',
        {
          Name: RULE,
          EventPattern: PATTERN,
          ScheduleExpression: 'rate(5 minutes)',
          State: 'DISABLED',
          Description: 'by hand',
          RoleArn: 'arn:aws:iam::1:role/r',
        },
      ],
    ]);
  });

  it('tags an untagged rule (TagResource) after the PutRule, and the undo reverses both', async () => {
    mocks.eventbridge.on(PutRuleCommand).resolves({ RuleArn: RULE_ARN });
    mocks.eventbridge.on(TagResourceCommand).resolves({});
    mocks.eventbridge.on(UntagResourceCommand).resolves({});
    const { ctx } = testStackContext();
    const result = await ensureRule(ctx, foundRule({ tags: { team: 'ops' }, state: 'DISABLED' }), ALARM_OK);
    expect(sent().map(([name]) => name)).toEqual(['PutRule', 'TagResource']);
    expect(sent()[1]).toEqual([
      'TagResource',
      { ResourceARN: RULE_ARN, Tags: [{ Key: TAG, Value: 'mission' }] },
    ]);
    mocks.eventbridge.resetHistory();
    await result.undo?.();
    expect(sent()).toEqual([
      ['UntagResource', { ResourceARN: RULE_ARN, TagKeys: [TAG] }],
      ['PutRule', { Name: RULE, EventPattern: PATTERN, State: 'DISABLED', Description: DESCRIPTION }],
    ]);
  });

  it('a failing TagResource reverts the PutRule made before it, or says what is left when that fails too', async () => {
    mocks.eventbridge.on(PutRuleCommand).resolves({ RuleArn: RULE_ARN });
    mocks.eventbridge
      .on(TagResourceCommand)
      .rejects(awsError('AccessDeniedException', 400, 'no events:TagResource'));
    const { ctx } = testStackContext();
    const found = foundRule({ tags: {}, state: 'DISABLED' });
    await expect(ensureRule(ctx, found, ALARM_OK)).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    expect(mocks.eventbridge.commandCalls(PutRuleCommand).map((c) => c.args[0].input.State)).toEqual([
      'ENABLED',
      'DISABLED',
    ]);
    mocks.eventbridge.reset();
    mocks.eventbridge
      .on(PutRuleCommand)
      .resolvesOnce({ RuleArn: RULE_ARN })
      .rejects(awsError('ConcurrentModificationException', 400, 'concurrent'));
    mocks.eventbridge
      .on(TagResourceCommand)
      .rejects(awsError('AccessDeniedException', 400, 'no events:TagResource'));
    const error = await ensureRule(ctx, found, ALARM_OK).catch((e: unknown) => e);
    expect(leftBehindBy(error)).toEqual([`EventBridge rule ${RULE} (partly updated)`]);
    expect(String(error)).toContain(
      'reverting the rest failed too (ConcurrentModificationException: concurrent)',
    );
  });
});
