import { DescribeInstancesCommand, EC2Client, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { REGION } from './constants.js';
import type { Instance } from './types.js';
import { useFakeAws } from './vitest.js';

const aws = useFakeAws();
const ec2 = new EC2Client({ region: REGION });
const RUNNING = [{ Name: 'instance-state-name', Values: ['running'] }];

describe('EC2 DescribeInstances', () => {
  it('lists state.instances with their Name tags, filtered by state, in pages', async () => {
    const instances: Instance[] = [
      { id: 'i-0000000000000000a', name: 'web-1', type: 't3.small' },
      { id: 'i-0000000000000000b', type: 't3.micro' },
      { id: 'i-0000000000000000c', name: 'old', state: 'stopped' },
    ];
    aws.fake.state.instances.push(...instances);
    const seen: Array<[string | undefined, string | undefined]> = [];
    for await (const page of paginateDescribeInstances({ client: ec2, pageSize: 1 }, { Filters: RUNNING }))
      for (const r of page.Reservations ?? [])
        for (const i of r.Instances ?? [])
          seen.push([i.InstanceId, i.Tags?.find((t) => t.Key === 'Name')?.Value]);
    expect(seen).toEqual([
      ['i-0000000000000000a', 'web-1'],
      ['i-0000000000000000b', undefined],
    ]);
    expect(aws.inputs('DescribeInstances')).toHaveLength(2);
  });

  it('an unknown instance id is InvalidInstanceID.NotFound', async () => {
    await expect(
      ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })),
    ).rejects.toMatchObject({
      name: 'InvalidInstanceID.NotFound',
      message: "The instance ID 'i-0123456789abcdef0' does not exist",
    });
  });
});
