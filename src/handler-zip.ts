/**
 * The deployment package: handler-template/ zipped deterministically (sorted entries, fixed timestamps
 * and modes), so the same code always has the same CodeSha256. CONTRACT STUB: implemented with the
 * notifier work.
 */
export async function buildHandlerZip(_dir?: string): Promise<{ zip: Buffer; codeSha256: string }> {
  throw new Error('not implemented');
}
