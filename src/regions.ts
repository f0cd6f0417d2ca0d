/**
 * Region codes and the display names CloudWatch puts in alarm messages ("Asia Pacific (Seoul)"): the
 * notifier's own table (it ships unbundled in the function's zip; the CLI's bundle takes a copy of it).
 */
import { REGION_NAMES } from '../handler-template/text.mjs';

export { REGION_NAMES };

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** The region code for a display name or city ("Seoul", "Asia Pacific (Seoul)", "EU - Ireland"). */
export function regionCodeForName(name: string): string | undefined {
  const wanted = norm(name).replace(/^eu /, 'europe ');
  if (!wanted) return undefined;
  for (const [code, display] of Object.entries(REGION_NAMES)) {
    const full = norm(display);
    const city = norm(display.replace(/^.*\(|\)$/g, ''));
    if (wanted === full || wanted === city || full.endsWith(` ${wanted}`)) return code;
  }
  return undefined;
}
