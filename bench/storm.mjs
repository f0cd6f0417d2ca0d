// An alarm storm: 100 alarms (SNS notifications and EventBridge events, distinct alarms) within 60 s, against a
// local Slack that takes 1 message a second per webhook with bursts of 3 (token bucket) and answers 429 with
// Retry-After beyond. The real handler runs under a small simulation of Lambda and SQS: asynchronous
// invocations with a 15 s budget, retried after 60 s and 120 s, then written to the undelivered queue; the
// queue drained like the event source mapping (2 batches of 5 at most, a failed record back after the 90 s
// visibility timeout). BENCH_STORM_TIME_SCALE scales those Lambda/SQS delays (not Slack's rate, Retry-After or
// the budget); the visibility timeout never drops below the budget plus a second, as Lambda requires it to be at
// least the function's timeout (else a batch still running is handed to another container, a duplicate the real
// stack cannot have). `node bench/storm.mjs` runs it alone.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const SCALE = Number(process.env.BENCH_STORM_TIME_SCALE ?? 0.25);
const ALARMS = 100;
const WINDOW_MS = 60_000;
const BUCKET = { rate: 1, burst: 3 }; // per second, per webhook
const BUDGET_MS = 15_000; // the function's timeout
const RETRY_MS = [60_000, 120_000]; // Lambda's two retries of a failed asynchronous invocation
const VISIBILITY_MS = 90_000;
const BATCH = 5;
const CONCURRENCY = 2; // ScalingConfig.MaximumConcurrency
const GIVE_UP_MS = 280_000; // real time: the bench stops here, whatever is left
const REGION = 'ap-northeast-2';
const ACCOUNT = '123456789012';
const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:storm-lambda`;
const QUEUE = `storm-undelivered`;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const fixture = (name) =>
  JSON.parse(readFileSync(new URL(`../test/fixtures/${name}.json`, import.meta.url), 'utf8'));

/** A seeded random source, so that every run has the same arrivals. */
function mulberry32(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Slack, rate-limited per webhook path; what it accepted, and how many 429s it gave. */
async function slackStandIn() {
  const buckets = new Map();
  const accepted = [];
  let limited = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const now = performance.now();
      const b = buckets.get(req.url) ?? { tokens: BUCKET.burst, at: now };
      b.tokens = Math.min(BUCKET.burst, b.tokens + ((now - b.at) / 1000) * BUCKET.rate);
      b.at = now;
      buckets.set(req.url, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        accepted.push({ at: Date.now(), body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'text/html' }).end('ok');
      } else {
        limited++;
        const after = Math.ceil((1 - b.tokens) / BUCKET.rate); // whole seconds until a token
        res.writeHead(429, { 'content-type': 'text/html', 'retry-after': String(after) }).end('rate_limited');
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/services/T000/B000/XXXX`,
    accepted,
    limited: () => limited,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** The storm: [delay from the start in ms, event], distinct alarms, half of them SNS, half EventBridge. */
