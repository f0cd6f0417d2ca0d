import { describe, expect, it } from 'vitest';
import type { PermissionFound } from '../../src/resources/permission.js';
import { permissionVerdict } from '../../src/resources/permission.js';
import { ACCOUNT, REGION } from '../helpers/aws.js';

/** The permission verdict of status and test --through-alarm, for the SNS and the EventBridge specs. */
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:mission-sns`;
const RULE_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:rule/mission-alarm-events`;
const SNS = { principal: 'sns.amazonaws.com', sourceArn: TOPIC_ARN };
const EVENTS = { principal: 'events.amazonaws.com', sourceArn: RULE_ARN };

const statement = (over: Partial<PermissionFound>): PermissionFound => ({
  sid: 's',
  principal: 'sns.amazonaws.com',
  action: 'lambda:InvokeFunction',
  sourceArn: TOPIC_ARN,
  sourceAccount: ACCOUNT,
  ...over,
});

describe('permissionVerdict', () => {
  it('is scoped only for the principal, source and account of the spec', () => {
    expect(permissionVerdict([statement({})], SNS, ACCOUNT)).toBe('scoped');
    const rule = statement({ principal: 'events.amazonaws.com', sourceArn: RULE_ARN });
    expect(permissionVerdict([rule], EVENTS, ACCOUNT)).toBe('scoped');
    // Each statement grants its own service only.
    expect(permissionVerdict([rule], SNS, ACCOUNT)).toBe('missing');
    expect(permissionVerdict([statement({})], EVENTS, ACCOUNT)).toBe('missing');
  });

  it('is unscoped without a SourceArn or without the account, and missing for another source', () => {
    const anyRule = statement({ principal: 'events.amazonaws.com', sourceArn: undefined });
    expect(permissionVerdict([anyRule], EVENTS, ACCOUNT)).toBe('unscoped');
    const noAccount = statement({ sourceAccount: undefined });
    expect(permissionVerdict([noAccount], SNS, ACCOUNT)).toBe('unscoped');
    const otherRule = statement({ principal: 'events.amazonaws.com', sourceArn: `${RULE_ARN}-old` });
    expect(permissionVerdict([otherRule], EVENTS, ACCOUNT)).toBe('missing');
  });

  it('accepts lambda:* and the principal in its long form; not another action', () => {
    const wide = statement({ principal: 'events.amazonaws.com', sourceArn: RULE_ARN, action: 'lambda:*' });
    expect(permissionVerdict([wide], EVENTS, ACCOUNT)).toBe('scoped');
    const long = statement({ principal: 'arn:aws:iam::events.amazonaws.com', sourceArn: RULE_ARN });
    expect(permissionVerdict([long], EVENTS, ACCOUNT)).toBe('scoped');
    const get = statement({ action: 'lambda:GetFunction' });
    expect(permissionVerdict([get], SNS, ACCOUNT)).toBe('missing');
  });
});
