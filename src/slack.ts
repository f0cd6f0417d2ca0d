/**
 * Posting to a Slack incoming webhook from the CLI (the "connected" verification before `init` changes
 * anything). The URL is a credential: it is never logged, and no message built here contains it (a
 * network error is reported with the host only).
 */
interface SlackAnswer {
  /** True when Slack answered 200 (its body is then "ok"). */
  ok: boolean;
  /** HTTP status, or 0 when no answer came (network error, timeout). */
  status: number;
  /** Slack's answer, e.g. "ok", "invalid_token", "no_service", "channel_is_archived"; or the network error. */
  body: string;
}

const SLACK_TIMEOUT_MS = 10_000;

const MAX_BODY = 300;

/** POSTs `payload` as JSON to the webhook and returns Slack's status and body; never throws for HTTP errors. */
export async function postToSlack(
  webhookUrl: string,
  payload: Record<string, unknown>,
  opts: { timeoutMs?: number; signal?: AbortSignal | undefined } = {},
): Promise<SlackAnswer> {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? SLACK_TIMEOUT_MS);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let host = 'the webhook host';
  try {
    host = new URL(webhookUrl).host;
  } catch {
    // validated before; keep the generic wording
  }
  try {
    const response = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal,
      redirect: 'error',
    });
    const body = (await response.text()).trim().slice(0, MAX_BODY);
    return { ok: response.status === 200, status: response.status, body };
  } catch (error) {
    if (opts.signal?.aborted) throw opts.signal.reason ?? error;
    if (timeout.aborted) {
      return {
        ok: false,
        status: 0,
        body: `no answer from ${host} within ${opts.timeoutMs ?? SLACK_TIMEOUT_MS} ms`,
      };
    }
    const reason = scrub(networkReason(error), webhookUrl);
    return { ok: false, status: 0, body: `could not reach ${host}: ${reason}` };
  }
}

/** Removes the URL (and its secret path) from a message, should a library have quoted it. */
function scrub(message: string, webhookUrl: string): string {
  let out = message.split(webhookUrl).join('****');
  try {
    const { pathname } = new URL(webhookUrl);
    if (pathname.length > 1) out = out.split(pathname).join('/****');
  } catch {
    // nothing more to remove
  }
  return out;
}

/** The cause of a fetch failure ("connect ECONNREFUSED 127.0.0.1:9"), without the URL. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  const source = cause instanceof Error ? cause : error;
  const code = (source as { code?: string } | undefined)?.code;
  const message = source instanceof Error ? source.message : String(source);
  return code && !message.includes(code) ? `${code} ${message}` : message;
}

/** The hint for Slack's usual error answers. */
export function slackHint(answer: SlackAnswer): string | undefined {
  switch (answer.body) {
    case 'invalid_token':
    case 'no_service':
    case 'no_team':
      return 'The webhook was revoked or mistyped: create a new one (Slack app → Incoming Webhooks) and pass it with --webhook-url.';
    case 'channel_is_archived':
    case 'channel_not_found':
      return "The webhook's channel is archived or gone: create a webhook for an active channel.";
    case 'action_prohibited':
      return 'A Slack admin restricted this webhook; ask them, or use another channel.';
    default:
      return answer.status === 0
        ? 'Check the network (a proxy?) or pass --no-verify-webhook to skip this check.'
        : undefined;
  }
}
