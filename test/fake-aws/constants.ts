/**
 * The account, region and the ARNs of the stack `mission` as seedStack(fake) puts it (the tutorial's
 * names). One set of constants for every test that runs against the fake.
 */
export const ACCOUNT = '123456789012';
export const REGION = 'ap-northeast-2';
export const STACK = 'mission';
export const STACK_TAG = 'alarm-to-slack:stack';
export const CALLER_ARN = `arn:aws:iam::${ACCOUNT}:user/alice`;

export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:mission-sns`;
export const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mission-lambda`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/mission-lambda-role`;
export const ALARM_ARN = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:mission-cpu-alarm`;
export const LOG_GROUP = '/aws/lambda/mission-lambda';
export const LOG_GROUP_ARN = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${LOG_GROUP}`;
export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_ID}`;
export const BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
export const SUB_ARN = `${TOPIC_ARN}:0f6c7a52-1111-4e2b-9c3d-5a6b7c8d9e01`;
export const INSTANCE = 'i-0a1b2c3d4e5f60718';
/** A placeholder webhook URL (never a real one); its last segment is what a leak scan looks for. */
export const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/XXXXsecretpathXXXX';
/** When a key seeded or scheduled PendingDeletion (7 days) is deleted, on the default clock. */
export const DELETION_DATE = new Date('2026-12-02T00:00:00.000Z');
