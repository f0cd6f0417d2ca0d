/** The every-alarm rule as found, for the rule and rule-target tests. */
import type { RuleState } from '@aws-sdk/client-eventbridge';
import type { RuleFound, RuleTargetFound } from '../../src/resources/rule.js';
import { readAlarmEventPattern } from '../../src/resources/rule-pattern.js';
import { ACCOUNT, REGION } from '../helpers/aws.js';

export const RULE = 'mission-alarm-events';
export const RULE_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:rule/${RULE}`;
export const FN_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mission-lambda`;
export const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:ops-audit`;
export const TAG = 'alarm-to-slack:stack';
export const DESCRIPTION = 'alarm-to-slack stack mission: CloudWatch alarm state changes to mission-lambda';
/** Our pattern for ALARM and OK, every alarm, as we send it. */
export const PATTERN =
  '{"source":["aws.cloudwatch"],"detail-type":["CloudWatch Alarm State Change"],"detail":{"state":{"value":["ALARM","OK"]}}}';

export const ourTarget: RuleTargetFound = {
  id: 'mission-lambda',
  arn: FN_ARN,
  raw: { Id: 'mission-lambda', Arn: FN_ARN },
};
export const otherTarget: RuleTargetFound = {
  id: 'audit',
  arn: QUEUE_ARN,
  raw: { Id: 'audit', Arn: QUEUE_ARN },
};

/** Our rule for ALARM and OK, enabled, tagged, targeting the function; `over` changes any of it. */
export function foundRule(over: Partial<RuleFound> = {}): RuleFound {
  const eventPattern = over.eventPattern ?? PATTERN;
  const state = over.state ?? 'ENABLED';
  const description = over.description ?? DESCRIPTION;
  return {
    arn: RULE_ARN,
    state,
    eventPattern,
    filter: readAlarmEventPattern(eventPattern),
    description,
    tags: { [TAG]: 'mission' },
    targets: [ourTarget],
    raw: {
      Name: RULE,
      Arn: RULE_ARN,
      EventPattern: eventPattern,
      State: state as RuleState,
      Description: description,
      EventBusName: 'default',
    },
    ...over,
  };
}
