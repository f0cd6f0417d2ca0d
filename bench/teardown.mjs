// `alarm-to-slack teardown --yes` of a complete stack against AWS clients that answer after a fixed
// latency: wall time, and the sequential round trips actually taken (discovery in parallel, then
// the removals, independent ones overlapping). Runs src/ as modules (bench/modules.mjs).
import { latencyMocks, median, SDK_CLIENTS } from './lib.mjs';
import { modules } from './modules.mjs';

const LATENCY_MS = 50;
const ACCOUNT = '123456789012';
const REGION = 'ap-northeast-2';
const STACK = 'mission';
const TAG = 'alarm-to-slack:stack';
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:${STACK}-sns`;
const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${STACK}-lambda`;
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_ID}`;
const BASIC = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

/** A complete stack, every resource tagged for it; every removal succeeds. */
function answer(client, command) {
  const name = command.replace(/Command$/, '');
  const tags = [{ Key: TAG, Value: STACK }];
  switch (`${client}.${name}`) {
    case 'sts.GetCallerIdentity':
      return { Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/bench` };
    case 'sns.GetTopicAttributes':
      return { Attributes: { TopicArn: TOPIC_ARN } };
    case 'sns.ListTagsForResource':
    case 'cloudwatch.ListTagsForResource':
      return { Tags: tags };
    case 'sns.ListSubscriptionsByTopic':
      return {
        Subscriptions: [
          {
            SubscriptionArn: `${TOPIC_ARN}:sub-1`,
            TopicArn: TOPIC_ARN,
            Protocol: 'lambda',
            Endpoint: FUNCTION_ARN,
          },
        ],
      };
    case 'kms.DescribeKey':
      return { KeyMetadata: { KeyId: KEY_ID, Arn: KEY_ARN, KeyState: 'Enabled' } };
    case 'kms.ListResourceTags':
      return { Tags: [{ TagKey: TAG, TagValue: STACK }] };
    case 'kms.ScheduleKeyDeletion':
      return {
        KeyId: KEY_ARN,
        DeletionDate: new Date(Date.now() + 7 * 86_400_000),
        KeyState: 'PendingDeletion',
      };
    case 'iam.GetRole':
      return {
        Role: {
          RoleName: `${STACK}-lambda-role`,
          Arn: `arn:aws:iam::${ACCOUNT}:role/${STACK}-lambda-role`,
          Tags: tags,
        },
      };
    case 'iam.ListAttachedRolePolicies':
      return {
        AttachedPolicies: [{ PolicyArn: BASIC, PolicyName: 'AWSLambdaBasicExecutionRole' }],
        IsTruncated: false,
      };
    case 'iam.ListRolePolicies':
      return { PolicyNames: [`${STACK}-kms-decrypt`], IsTruncated: false };
    case 'iam.GetRolePolicy':
      return { PolicyDocument: encodeURIComponent('{"Version":"2012-10-17","Statement":[]}') };
    case 'logs.DescribeLogGroups':
      return { logGroups: [{ logGroupName: `/aws/lambda/${STACK}-lambda`, retentionInDays: 30 }] };
    case 'logs.ListTagsForResource':
      return { tags: { [TAG]: STACK } };
    case 'lambda.GetFunction':
      return {
        Configuration: { FunctionName: `${STACK}-lambda`, FunctionArn: FUNCTION_ARN },
        Tags: { [TAG]: STACK },
      };
    case 'cloudwatch.DescribeAlarms':
      return {
        MetricAlarms: [
          { AlarmName: `${STACK}-cpu-alarm`, AlarmActions: [TOPIC_ARN], OKActions: [TOPIC_ARN] },
        ],
      };
    default:
      if (/^(Delete|Detach|Unsubscribe)/.test(name)) return {};
      throw new Error(`bench: no answer for ${client}.${name}`);
  }
}

function silentIO() {
  const noop = () => {};
  return {
    interactive: false,
    json: true,
    debug: false,
    ask: {},
    progress: { start: noop, done: noop, info: noop, warn: noop, debug: noop },
    style: null,
    document: undefined,
    result(_human, json) {
      this.document = json;
    },
  };
}

async function once(run, createAwsClients, plainStyle, systemClock) {
  const io = { ...silentIO(), style: plainStyle };
  const mocks = latencyMocks(SDK_CLIENTS, LATENCY_MS, answer);
  const started = performance.now();
  try {
    await run(
      { pendingWindow: '7' },
      {
        globals: { name: STACK, json: true, yes: true, color: false, debug: false },
        io,
        env: {},
        signal: new AbortController().signal,
        clock: systemClock,
        connect: async () => ({ region: REGION, clients: createAwsClients({ region: REGION }) }),
      },
    );
  } finally {
    mocks.restore();
  }
  const ms = performance.now() - started;
  if (!io.document?.ok || io.document.removed.length !== 8)
    throw new Error(`bench: teardown did not remove the 8 resources: ${JSON.stringify(io.document)}`);
  return { ms, depth: mocks.timeline.depth(), calls: mocks.timeline.calls.length };
}

export async function bench({ runs = 5 } = {}) {
  const module = await modules();
  const { run } = await import(module('commands/teardown.js'));
  const { createAwsClients } = await import(module('aws/clients.js'));
  const plainStyle = (await import(module('io/style.js'))).createStyle(false);
  const { systemClock } = await import(module('clock.js'));
  await once(run, createAwsClients, plainStyle, systemClock); // warm the module cache
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await once(run, createAwsClients, plainStyle, systemClock));
  const depth = Math.max(...samples.map((s) => s.depth));
  return [
    {
      name: `teardown --yes, complete stack (${LATENCY_MS} ms/call, median wall)`,
      value: median(samples.map((s) => s.ms)),
      unit: 'ms',
      target: 9 * LATENCY_MS + 100,
    },
    { name: 'teardown sequential round trips', value: depth, unit: 'calls', target: 8 },
    { name: 'teardown AWS calls in all', value: samples[0]?.calls ?? 0, unit: 'calls' },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await bench()) console.log(`${row.name}: ${Number(row.value.toFixed(1))} ${row.unit}`);
}
