import { STSClient } from '@aws-sdk/client-sts';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { UsageError } from '../errors.js';
import { validateRegion } from '../validate.js';

// On Node 20 the SDK warns at every run that its releases from 2027 will need Node 22. That is a
// note for us (the SDK version is pinned by our lockfile), not something our users can act on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * The one factory for AWS SDK clients. It imports no service's client: a module that calls a service
 * passes that service's client class (which it imports anyway, with its commands), and the client is
 * created on first use. So a command loads only the SDK packages of the services it calls (`status`
 * never loads EC2), and every client shares one configuration and one credential provider.
 */
interface AwsConnection {
  region: string;
  /** A named profile from ~/.aws/config (SSO profiles included); otherwise the SDK's default chain. */
  profile?: string | undefined;
  /** A custom endpoint (LocalStack or another AWS-compatible service). AWS_ENDPOINT_URL is read by the SDK itself. */
  endpointUrl?: string | undefined;
}

/** Attempts per call, with the SDK's standard retry strategy: exponential backoff with jitter, throttling-aware. */
const MAX_ATTEMPTS = 5;

/** The configuration every client gets. */
interface SharedClientConfig {
  region: string;
  maxAttempts: number;
  retryMode: 'standard';
  credentials: AwsCredentialIdentityProvider;
  profile?: string;
  endpoint?: string;
}

/** An SDK client class (SNSClient, LambdaClient, …). */
type ClientClass<T> = new (config: SharedClientConfig) => T;

export interface AwsClients {
  /** This run's client of that class: created on first use, then the same one. */
  get<T extends object>(Client: ClientClass<T>): T;
  /** The services whose clients were created so far, in order (e.g. ["STS", "SNS"]); shown with --debug. */
  created(): string[];
}

function clientConfig(conn: AwsConnection, credentials: AwsCredentialIdentityProvider): SharedClientConfig {
  return {
    region: conn.region,
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'standard',
    credentials,
    ...(conn.profile ? { profile: conn.profile } : {}),
    ...(conn.endpointUrl ? { endpoint: conn.endpointUrl } : {}),
  };
}

/**
 * The SDK's default credential chain (or the profile's: static keys, assume-role, SSO, process), resolved
 * once and shared, so that an SSO or assume-role profile is read once per run, not once per client.
 */
function sharedCredentials(profile: string | undefined): AwsCredentialIdentityProvider {
  return defaultProvider(profile ? { profile } : {});
}

export function createAwsClients(conn: AwsConnection): AwsClients {
  const config = clientConfig(conn, sharedCredentials(conn.profile));
  const clients = new Map<ClientClass<object>, object>();
  const services: string[] = [];
  return {
    get<T extends object>(Client: ClientClass<T>): T {
      let client = clients.get(Client) as T | undefined;
      if (!client) {
        client = new Client(config);
        clients.set(Client, client);
        const id = (client as { config?: { serviceId?: string } }).config?.serviceId;
        services.push(id ?? Client.name.replace(/Client$/, ''));
      }
      return client;
    },
    created: () => [...services],
  };
}

/**
 * `AWS clients created: sts, cloudwatch, lambda, cloudwatch-logs`: the services of `created()` as the SDK's
 * packages name them, for `--debug`; undefined when the command created none.
 */
export function clientsDebugLine(services: readonly string[]): string | undefined {
  if (services.length === 0) return undefined;
  const names = services.map((s) => s.trim().toLowerCase().replace(/\s+/g, '-'));
  return `AWS clients created: ${names.join(', ')}`;
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
  const where = opts.profile ? ` (profile "${opts.profile}" has none)` : '';
  throw new UsageError(
    `No AWS region${where}: pass --region (e.g. --region ap-northeast-2) or set AWS_REGION.`,
  );
}
