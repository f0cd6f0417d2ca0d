import { EC2Client, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import type { AwsClients } from './clients.js';

/** A running EC2 instance offered for the CPU alarm. */
export interface RunningInstance {
  id: string;
  /** The Name tag, when there is one. */
  name: string | undefined;
  type: string | undefined;
}

/** At most this many instances are listed (a select longer than that is not a pick any more). */
const MAX_LISTED_INSTANCES = 200;

/**
 * The region's running instances with their Name tags (DescribeInstances, every page), named ones first,
 * then by name and id.
 */
export async function listRunningInstances(
  clients: AwsClients,
  opts: { max?: number; signal?: AbortSignal | undefined } = {},
): Promise<RunningInstance[]> {
  const max = opts.max ?? MAX_LISTED_INSTANCES;
  const found: RunningInstance[] = [];
  const pages = paginateDescribeInstances(
    { client: clients.get(EC2Client), pageSize: 100 },
    { Filters: [{ Name: 'instance-state-name', Values: ['running'] }] },
  );
  outer: for await (const page of pages) {
    for (const reservation of page.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) {
        if (!instance.InstanceId) continue;
        const name = instance.Tags?.find((t) => t.Key === 'Name')?.Value;
        found.push({ id: instance.InstanceId, name: name || undefined, type: instance.InstanceType });
        if (found.length >= max) break outer;
      }
    }
    if (opts.signal?.aborted) break;
  }
  return found.sort(
    (a, b) =>
      Number(a.name === undefined) - Number(b.name === undefined) ||
      (a.name ?? '').localeCompare(b.name ?? '') ||
      a.id.localeCompare(b.id),
  );
}

/** "i-0123456789abcdef0 (web-1)" or just the id. */
export function instanceLabel(instance: RunningInstance): string {
  return instance.name ? `${instance.id} (${instance.name})` : instance.id;
}
