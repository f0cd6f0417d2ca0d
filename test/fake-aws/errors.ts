/**
 * AWS error replies as the SDK v3 surfaces them: `name` is the SDK's exception name, `$fault` and
 * `$metadata.httpStatusCode` as the SDK sets them. Services on the Query protocol (IAM, SNS) and the
 * query-compatible JSON ones (SQS, CloudWatch) also carry AWS's wire code as `Code` and
 * `Error: { Code, Type, Message }`, e.g. SQS's QueueDoesNotExist has Code
 * "AWS.SimpleQueueService.NonExistentQueue" (checked against the installed SDK's deserialiser).
 */
export interface AwsError extends Error {
  $fault: 'client' | 'server';
  $metadata: { httpStatusCode: number };
  Code?: string;
  Type?: string;
  Error?: { Code: string; Type: string; Message: string };
}

/** An SDK-shaped AWS error. `code` is the wire code where it differs from `name` (Query protocols). */
export function awsError(name: string, status = 400, message = `${name} from AWS`, code?: string): AwsError {
  const fault = status < 500 ? 'client' : 'server';
  const error = Object.assign(new Error(message), {
    name,
    $fault: fault,
    $metadata: { httpStatusCode: status },
  }) as AwsError;
  if (code !== undefined) {
    const Type = fault === 'client' ? 'Sender' : 'Receiver';
    Object.assign(error, { Code: code, Type, Error: { Code: code, Type, Message: message } });
  }
  return error;
}

/** CloudWatch's and other Coral services' input validation message. */
export function validationMessage(value: string, member: string, constraint: string): string {
  return `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`;
}
