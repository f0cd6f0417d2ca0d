import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { UsageError } from '../errors.js';
import { validateRegion } from '../validate.js';

// On Node 20 the SDK warns at every run that its releases from 2027 will need Node 22. That is a
// note for us (the SDK version is pinned by our lockfile), not something our users can act on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * The one factory for AWS SDK clients. This module imports every SDK client, so only commands that
 * talk to AWS load it (dynamically); `--help` and `--version` never do.
 */
export interface AwsClients {
  sts: STSClient;
  sns: SNSClient;
  kms: KMSClient;
  lambda: LambdaClient;
  iam: IAMClient;
  cloudwatch: CloudWatchClient;
  logs: CloudWatchLogsClient;
  ec2: EC2Client;
}

export interface AwsConnection {
  region: string;
  /** A named profile from ~/.aws/config (SSO profiles included); otherwise the SDK's default chain. */
  profile?: string | undefined;
  /** A custom endpoint (LocalStack or another AWS-compatible service). AWS_ENDPOINT_URL is read by the SDK itself. */
  endpointUrl?: string | undefined;
}

/** Attempts per call, with the SDK's standard retry strategy: exponential backoff with jitter, throttling-aware. */
export const MAX_ATTEMPTS = 5;

export function clientConfig(conn: AwsConnection) {
  return {
    region: conn.region,
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'standard',
    ...(conn.profile ? { profile: conn.profile } : {}),
    ...(conn.endpointUrl ? { endpoint: conn.endpointUrl } : {}),
  } as const;
}

export function createAwsClients(conn: AwsConnection): AwsClients {
  const config = clientConfig(conn);
  return {
    sts: new STSClient(config),
    sns: new SNSClient(config),
    kms: new KMSClient(config),
    lambda: new LambdaClient(config),
    iam: new IAMClient(config),
    cloudwatch: new CloudWatchClient(config),
    logs: new CloudWatchLogsClient(config),
    ec2: new EC2Client(config),
  };
}

/**
 * The region: --region, else AWS_REGION / AWS_DEFAULT_REGION, else the profile's `region` (as the SDK
 * resolves it). Missing or malformed: exit 2.
 */
export async function resolveRegion(opts: {
  flag: string | undefined;
  env: NodeJS.ProcessEnv;
  profile?: string | undefined;
}): Promise<string> {
  const explicit = opts.flag ?? opts.env.AWS_REGION ?? opts.env.AWS_DEFAULT_REGION;
  if (explicit) return validateRegion(explicit);
  try {
    const probe = new STSClient(opts.profile ? { profile: opts.profile } : {});
    const region = await probe.config.region();
    if (region) return validateRegion(region);
  } catch {
    // fall through to the usage error
  }
  const where = opts.profile ? ` (profile "${opts.profile}" has none, or does not exist)` : '';
  throw new UsageError(
    `No AWS region${where}: pass --region (e.g. --region ap-northeast-2) or set AWS_REGION.`,
  );
}