function storm(start) {
  const random = mulberry32(20261124);
  const sns = fixture('alarm-cpu-alarm');
  const eb = fixture('eventbridge-metric-alarm');
  return Array.from({ length: ALARMS }, (_, i) => {
    const at = Math.round(random() * WINDOW_MS);
    const time = new Date(start + at).toISOString();
    const name = `storm-${i % 2 ? 'eb' : 'sns'}-${String(i).padStart(3, '0')}`;
    const arn = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${name}`;
    if (i % 2) {
      const state = { ...eb.detail.state, timestamp: time.replace('Z', '+0000') };
      return [
        at,
        { ...eb, id: randomUUID(), time, resources: [arn], detail: { ...eb.detail, alarmName: name, state } },
      ];
    }
    const message = { ...sns, AlarmName: name, AlarmArn: arn, StateChangeTime: time.replace('Z', '+0000') };
    const topic = `arn:aws:sns:${REGION}:${ACCOUNT}:storm-sns`;
    const Sns = {
      Type: 'Notification',
      MessageId: randomUUID(),
      TopicArn: topic,
      Message: JSON.stringify(message),
    };
    return [at, { Records: [{ EventSource: 'aws:sns', EventSubscriptionArn: `${topic}:sub`, Sns }] }];
  }).sort((a, b) => a[0] - b[0]);
}

export async function bench() {
  const slack = await slackStandIn();
  const { KMSClient } = await import('@aws-sdk/client-kms');
  const { SQSClient } = await import('@aws-sdk/client-sqs');
  const { createHandler } = await import('../handler-template/index.mjs');
  const sends = [KMSClient.prototype.send, SQSClient.prototype.send];

  /** The in-memory queue: messages with the time they are visible again. */
  let messages = [];
  const enqueue = (body) => messages.push({ id: randomUUID(), body, visibleAt: 0, receives: 0 });
  const count = { invocations: 0, retries: 0, destination: 0, handoffs: 0, timeouts: 0, containers: 0 };
  // the handler's SDK calls, played in-process (the same module instances as its lazy imports)
  KMSClient.prototype.send = async () => ({ Plaintext: new TextEncoder().encode(slack.url) });
  SQSClient.prototype.send = async (command) => {
    count.handoffs++;
    enqueue(command.input.MessageBody);
    return { MessageId: randomUUID() };
  };

  const env = {
    AWS_REGION: REGION,
    AWS_LAMBDA_FUNCTION_NAME: 'storm-lambda',
    kmsEncryptedHookUrl: 'Y2lwaGVydGV4dA==',
    undeliveredQueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${QUEUE}`,
  };
  /** Containers: an invocation takes an idle one or starts a new one (Lambda scales out). */
  const idle = [];
  let busy = 0; // invocations running, retries waiting
  async function invoke(event) {
    let handler = idle.pop();
    if (!handler) {
      count.containers++;
      handler = createHandler({ env, log: () => {} });
    }
    const deadline = Date.now() + BUDGET_MS;
    const context = {
      getRemainingTimeInMillis: () => deadline - Date.now(),
      awsRequestId: randomUUID(),
      invokedFunctionArn: FUNCTION_ARN,
    };
    count.invocations++;
    let timer;
    let timedOut = false;
    try {
      return await Promise.race([
        handler(event, context),
        new Promise((_, reject) => {
          timer = setTimeout(() => {
            timedOut = true;
            reject(new Error('Task timed out after 15.00 seconds'));
          }, BUDGET_MS);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      if (timedOut) count.timeouts++;
      else idle.push(handler); // a timed-out environment is not reused
    }
  }
  /** An asynchronous invocation: retried twice, then its invocation record goes to the queue. */
  async function invokeAsync(event, attempt = 1) {
    busy++;
    try {
      await invoke(event);
    } catch (error) {
      if (attempt <= RETRY_MS.length) {
        count.retries++;
        busy++;
        setTimeout(
          () => {
            busy--;
            invokeAsync(event, attempt + 1);
          },
          RETRY_MS[attempt - 1] * SCALE,
        );
      } else {
        count.destination++;
        enqueue(
          JSON.stringify({
            version: '1.0',
            timestamp: new Date().toISOString(),
            requestContext: {
              requestId: randomUUID(),
              functionArn: `${FUNCTION_ARN}:$LATEST`,
              condition: 'RetriesExhausted',
              approximateInvokeCount: attempt,
            },
            requestPayload: event,
            responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
            responsePayload: { errorType: error.name, errorMessage: error.message },
          }),
        );
      }
    } finally {
      busy--;
    }
  }
  /** One batch of the event source mapping: the records not reported as failures are deleted. */
  async function drainBatch(batch) {
    const Records = batch.map((m) => ({
      messageId: m.id,
      receiptHandle: m.id,
      body: m.body,
      attributes: { ApproximateReceiveCount: String(m.receives) },
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:${QUEUE}`,
      awsRegion: REGION,
    }));
    try {
      const result = await invoke({ Records });
      const failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      const done = new Set(batch.filter((m) => !failed.has(m.id)));
      messages = messages.filter((m) => !done.has(m));
    } catch {} // the whole batch is back after the visibility timeout
  }

  const visibility = Math.max(VISIBILITY_MS * SCALE, BUDGET_MS + 1000);
  const start = Date.now();
  const events = storm(start);
  let active = 0;
  try {
    for (const [at, event] of events) setTimeout(() => invokeAsync(event), at);
    busy += events.length; // until each has arrived
    for (const [at] of events) setTimeout(() => busy--, at);
    // the event source mapping, polling until nothing is left to do (or the bench gives up)
    while (Date.now() - start < GIVE_UP_MS) {
      const now = Date.now();
      const visible = messages.filter((m) => m.visibleAt <= now);
      if (active < CONCURRENCY && visible.length) {
        const batch = visible.slice(0, BATCH);
        for (const m of batch) {
          m.visibleAt = now + visibility;
          m.receives++;
        }
        active++;
        drainBatch(batch).finally(() => active--);
        continue;
      }
      if (!busy && !active && !messages.length) break;
      await sleep(20);
    }
  } finally {
    KMSClient.prototype.send = sends[0];
    SQSClient.prototype.send = sends[1];
    slack.close();
  }

  const names = slack.accepted.map((a) => /storm-(sns|eb)-\d{3}/.exec(a.body)?.[0]);
  const distinct = new Set(names.filter(Boolean)).size;
  const last = Math.max(...slack.accepted.map((a) => a.at));
  const tag = `[Lambda/SQS delays ×${SCALE}]`;
  return [
    {
      name: `messages accepted by Slack, ${ALARMS} alarms in 60 s ${tag}`,
      value: slack.accepted.length,
      unit: 'messages',
      target: ALARMS,
    },
    { name: `duplicates ${tag}`, value: slack.accepted.length - distinct, unit: 'messages', target: 0 },
    { name: `alarms never delivered ${tag}`, value: ALARMS - distinct, unit: 'alarms', target: 0 },
    { name: `429s received ${tag}`, value: slack.limited(), unit: 'answers' },
    { name: `time until the last one was delivered ${tag}`, value: (last - start) / 1000, unit: 's' },
    { name: `hand-offs to the queue after a 429 ${tag}`, value: count.handoffs, unit: 'events' },
    {
      name: `Lambda retries / destination records ${tag}`,
      value: count.retries,
      unit: `retries (${count.destination} to the queue)`,
    },
    {
      name: `invocations / containers ${tag}`,
      value: count.invocations,
      unit: `invocations (${count.containers} containers, ${count.timeouts} timed out)`,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await bench()) {
    const target = row.target === undefined ? '' : ` (target ≤ ${row.target})`;
    const value = Number.isInteger(row.value) ? row.value : row.value.toFixed(1);
    console.log(`${row.name}: ${value} ${row.unit}${target}`);
  }
}
