/**
 * Reading a Lambda function's log group for the invocations since a moment: which started, which
 * finished, and the error of each (Lambda's text and JSON log formats both).
 */
import { CloudWatchLogsClient, paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import { isNotFound } from '../errors.js';
import type { AwsClients } from './clients.js';

export interface Invocation {
  requestId: string;
  /** A REPORT (platform.report) line was seen: the invocation ended. */
  finished: boolean;
  /** The error the invocation logged (ERROR line, "Task timed out", a failed platform.report). */
  error?: string;
}

/** The lines that tell an invocation's story; everything else the function logs is not fetched. */
export const INVOCATION_FILTER =
  '?"START RequestId" ?"REPORT RequestId" ?ERROR ?"Task timed out" ?"platform.start" ?"platform.report"';

const MAX_PAGES = 5;

/**
 * FilterLogEvents from `startTime` (ms), at most MAX_PAGES pages; [] while the log group does not exist yet.
 * `filterPattern` picks the lines (INVOCATION_FILTER unless given).
 */
export async function invocationLogLines(
  clients: AwsClients,
  logGroupName: string,
  startTime: number,
  filterPattern = INVOCATION_FILTER,
): Promise<string[]> {
  const lines: string[] = [];
  const pages = paginateFilterLogEvents(
    { client: clients.get(CloudWatchLogsClient) },
    { logGroupName, startTime, filterPattern },
  );
  let read = 0;
  try {
    for await (const page of pages) {
      for (const event of page.events ?? []) if (event.message) lines.push(event.message);
      if (++read >= MAX_PAGES) break;
    }
  } catch (error) {
    if (isNotFound(error)) return lines;
    throw error;
  }
  return lines;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const REQUEST_ID = new RegExp(`RequestId:\\s*(${UUID})`, 'i');
/** "2026-…Z\t<request id>\tERROR\tInvoke Error \t{…}" */
const TEXT_LINE = new RegExp(`^\\S+\\s+(${UUID})\\s+ERROR\\s+(.*)$`, 'is');
/** "2026-…Z <request id> Task timed out after 15.02 seconds" */
const TIMED_OUT = new RegExp(`(?:(${UUID})\\s+)?(Task timed out after [\\d.]+ seconds)`, 'i');

/** "errorType: errorMessage" of the JSON in an error line; the line, squeezed, when it holds none. */
export function errorFromText(text: string): string {
  const brace = text.indexOf('{');
  if (brace >= 0) {
    try {
      const parsed = JSON.parse(text.slice(brace)) as { errorType?: unknown; errorMessage?: unknown };
      if (typeof parsed.errorMessage === 'string') {
        const type =
          typeof parsed.errorType === 'string' && parsed.errorType !== 'Error' ? `${parsed.errorType}: ` : '';
        return `${type}${parsed.errorMessage}`;
      }
    } catch {
      // not JSON: keep the text
    }
  }
  return text.replace(/\s+/g, ' ').trim();
}

interface JsonLine {
  type?: string;
  level?: string;
  requestId?: string;
  message?: unknown;
  errorType?: unknown;
  errorMessage?: unknown;
  record?: { requestId?: string; status?: string; errorType?: string };
}

/** Groups log lines into invocations, in order of first appearance. */
export function readInvocations(lines: readonly string[]): Invocation[] {
  const byId = new Map<string, Invocation>();
  const get = (id: string) => {
    let inv = byId.get(id);
    if (!inv) {
      inv = { requestId: id, finished: false };
      byId.set(id, inv);
    }
    return inv;
  };
  let last: Invocation | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith('{')) {
      let json: JsonLine;
      try {
        json = JSON.parse(line) as JsonLine;
      } catch {
        continue;
      }
      const id = json.record?.requestId ?? json.requestId;
      if (!id) continue;
      last = get(id);
      if (json.type === 'platform.report') {
        last.finished = true;
        if (json.record?.status && json.record.status !== 'success')
          last.error ??=
            json.record.status === 'timeout' ? 'Task timed out' : (json.record.errorType ?? 'error');
      } else if (json.level === 'ERROR') {
        last.error = errorFromText(
          typeof json.errorMessage === 'string' ? JSON.stringify(json) : String(json.message ?? ''),
        );
      }
      continue;
    }
    if (line.startsWith('START RequestId') || line.startsWith('REPORT RequestId')) {
      const id = REQUEST_ID.exec(line)?.[1];
      if (!id) continue;
      last = get(id);
      if (line.startsWith('REPORT')) {
        last.finished = true;
        if (/Status:\s*timeout/i.test(line)) last.error ??= 'Task timed out';
      }
      continue;
    }
    const text = TEXT_LINE.exec(line);
    if (text?.[1]) {
      get(text[1]).error = errorFromText(text[2] ?? '');
      continue;
    }
    const timeout = TIMED_OUT.exec(line);
    if (timeout?.[2]) {
      const inv = timeout[1] ? get(timeout[1]) : last;
      if (inv) inv.error = timeout[2];
    }
  }
  return [...byId.values()];
}
