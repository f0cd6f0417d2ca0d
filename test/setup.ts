import net from 'node:net';

/**
 * Tests never reach the network beyond loopback: any socket to another host fails loudly.
 * AWS SDK clients are mocked (aws-sdk-client-mock) and get fake credentials, so no SDK call can leak.
 */
process.env.AWS_ACCESS_KEY_ID = 'test-access-key-id';
process.env.AWS_SECRET_ACCESS_KEY = 'test-secret-access-key';
process.env.AWS_REGION ??= 'ap-northeast-2';
// Never let the SDK's credential chain reach for the EC2 instance metadata service (169.254.169.254).
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
delete process.env.AWS_PROFILE;
delete process.env.AWS_ENDPOINT_URL;
delete process.env.SLACK_WEBHOOK_URL;

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const first = args[0];
  const options = (Array.isArray(first) ? first[0] : first) as
    | { host?: string; path?: string }
    | number
    | string;
  let host: string | undefined;
  if (typeof options === 'object' && options !== null)
    host = options.path ? 'localhost' : (options.host ?? 'localhost');
  else if (typeof options === 'number') host = typeof args[1] === 'string' ? args[1] : 'localhost';
  else if (typeof options === 'string') host = 'localhost'; // a unix socket path
  if (host !== undefined && !LOOPBACK.test(host)) {
    throw new Error(`test tried to reach ${host}: tests may only use loopback`);
  }
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
