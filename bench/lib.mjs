import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';

// Shared by the benchmarks: statistics, and AWS mocks that add a fixed latency per call and record
// each call's interval, so that the number of sequential round trips on the critical path can be read off.
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A call timeline: every mocked call records [start, end]. `depth()` is the longest chain of calls
 * each of which started after the previous one ended: the sequential round trips actually taken.
 * Calls whose command name matches `exclude` (e.g. waiter polls) are left out of the chain.
 */
export function timeline() {
  const calls = [];
  return {
    calls,
    record(name, start, end) {
      calls.push({ name, start, end });
    },
    depth(exclude = /^$/) {
      const kept = calls.filter((c) => !exclude.test(c.name)).sort((a, b) => a.end - b.end);
      const depthOf = new Map();
      let best = 0;
      for (const c of kept) {
        let d = 1;
        for (const prev of kept)
          if (prev.end <= c.start && depthOf.has(prev)) d = Math.max(d, depthOf.get(prev) + 1);
        depthOf.set(c, d);
        best = Math.max(best, d);
      }
      return best;
    },
  };
}

/**
 * Replaces `send` on SDK client classes so that every command answers after `latencyMs` with what
 * `answer(clientKey, commandName, input)` returns (or throws), recording each call on a timeline.
 * `clients` maps a key to the client class. Call `restore()` when done.
 */
export function latencyMocks(clients, latencyMs, answer) {
  const line = timeline();
  const originals = [];
  for (const [key, Client] of Object.entries(clients)) {
    originals.push([Client, Client.prototype.send]);
    Client.prototype.send = async (command) => {
      const name = command.constructor.name;
      const start = performance.now();
      await sleep(latencyMs);
      try {
        return await answer(key, name, command.input);
      } finally {
        line.record(name, start, performance.now());
      }
    };
  }
  return {
    timeline: line,
    restore() {
      for (const [Client, send] of originals) Client.prototype.send = send;
    },
  };
}

/** Every SDK client class the CLI uses, by the key AwsClients gives it (for latencyMocks). */
export const SDK_CLIENTS = {
  sts: STSClient,
  sns: SNSClient,
  kms: KMSClient,
  lambda: LambdaClient,
  iam: IAMClient,
  cloudwatch: CloudWatchClient,
  logs: CloudWatchLogsClient,
  ec2: EC2Client,
  sqs: SQSClient,
  eventbridge: EventBridgeClient,
};
