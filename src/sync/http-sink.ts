import { parseRetryAfter } from './retry-after.js';
import { EXCERPT_BYTES, excerptOf, messageOf, withoutCredentials } from './sink.js';
import type { AttemptResult, OutgoingEvent, Sink } from './sink.js';
import { assertPublicHost } from './ssrf-guard.js';
import { standardWebhookSignature } from './standard-webhook-signature.js';

export interface HttpSinkOptions {
  name: string;
  url: string;
  /** Standard Webhooks secrets (`whsec_…`); several at once while the receiver rotates. None: unsigned. */
  secrets?: readonly string[];
  /** Default 15 s. */
  timeoutMs?: number;
  /** Let the sink reach loopback and private addresses (off by default: SSRF guard). */
  allowPrivate?: boolean;
}

/**
 * POSTs the envelope, signed per the Standard Webhooks spec with a timestamp fresh on every attempt (a stale one
 * fails receivers' tolerance checks on retries), and reads the answer: 2xx delivered, 410 gone, 429/503 honour
 * Retry-After, anything else (3xx included: redirects are not followed) fails the attempt.
 */
export function createHttpSink(options: HttpSinkOptions): Sink {
  const { name, url, secrets = [], timeoutMs = 15_000, allowPrivate = false } = options;
  const hostname = new URL(url).hostname;

  async function deliver(event: OutgoingEvent): Promise<AttemptResult> {
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'openim-hooks',
      'webhook-id': event.eventId,
      'webhook-timestamp': String(timestamp),
    };
    if (secrets.length > 0)
      headers['webhook-signature'] = standardWebhookSignature(secrets, event.eventId, timestamp, event.body);
    try {
      if (!allowPrivate) await assertPublicHost(hostname);
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body: event.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const seen = { httpStatus: response.status, responseExcerpt: await readExcerpt(response) };
      if (response.status >= 200 && response.status < 300) return { kind: 'delivered', ...seen };
      if (response.status === 410) return { kind: 'gone', error: 'HTTP 410 Gone', ...seen };
      const retryAfterMs =
        response.status === 429 || response.status === 503
          ? parseRetryAfter(response.headers.get('retry-after'))
          : undefined;
      const error = `HTTP ${response.status}`;
      return retryAfterMs === undefined
        ? { kind: 'failed', error, ...seen }
        : { kind: 'failed', error, retryAfterMs, ...seen };
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return { kind: 'failed', error: `${messageOf(error)}${cause}` };
    }
  }

  return { name, kind: 'http', target: withoutCredentials(url), deliver, close: async () => undefined };
}

/** The first EXCERPT_BYTES of the answer, for the attempt history; the rest is not read. Never throws. */
async function readExcerpt(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut short: what arrived is the excerpt.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return excerptOf(Buffer.concat(chunks));
}
