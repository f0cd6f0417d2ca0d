import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A recording pass-through on 127.0.0.1 between the CLI and the AWS endpoint: every call is forwarded
 * unchanged and noted as {service, action, write}. It tells "made no write" exactly, also for writes
 * that leave no trace in what AWS returns (a PutRolePolicy with the same document, a TagResource with
 * the same tag).
 */
export interface AwsCall {
  /** The SigV4 signing name: sns, kms, iam, lambda, monitoring, logs, sts, … */
  service: string;
  /** The API action, e.g. PutMetricAlarm, UpdateFunctionConfiguration. */
  action: string;
  /** Whether it may change something (anything but a read, a test invocation or an encrypt/decrypt). */
  write: boolean;
  status: number;
}

const READS = /^(Get|List|Describe|Filter|Lookup|Decrypt|Encrypt|GenerateDataKey|Invoke$)/;

/** Lambda's REST operations by method and path (the other services name the action in the request). */
function lambdaAction(method: string, path: string): string {
  const p = path.split('?')[0] ?? '';
  const table: Array<[string, RegExp, string]> = [
    ['POST', /\/functions\/?$/, 'CreateFunction'],
    ['GET', /\/functions\/?$/, 'ListFunctions'],
    ['POST', /\/functions\/[^/]+\/invocations$/, 'Invoke'],
    ['GET', /\/functions\/[^/]+\/configuration$/, 'GetFunctionConfiguration'],
    ['PUT', /\/functions\/[^/]+\/configuration$/, 'UpdateFunctionConfiguration'],
    ['PUT', /\/functions\/[^/]+\/code$/, 'UpdateFunctionCode'],
    ['GET', /\/functions\/[^/]+\/policy$/, 'GetPolicy'],
    ['POST', /\/functions\/[^/]+\/policy$/, 'AddPermission'],
    ['DELETE', /\/functions\/[^/]+\/policy\/[^/]+$/, 'RemovePermission'],
    ['GET', /\/functions\/[^/]+$/, 'GetFunction'],
    ['DELETE', /\/functions\/[^/]+$/, 'DeleteFunction'],
    ['GET', /\/tags\/.+$/, 'ListTags'],
    ['POST', /\/tags\/.+$/, 'TagResource'],
    ['DELETE', /\/tags\/.+$/, 'UntagResource'],
  ];
  return table.find(([m, re]) => m === method && re.test(p))?.[2] ?? `${method} ${p}`;
}

function describeCall(
  method: string,
  path: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
): Omit<AwsCall, 'status'> {
  const auth = String(headers.authorization ?? '');
  const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(auth)?.[1] ?? 'unknown';
  const target = headers['x-amz-target'];
  let action: string | undefined;
  if (typeof target === 'string') action = target.split('.').pop();
  action ??= /\/operation\/([A-Za-z0-9]+)$/.exec(path.split('?')[0] ?? '')?.[1]; // Smithy RPC v2 (CloudWatch)
  if (!action && String(headers['content-type'] ?? '').includes('x-www-form-urlencoded'))
    action = new URLSearchParams(body).get('Action') ?? undefined; // query protocol (SNS, IAM, STS)
  if (!action && service === 'lambda') {
    action = lambdaAction(method, path);
    return { service, action, write: method !== 'GET' && action !== 'Invoke' };
  }
  action ??= `${method} ${path}`;
  return { service, action, write: !READS.test(action) };
}

interface CallRecorder {
  url: string;
  calls: AwsCall[];
  close(): Promise<void>;
}

export async function startCallRecorder(target: string): Promise<CallRecorder> {
  const to = new URL(target);
  const calls: AwsCall[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const call = describeCall(req.method ?? 'GET', req.url ?? '/', req.headers, body.toString('utf8'));
      const upstream = request(
        { host: to.hostname, port: to.port || 80, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          calls.push({ ...call, status: answer.statusCode ?? 0 });
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', (error) => {
        calls.push({ ...call, status: 0 });
        res.writeHead(502);
        res.end(String(error));
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
