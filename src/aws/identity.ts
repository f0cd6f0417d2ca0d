import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { awsErrorName, awsMessage, CliError, CREDENTIALS_HINT } from '../errors.js';
import type { AwsClients } from './clients.js';

export interface Identity {
  account: string;
  /** The caller's ARN (user or assumed role). */
  arn: string;
  partition: string;
}

/** STS GetCallerIdentity: who and where. No credentials: exit 1 with how to provide them. */
export async function whoAmI(clients: AwsClients): Promise<Identity> {
  try {
    const out = await clients.get(STSClient).send(new GetCallerIdentityCommand({}));
    const arn = out.Arn ?? '';
    const account = out.Account ?? arn.split(':')[4] ?? '';
    if (!account) throw new CliError('STS GetCallerIdentity returned no account.');
    return { account, arn, partition: arn.split(':')[1] || 'aws' };
  } catch (error) {
    if (error instanceof CliError) throw error;
    const name = awsErrorName(error) ?? '';
    if (
      /Credential|Token|SignatureDoesNotMatch|UnrecognizedClient|InvalidClientTokenId|SSO/i.test(
        name + awsMessage(error),
      )
    ) {
      throw new CliError(`No usable AWS credentials: ${awsMessage(error)}`, {
        hint: CREDENTIALS_HINT,
        cause: error,
      });
    }
    throw error;
  }
}
