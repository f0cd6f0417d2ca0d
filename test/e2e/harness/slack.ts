import { readFileSync, statSync } from 'node:fs';
import { e2e } from './config.js';

/**
 * The Slack stand-in (the emulator's slack-sink.mjs or the harness's local receiver): what it received
 * since a mark, and its switches. Both log one JSON line per request and take the same /__control.
 */
interface SlackRequest {
  at: string;
  method: string;
  path: string;
  body: unknown;
  status: number;
}

/** A position in the stand-in's log: requests logged after it are "new". */
type SlackMark = number;

function size(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export function slackMark(): SlackMark {
  return size(e2e().slack.log);
}

/** The requests logged since `mark`, optionally only those to one webhook path. */
export function slackSince(mark: SlackMark, opts: { path?: string } = {}): SlackRequest[] {
  const text = readFileSync(e2e().slack.log).subarray(mark).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as SlackRequest];
      } catch {
        return []; // a line being written right now
      }
    })
    .filter((r) => opts.path === undefined || r.path === opts.path);
}

/** The message's text and blocks as one string, to search. */
export function messageText(request: SlackRequest): string {
  return typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
}

interface SlackSwitches {
  /** The next N requests answer 500. */
  fail?: number;
  /** The next N requests answer 429 with Retry-After: 1. */
  limit429?: number;
  /** A per-webhook token bucket: R a second, burst B (rate 0: off). */
  rate?: number;
  burst?: number;
}

export async function slackControl(switches: SlackSwitches): Promise<Record<string, number>> {
  const query = new URLSearchParams(
    Object.entries(switches).map(([k, v]): [string, string] => [k, String(v)]),
  );
  const res = await fetch(`${e2e().slack.origin}/__control?${query}`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`Slack stand-in /__control answered ${res.status}`);
  return (await res.json()) as Record<string, number>;
}

/** Every switch back off (afterEach: files share the stand-in). */
export function resetSlack(): Promise<Record<string, number>> {
  return slackControl({ fail: 0, limit429: 0, rate: 0 });
}
