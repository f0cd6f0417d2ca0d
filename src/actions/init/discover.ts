import { buildHandlerZip } from '../../handler-zip.js';
import { discoverStack, type StackFound } from '../discover-stack.js';

/** What exists before the run, and the deployment package (built once). */
export interface Discovered extends StackFound {
  zip: { zip: Buffer; codeSha256: string };
}

/** Every resource at once (one round trip on the critical path), with the zip built meanwhile. */
export async function discover(stack: Parameters<typeof discoverStack>[0]): Promise<Discovered> {
  const [found, zip] = await Promise.all([discoverStack(stack), buildHandlerZip()]);
  return { ...found, zip };
}
