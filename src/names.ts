/** Resource names derived from the stack name. With `--name mission` they are exactly the tutorial's. */
export interface StackNames {
  stack: string;
  topic: string;
  keyAlias: string;
  role: string;
  policy: string;
  functionName: string;
  alarm: string;
  logGroup: string;
  /** SQS queue of the alerts Lambda gave up on (the function's on-failure destination). */
  queue: string;
  /** The role's inline policy on that queue. */
  queuePolicy: string;
  /** EventBridge rule sending every alarm state change of the region to the function (--every-alarm). */
  rule: string;
}

export const DEFAULT_STACK = 'alarm-to-slack';
/** Tag put on every resource that takes tags; teardown only removes what carries it for this stack. */
export const STACK_TAG = 'alarm-to-slack:stack';
/** AWS's 64-character limit on rule, role and function names; `<name>-alarm-events` is the longest derived one. */
export const LONGEST_SUFFIX = '-alarm-events';
export const MAX_STACK_NAME = 64 - LONGEST_SUFFIX.length;

export function stackNames(stack: string): StackNames {
  return {
    stack,
    topic: `${stack}-sns`,
    keyAlias: `alias/${stack}-kms-key`,
    role: `${stack}-lambda-role`,
    policy: `${stack}-kms-decrypt`,
    functionName: `${stack}-lambda`,
    alarm: `${stack}-cpu-alarm`,
    logGroup: `/aws/lambda/${stack}-lambda`,
    queue: `${stack}-undelivered`,
    queuePolicy: `${stack}-undelivered-queue`,
    rule: `${stack}${LONGEST_SUFFIX}`,
  };
}

/** The partition of a region: aws, aws-cn or aws-us-gov (ARNs and console hosts depend on it). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

/** ARNs that are fully determined by names, account and region (no lookup needed). */
export function stackArns(names: StackNames, where: { partition: string; region: string; account: string }) {
  const { partition, region, account } = where;
  return {
    topicArn: `arn:${partition}:sns:${region}:${account}:${names.topic}`,
    roleArn: `arn:${partition}:iam::${account}:role/${names.role}`,
    functionArn: `arn:${partition}:lambda:${region}:${account}:function:${names.functionName}`,
    alarmArn: `arn:${partition}:cloudwatch:${region}:${account}:alarm:${names.alarm}`,
    logGroupArn: `arn:${partition}:logs:${region}:${account}:log-group:${names.logGroup}`,
    aliasArn: `arn:${partition}:kms:${region}:${account}:${names.keyAlias}`,
    queueArn: `arn:${partition}:sqs:${region}:${account}:${names.queue}`,
    ruleArn: `arn:${partition}:events:${region}:${account}:rule/${names.rule}`,
    basicExecutionPolicyArn: `arn:${partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`,
  };
}
