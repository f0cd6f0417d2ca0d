/**
 * Errors that carry their exit code. The commander layer (src/cli.ts) is the one place that turns
 * any thrown error into a message and an exit code; nothing else calls process.exit.
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

export class CliError extends Error {
  readonly exitCode: number;
  /** A line telling the user what to do about it. */
  readonly hint: string | undefined;
  constructor(message: string, options: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? EXIT.failure;
    this.hint = options.hint;
  }
}

/** Bad usage or input, detected before any change was made: exit 2. */
export class UsageError extends CliError {
  constructor(message: string, options: { hint?: string } = {}) {
    super(message, { ...options, exitCode: EXIT.usage });
    this.name = 'UsageError';
  }
}

/** The user declined (a confirmation answered "no"): nothing was done, exit 1. */
export class CancelledError extends CliError {
  constructor(message = 'Cancelled; nothing was changed.') {
    super(message, { exitCode: EXIT.failure });
    this.name = 'CancelledError';
  }
}

/** Ctrl-C / SIGINT: exit 130. */
export class InterruptedError extends CliError {
  constructor(message = 'Interrupted.') {
    super(message, { exitCode: EXIT.interrupted });
    this.name = 'InterruptedError';
  }
}

/**
 * An error as the user should read it: AWS's error code and message ("AccessDeniedException: …") for an
 * SDK (or any other named) error, and the message alone for the errors we word ourselves (CliError and
 * its subclasses), whose text already says what happened.
 */
export function awsMessage(error: unknown): string {
  if (error instanceof CliError) return error.message;
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    return `${name}${error.message}`;
  }
  return String(error);
}

/** The AWS error code (`name`) of an SDK error, or undefined. */
export function awsErrorName(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'name' in error && typeof error.name === 'string')
    return error.name;
  return undefined;
}

/**
 * True for the SDK's "not found" errors of any service (shared by resources/ and aws/). SQS answers a
 * missing queue with HTTP 400, not 404: `QueueDoesNotExist` in its JSON protocol (SDK v3 since it
 * switched from Query), `AWS.SimpleQueueService.NonExistentQueue` in the Query protocol's code.
 */
export function isNotFound(error: unknown): boolean {
  const name = awsErrorName(error) ?? '';
  return (
    name === 'NotFoundException' ||
    name === 'QueueDoesNotExist' ||
    name === 'AWS.SimpleQueueService.NonExistentQueue' ||
    name === 'NotFound' ||
    name === 'ResourceNotFoundException' ||
    name === 'NoSuchEntityException' ||
    name === 'NoSuchEntity' ||
    (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode === 404
  );
}

const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'TokenRefreshRequired',
]);

export const CREDENTIALS_HINT =
  'Provide AWS credentials: --profile <name> (after `aws sso login --profile <name>` for SSO), ' +
  'or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) in the environment.';

/** Maps any error to the exit code, message and hint the CLI prints. */
export function describeError(error: unknown): {
  exitCode: number;
  message: string;
  hint: string | undefined;
} {
  if (error instanceof CliError)
    return { exitCode: error.exitCode, message: error.message, hint: error.hint };
  const name = awsErrorName(error);
  if (name === 'ExitPromptError' || name === 'AbortPromptError') {
    return { exitCode: EXIT.interrupted, message: 'Interrupted.', hint: undefined };
  }
  if (name && CREDENTIAL_ERRORS.has(name)) {
    return {
      exitCode: EXIT.failure,
      message: `No usable AWS credentials (${awsMessage(error)})`,
      hint: CREDENTIALS_HINT,
    };
  }
  return { exitCode: EXIT.failure, message: awsMessage(error), hint: undefined };
}
