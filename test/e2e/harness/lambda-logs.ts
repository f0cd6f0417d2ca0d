import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { aws, unlessMissing } from './aws.js';

/**
 * Lambda writes its own lines around every invocation (START/END/REPORT RequestId in the text log
 * format, platform.start/platform.report records in JSON), which the CLI's `test --through-alarm` reads.
 * An emulator may not write them: tests that depend on them ask first, once the function has run.
 */
const PLATFORM = /^(START|REPORT) RequestId:|"type":\s*"platform\.(start|report)"/;

export async function hasPlatformLogLines(logGroupName: string): Promise<boolean> {
  const out = await unlessMissing(
    aws().logs.send(new FilterLogEventsCommand({ logGroupName, limit: 10_000 })),
  );
  return (out?.events ?? []).some((e) => PLATFORM.test(e.message ?? ''));
}
