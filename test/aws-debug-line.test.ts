import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { clientsDebugLine, createAwsClients } from '../src/aws/clients.js';

describe('the --debug line of the AWS clients a command created', () => {
  it("names them as the SDK's packages do, in the order they were created", () => {
    expect(clientsDebugLine(['STS', 'CloudWatch', 'Lambda', 'CloudWatch Logs', 'EventBridge'])).toBe(
      'AWS clients created: sts, cloudwatch, lambda, cloudwatch-logs, eventbridge',
    );
  });

  it("reads the factory's own list (the SDK's service ids)", () => {
    const clients = createAwsClients({ region: 'ap-northeast-2' });
    clients.get(CloudWatchLogsClient);
    clients.get(STSClient);
    expect(clientsDebugLine(clients.created())).toBe('AWS clients created: cloudwatch-logs, sts');
  });

  it('is nothing when no client was created', () => {
    expect(clientsDebugLine([])).toBeUndefined();
  });
});
