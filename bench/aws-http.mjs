// A loopback HTTP server that plays AWS for a CLI run with --endpoint-url: every request is answered after a
// fixed latency, and recorded with its arrival time and service (the SigV4 credential scope
// …/<region>/<service>/aws4_request). STS GetCallerIdentity is answered properly; every other read says
// "not found" in its service's protocol (an empty page for List…s/Describe…s), so that a command about a
// stack that does not exist runs to its end. Nothing leaves the machine.
import { createServer } from 'node:http';

export const ACCOUNT = '123456789012';

/** The "not found" code of each service (by its signing name) that answers JSON. */
const JSON_NOT_FOUND = {
  kms: 'NotFoundException',
  logs: 'ResourceNotFoundException',
  events: 'ResourceNotFoundException',
  monitoring: 'ResourceNotFound', // CloudWatch: AWS JSON 1.0, query-compatible codes
  sqs: 'AWS.SimpleQueueService.NonExistentQueue',
};
/** Query-compatible JSON services also name the query code in x-amzn-query-error. */
const QUERY_COMPATIBLE = new Set(['monitoring', 'sqs']);
/** The "not found" code of each service that answers XML (awsQuery). */
const QUERY_NOT_FOUND = { sns: 'NotFound', iam: 'NoSuchEntity' };

const requestId = () => `bench-${Math.random().toString(16).slice(2, 10)}`;

/** The service from `Credential=AKID/20260101/ap-northeast-2/sts/aws4_request`. */
export function serviceOf(authorization = '') {
  return /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization)?.[1] ?? 'unsigned';
}

/** A page of nothing: List…s and Describe…s (not the ones about one resource's tags), metrics without data. */
const isEmptyPage = (operation) =>
  (/^(List|Describe)\w*s$/.test(operation) && !/Tags/.test(operation)) || operation === 'GetMetricData';

function answerQuery(service, operation) {
  if (service === 'sts' && operation === 'GetCallerIdentity') {
    const xml = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult><Arn>arn:aws:iam::${ACCOUNT}:user/bench</Arn><UserId>AIDABENCH</UserId><Account>${ACCOUNT}</Account></GetCallerIdentityResult>
  <ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`;
    return { status: 200, headers: { 'content-type': 'text/xml' }, body: xml };
  }
  const code = QUERY_NOT_FOUND[service] ?? 'ResourceNotFound';
  const xml = `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${operation}: not found (bench)</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`;
  return { status: 404, headers: { 'content-type': 'text/xml' }, body: xml };
}

function answerJson(service, operation) {
  const type = 'application/x-amz-json-1.1';
  if (isEmptyPage(operation)) return { status: 200, headers: { 'content-type': type }, body: '{}' };
  const code = JSON_NOT_FOUND[service] ?? 'ResourceNotFoundException';
  const headers = { 'content-type': type, 'x-amzn-errortype': code, 'x-amzn-requestid': requestId() };
  if (QUERY_COMPATIBLE.has(service)) headers['x-amzn-query-error'] = `${code};Sender`;
  const body = JSON.stringify({ __type: code, message: `${operation}: not found (bench)` });
  return { status: 400, headers, body };
}

/** REST-JSON (Lambda): 404 with the error type in x-amzn-errortype. */
function answerRest(operation) {
  const headers = {
    'content-type': 'application/json',
    'x-amzn-errortype': 'ResourceNotFoundException',
    'x-amzn-requestid': requestId(),
  };
  return { status: 404, headers, body: JSON.stringify({ Type: 'User', message: `${operation}: not found` }) };
}

/**
 * Starts the server; `requests` holds {at, service, operation} (at: performance.now() of this process when
 * the request's headers arrived). `clear()` empties it between runs; `close()` stops the server.
 */
export async function fakeAwsHttp({ latencyMs = 50 } = {}) {
  const requests = [];
  const server = createServer((req, res) => {
    const at = performance.now();
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const service = serviceOf(req.headers.authorization);
      const target = req.headers['x-amz-target'];
      let answer;
      let operation;
      if (typeof target === 'string') {
        operation = target.split('.').pop();
        answer = answerJson(service, operation);
      } else if (/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) {
        operation = new URLSearchParams(body).get('Action') ?? '?';
        answer = answerQuery(service, operation);
      } else {
        operation = `${req.method} ${req.url?.split('?')[0]}`;
        answer = answerRest(operation);
      }
      requests.push({ at, service, operation });
      setTimeout(() => res.writeHead(answer.status, answer.headers).end(answer.body), latencyMs);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    clear: () => requests.splice(0),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}
