import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EventBridgeClient,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, REGION } from './constants.js';
import type { RuleTarget } from './types.js';
import { useFakeAws } from './vitest.js';

const aws = useFakeAws();
const events = new EventBridgeClient({ region: REGION });
const RULE_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:rule/every-alarm`;
const PATTERN = JSON.stringify({
  source: ['aws.cloudwatch'],
  'detail-type': ['CloudWatch Alarm State Change'],
});
const putRule = (extra: Record<string, unknown> = {}) =>
  events.send(new PutRuleCommand({ Name: 'every-alarm', EventPattern: PATTERN, ...extra }));
const target = (Id: string): RuleTarget => ({ Id, Arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${Id}` });

describe('EventBridge rules', () => {
  it('a missing rule is ResourceNotFoundException "Rule <name> does not exist on EventBus <bus>."', async () => {
    const missing = {
      name: 'ResourceNotFoundException',
      message: 'Rule every-alarm does not exist on EventBus default.',
    };
    await expect(events.send(new DescribeRuleCommand({ Name: 'every-alarm' }))).rejects.toMatchObject(
      missing,
    );
    await expect(
      events.send(new PutTargetsCommand({ Rule: 'every-alarm', Targets: [target('q')] })),
    ).rejects.toMatchObject(missing);
    await expect(events.send(new ListTargetsByRuleCommand({ Rule: 'every-alarm' }))).rejects.toMatchObject(
      missing,
    );
    await expect(
      events.send(new ListTagsForResourceCommand({ ResourceARN: RULE_ARN })),
    ).rejects.toMatchObject(missing);
    await putRule({ EventBusName: 'custom' });
    await expect(events.send(new DescribeRuleCommand({ Name: 'every-alarm' }))).rejects.toMatchObject(
      missing,
    );
  });

  it('PutRule returns the ARN, replaces the whole rule on an update and applies Tags only on creation', async () => {
    const { RuleArn } = await putRule({
      Description: 'all alarms',
      State: 'DISABLED',
      Tags: [{ Key: 'a', Value: '1' }],
    });
    expect(RuleArn).toBe(RULE_ARN);
    expect(await events.send(new DescribeRuleCommand({ Name: 'every-alarm' }))).toMatchObject({
      Name: 'every-alarm',
      Arn: RULE_ARN,
      EventPattern: PATTERN,
      State: 'DISABLED',
      Description: 'all alarms',
      EventBusName: 'default',
    });
    await putRule({ Tags: [{ Key: 'b', Value: '2' }] });
    const rule = await events.send(new DescribeRuleCommand({ Name: 'every-alarm' }));
    expect(rule.State).toBe('ENABLED');
    expect(rule.Description).toBeUndefined();
    expect((await events.send(new ListTagsForResourceCommand({ ResourceARN: RULE_ARN }))).Tags).toEqual([
      { Key: 'a', Value: '1' },
    ]);
    await events.send(new TagResourceCommand({ ResourceARN: RULE_ARN, Tags: [{ Key: 'c', Value: '3' }] }));
    await events.send(new UntagResourceCommand({ ResourceARN: RULE_ARN, TagKeys: ['a'] }));
    expect((await events.send(new ListTagsForResourceCommand({ ResourceARN: RULE_ARN }))).Tags).toEqual([
      { Key: 'c', Value: '3' },
    ]);
    await events.send(new DisableRuleCommand({ Name: 'every-alarm' }));
    expect(aws.fake.find.rule('every-alarm').state).toBe('DISABLED');
  });

  it('refuses a rule with neither pattern nor schedule, and a pattern that is not an object', async () => {
    await expect(events.send(new PutRuleCommand({ Name: 'r' }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(putRule({ EventPattern: '[1]' })).rejects.toMatchObject({
      name: 'InvalidEventPatternException',
    });
  });

  it('PutTargets reports bad entries in FailedEntries, replaces by Id and allows 5 targets', async () => {
    await putRule();
    const out = await events.send(
      new PutTargetsCommand({ Rule: 'every-alarm', Targets: [target('a'), { Id: 'bad id!', Arn: 'x' }] }),
    );
    expect(out).toMatchObject({
      FailedEntryCount: 1,
      FailedEntries: [{ TargetId: 'bad id!', ErrorCode: 'ValidationException' }],
    });
    await events.send(
      new PutTargetsCommand({ Rule: 'every-alarm', Targets: [{ ...target('a'), Input: '{"x":1}' }] }),
    );
    const listed = await events.send(new ListTargetsByRuleCommand({ Rule: 'every-alarm' }));
    expect(listed.Targets).toEqual([{ ...target('a'), Input: '{"x":1}' }]);
    await events.send(
      new PutTargetsCommand({ Rule: 'every-alarm', Targets: ['b', 'c', 'd', 'e'].map(target) }),
    );
    await expect(
      events.send(new PutTargetsCommand({ Rule: 'every-alarm', Targets: [target('f')] })),
    ).rejects.toMatchObject({
      name: 'LimitExceededException',
    });
  });

  it('DeleteRule is refused while the rule has targets, and idempotent once it has none', async () => {
    await putRule();
    await events.send(new PutTargetsCommand({ Rule: 'every-alarm', Targets: [target('a')] }));
    await expect(events.send(new DeleteRuleCommand({ Name: 'every-alarm' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: "Rule can't be deleted since it has targets.",
    });
    const removed = await events.send(
      new RemoveTargetsCommand({ Rule: 'every-alarm', Ids: ['a', 'never-there'] }),
    );
    expect(removed).toMatchObject({ FailedEntryCount: 0, FailedEntries: [] });
    await events.send(new DeleteRuleCommand({ Name: 'every-alarm' }));
    await events.send(new DeleteRuleCommand({ Name: 'every-alarm' }));
    expect(aws.fake.state.rules.size).toBe(0);
  });
});
