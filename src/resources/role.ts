import type { Ensured, PlanItem, StackContext, Tags } from './context.js';

/** IAM role `<name>-lambda-role` with AWSLambdaBasicExecutionRole and inline `<name>-kms-decrypt`. CONTRACT STUB. */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Array<Record<string, unknown>>;
}

export interface RoleFound {
  arn: string;
  trustPolicy: PolicyDocument | undefined;
  attachedPolicyArns: string[];
  inlinePolicyNames: string[];
  /** Our inline policy's document, when present. */
  decryptPolicy: PolicyDocument | undefined;
  tags: Tags;
}

export function trustPolicy(): PolicyDocument {
  throw new Error('not implemented');
}

/** kms:Decrypt on the key ARN only, StringEquals kms:EncryptionContext:LambdaFunctionName = function name. */
export function decryptPolicy(_ctx: StackContext, _keyArn: string): PolicyDocument {
  throw new Error('not implemented');
}

export async function findRole(_ctx: StackContext): Promise<RoleFound | undefined> {
  throw new Error('not implemented');
}

/** keyArn undefined when the key does not exist yet (then the role needs at least an update). */
export function planRole(
  _ctx: StackContext,
  _found: RoleFound | undefined,
  _keyArn: string | undefined,
): PlanItem {
  throw new Error('not implemented');
}

/** Creates or brings in line trust, managed attachment and inline policy. Undo reverts exactly that. */
export async function ensureRole(
  _ctx: StackContext,
  _found: RoleFound | undefined,
  _keyArn: string,
): Promise<Ensured<{ arn: string }>> {
  throw new Error('not implemented');
}

/** Detaches managed policies, deletes inline policies, deletes the role; no-op when gone. */
export async function removeRole(_ctx: StackContext): Promise<void> {
  throw new Error('not implemented');
}
