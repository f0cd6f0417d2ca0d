/**
 * The rule's target (the function) and the rule's removal. PutTargets and RemoveTargets answer HTTP 200
 * with FailedEntryCount > 0 when an entry fails: that is an error, not a success.
 */
import {
  DeleteRuleCommand,
  ListTargetsByRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { awsMessage } from '../../src/errors.js';
import { ensureRuleTarget, removeRule } from '../../src/resources/rule.js';
import { mockAws, testStackContext } from '../helpers/aws.js';
import { awsError } from './fakes.js';
import { FN_ARN, otherTarget, ourTarget, QUEUE_ARN, RULE } from './rule-fixtures.js';

const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

const NO_RULE = `Rule ${RULE} does not exist on EventBus default.`;
const noRule = () => awsError('ResourceNotFoundException', 400, NO_RULE);
const sent = () => mocks.calls().map(([, name, input]) => [name.replace(/Command$/, ''), input]);
const OK = { FailedEntryCount: 0, FailedEntries: [] };
const OUR_TARGET = { Id: 'mission-lambda', Arn: FN_ARN };

describe('ensureRuleTarget', () => {
  it('targets the function on a new rule; undo removes exactly our target', async () => {
    mocks.eventbridge.on(PutTargetsCommand).resolves(OK);
    mocks.eventbridge.on(RemoveTargetsCommand).resolves(OK);
    const { ctx } = testStackContext();
    const result = await ensureRuleTarget(ctx, undefined);
    expect(result).toMatchObject({ change: 'created', value: { id: 'mission-lambda' } });
    expect(sent()).toEqual([['PutTargets', { Rule: RULE, Targets: [OUR_TARGET] }]]);
    mocks.eventbridge.resetHistory();
    await result.undo?.();
    expect(sent()).toEqual([['RemoveTargets', { Rule: RULE, Ids: ['mission-lambda'] }]]);
  });

  it('adds ours next to a target someone else added, and never touches theirs', async () => {
    mocks.eventbridge.on(PutTargetsCommand).resolves(OK);
    mocks.eventbridge.on(RemoveTargetsCommand).resolves(OK);
    const { ctx } = testStackContext();
    const result = await ensureRuleTarget(ctx, [otherTarget]);
    expect(result.change).toBe('created');
    await result.undo?.();
    expect(sent()).toEqual([
      ['PutTargets', { Rule: RULE, Targets: [OUR_TARGET] }],
      ['RemoveTargets', { Rule: RULE, Ids: ['mission-lambda'] }],
    ]);
  });

  it('makes no call when a target already delivers to the function, under any Id (no double posts)', async () => {
    const { ctx } = testStackContext();
    expect(await ensureRuleTarget(ctx, [otherTarget, ourTarget])).toEqual({
      change: 'unchanged',
      value: { id: 'mission-lambda' },
    });
    const byHand = { id: '1', arn: FN_ARN, raw: { Id: '1', Arn: FN_ARN } };
    expect(await ensureRuleTarget(ctx, [byHand])).toEqual({ change: 'unchanged', value: { id: '1' } });
    expect(sent()).toEqual([]);
  });

  it('points our target back at the function, and the undo puts the previous one back as it was', async () => {
    mocks.eventbridge.on(PutTargetsCommand).resolves(OK);
    const { ctx } = testStackContext();
    const previous = { Id: 'mission-lambda', Arn: QUEUE_ARN, Input: '{"x":1}' };
    const result = await ensureRuleTarget(ctx, [{ id: 'mission-lambda', arn: QUEUE_ARN, raw: previous }]);
    expect(result.change).toBe('updated');
    mocks.eventbridge.resetHistory();
    await result.undo?.();
    expect(sent()).toEqual([['PutTargets', { Rule: RULE, Targets: [previous] }]]);
  });

  it('replaces our target when it rewrites the event (InputTransformer): the notifier needs it as is', async () => {
    mocks.eventbridge.on(PutTargetsCommand).resolves(OK);
    const { ctx } = testStackContext();
    const raw = { ...OUR_TARGET, InputTransformer: { InputTemplate: '"<name>"' } };
    const result = await ensureRuleTarget(ctx, [{ ...ourTarget, raw }]);
    expect(result.change).toBe('updated');
    expect(sent()).toEqual([['PutTargets', { Rule: RULE, Targets: [OUR_TARGET] }]]);
  });

  it('treats a 200 answer with FailedEntryCount > 0 as the error it is', async () => {
    mocks.eventbridge.on(PutTargetsCommand).resolves({
      FailedEntryCount: 1,
      FailedEntries: [
        {
          TargetId: 'mission-lambda',
          ErrorCode: 'ConcurrentModificationException',
          ErrorMessage: 'Rule mission-alarm-events is being modified concurrently.',
        },
      ],
    });
    const { ctx } = testStackContext();
    const error = await ensureRuleTarget(ctx, undefined).catch((e: unknown) => e);
    expect(awsMessage(error)).toBe(
      'ConcurrentModificationException: PutTargets of target mission-lambda: Rule mission-alarm-events is being modified concurrently.',
    );
  });

  it('lets PutTargets on a missing rule fail with AWS’s message', async () => {
    mocks.eventbridge.on(PutTargetsCommand).rejects(noRule());
    const { ctx } = testStackContext();
    await expect(ensureRuleTarget(ctx, undefined)).rejects.toThrow(NO_RULE);
  });

  it('undo is a no-op when the rule is gone, and fails on a refused entry', async () => {
    mocks.eventbridge.on(PutTargetsCommand).resolves(OK);
    mocks.eventbridge
      .on(RemoveTargetsCommand)
      .rejectsOnce(noRule())
      .resolves({
        FailedEntryCount: 1,
        FailedEntries: [{ TargetId: 'mission-lambda', ErrorCode: 'InternalException', ErrorMessage: 'oops' }],
      });
    const { ctx } = testStackContext();
    const result = await ensureRuleTarget(ctx, undefined);
    await expect(result.undo?.()).resolves.toBeUndefined();
    await expect(result.undo?.()).rejects.toMatchObject({ name: 'InternalException' });
  });
});
describe('removeRule', () => {
  it('removes every target (ours and others) before DeleteRule, which AWS refuses while targets remain', async () => {
    mocks.eventbridge.on(ListTargetsByRuleCommand).resolves({ Targets: [ourTarget.raw, otherTarget.raw] });
    mocks.eventbridge.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0, FailedEntries: [] });
    mocks.eventbridge.on(DeleteRuleCommand).resolves({});
    const { ctx } = testStackContext();
    await removeRule(ctx);
    expect(sent()).toEqual([
      ['ListTargetsByRule', { Rule: RULE }],
      ['RemoveTargets', { Rule: RULE, Ids: ['mission-lambda', 'audit'] }],
      ['DeleteRule', { Name: RULE }],
    ]);
  });

  it('is a no-op when the rule is gone', async () => {
    mocks.eventbridge.on(ListTargetsByRuleCommand).rejects(noRule());
    const { ctx } = testStackContext();
    await expect(removeRule(ctx)).resolves.toBeUndefined();
    expect(sent().map(([name]) => name)).toEqual(['ListTargetsByRule']);
  });

  it('surfaces AWS’s refusal when a target was added meanwhile', async () => {
    mocks.eventbridge.on(ListTargetsByRuleCommand).resolves({ Targets: [] });
    mocks.eventbridge
      .on(DeleteRuleCommand)
      .rejects(awsError('ValidationException', 400, "Rule can't be deleted since it has targets."));
    const { ctx } = testStackContext();
    await expect(removeRule(ctx)).rejects.toThrow("Rule can't be deleted since it has targets.");
    expect(sent().map(([name]) => name)).toEqual(['ListTargetsByRule', 'DeleteRule']);
  });

  it('stops before DeleteRule when RemoveTargets answers 200 with a failed entry', async () => {
    mocks.eventbridge.on(ListTargetsByRuleCommand).resolves({ Targets: [ourTarget.raw] });
    mocks.eventbridge.on(RemoveTargetsCommand).resolves({
      FailedEntryCount: 1,
      FailedEntries: [
        { TargetId: 'mission-lambda', ErrorCode: 'ConcurrentModificationException', ErrorMessage: 'busy' },
      ],
    });
    const { ctx } = testStackContext();
    await expect(removeRule(ctx)).rejects.toMatchObject({
      name: 'ConcurrentModificationException',
      message: 'RemoveTargets of target mission-lambda: busy',
    });
    expect(mocks.eventbridge.commandCalls(DeleteRuleCommand)).toHaveLength(0);
  });

  it('removes targets 10 a request (RemoveTargets takes at most 10 Ids)', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `t${i}`);
    mocks.eventbridge
      .on(ListTargetsByRuleCommand)
      .resolves({ Targets: ids.map((Id) => ({ Id, Arn: FN_ARN })) });
    mocks.eventbridge.on(RemoveTargetsCommand).resolves({});
    mocks.eventbridge.on(DeleteRuleCommand).resolves({});
    const { ctx } = testStackContext();
    await removeRule(ctx);
    expect(mocks.eventbridge.commandCalls(RemoveTargetsCommand).map((c) => c.args[0].input.Ids)).toEqual([
      ids.slice(0, 10),
      ids.slice(10),
    ]);
  });
});
