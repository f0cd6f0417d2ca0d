/**
 * The policy documents of the notifier's role: its trust, kms:Decrypt of the webhook URL (only under the
 * function's EncryptionContext), and the undelivered-alert queue (send for Lambda's on-failure
 * destination; receive, delete and read attributes for the event source mapping that drains it), each
 * on that one resource only. Pure: the role module (./role.ts) and `status` compare against them.
 */
import type { StackContext } from './context.js';

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Array<Record<string, unknown>>;
}

export function trustPolicy(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  };
}

/** kms:Decrypt on the key ARN only, StringEquals kms:EncryptionContext:LambdaFunctionName = function name. */
export function decryptPolicy(ctx: Pick<StackContext, 'names'>, keyArn: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DecryptSlackWebhookUrl',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: keyArn,
        Condition: {
          StringEquals: { 'kms:EncryptionContext:LambdaFunctionName': ctx.names.functionName },
        },
      },
    ],
  };
}

/** The queue `<name>-undelivered` only: SendMessage (on-failure destination), and what draining it needs. */
export function queuePolicy(ctx: Pick<StackContext, 'arns'>): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'KeepUndeliveredAlerts',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: ctx.arns.queueArn,
      },
      {
        Sid: 'RedeliverUndeliveredAlerts',
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        Resource: ctx.arns.queueArn,
      },
    ],
  };
}
