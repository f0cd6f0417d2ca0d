import { DescribeInstancesCommand, type Instance } from '@aws-sdk/client-ec2';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { instanceLabel, listRunningInstances } from '../../src/aws/instances.js';
import { mockAws, testClients } from '../helpers/aws.js';

const mocks = mockAws();
beforeEach(() => mocks.reset());
afterAll(() => mocks.restore());

const instance = (id: string, name?: string): Instance => ({
  InstanceId: id,
  InstanceType: 't3.micro' as Instance['InstanceType'],
  Tags: name
    ? [
        { Key: 'env', Value: 'prod' },
        { Key: 'Name', Value: name },
      ]
    : [],
});

describe('listRunningInstances', () => {
  it('reads every page of running instances and lists named ones first, by name', async () => {
    mocks.ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce({
        Reservations: [
          { Instances: [instance('i-00000000000000003'), instance('i-00000000000000002', 'web-2')] },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({ Reservations: [{ Instances: [instance('i-00000000000000001', 'api')] }] });
    const list = await listRunningInstances(testClients());
    expect(list.map(instanceLabel)).toEqual([
      'i-00000000000000001 (api)',
      'i-00000000000000002 (web-2)',
      'i-00000000000000003',
    ]);
    const inputs = mocks.ec2.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input);
    expect(inputs).toHaveLength(2);
    expect(inputs[0]).toMatchObject({ Filters: [{ Name: 'instance-state-name', Values: ['running'] }] });
    expect(inputs[1]).toMatchObject({ NextToken: 'page-2' });
  });

  it('stops at the maximum', async () => {
    mocks.ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            instance('i-00000000000000001'),
            instance('i-00000000000000002'),
            instance('i-00000000000000003'),
          ],
        },
      ],
      NextToken: 'more',
    });
    const list = await listRunningInstances(testClients(), { max: 2 });
    expect(list).toHaveLength(2);
    expect(mocks.ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(1);
  });
});
