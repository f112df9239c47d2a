import { GO_CLIENT_TIMEOUT_MS, createGoLikeAgent, sendCallback } from '../wire/index.js';
import type { EncodedCallback, CallbackOutcome } from '../wire/index.js';
import { excerptOf, messageOf, withoutCredentials } from './sink.js';
import type { AttemptResult, OutgoingEvent, Sink } from './sink.js';
import { assertPublicHost } from './ssrf-guard.js';

/** Posts one attempt; it gets the event too, for a caller that follows each event's attempts. */
export type PostAttempt = (
  job: EncodedCallback,
  headers: readonly string[],
  event: OutgoingEvent,
) => Promise<CallbackOutcome>;

export interface OpenimFormatSinkOptions {
  /** Its name in the relay's status and metrics. */
  readonly name: string;
  /**
   * A business server's webhooks `url` (`http://` or `https://`; user info is sent as Basic auth, as Go does): each
   * event goes to `url + "/" + callbackCommand`, as OpenIM posts it.
   */
  readonly url: string;
  /** Per attempt, ms, or a function of the command. Default 15 s, OpenIM's client limit. */
  readonly timeoutMs?: number | ((command: string) => number);
  /** Header with the relay's stable event id (`evt_…`). Default `Openim-Hooks-Event-Id`. */
  readonly eventIdHeader?: string;
  /** Let the sink reach loopback and private addresses (off by default: SSRF guard, checked at every attempt). */
  readonly allowPrivate?: boolean;
  /**
   * How an attempt is posted. Default: OpenIM's wire (`sendCallback`) over this sink's own connection pool,
   * redirects not followed (a redirect must not lead past the SSRF guard; the 3xx fails the attempt). The emitter's
   * reliable mode passes its own, which counts and signs every attempt.
   */
  readonly post?: PostAttempt;
}

/**
 * OpenIM judges the answer, never the status; a relay must also know whether a retry can help. A 2xx answer Go
 * decodes is delivered (a rejection too: the callback arrived and was judged). A 2xx JSON answer of the wrong shape
 * (`"nextCode": "0"`) comes back the same on every retry: undeliverable. Everything else fails the attempt and is
 * retried: a network error, a timeout, a body that is not JSON, any non-2xx status (410 included: OpenIM's
 * endpoints do not speak in statuses).
 */
export function attemptResultOf(outcome: CallbackOutcome): AttemptResult {
  const { status } = outcome;
  const seen =
    status === null
      ? {}
      : {
          httpStatus: status,
          ...(outcome.responseBody === null ? {} : { responseExcerpt: excerptOf(outcome.responseBody) }),
        };
  if (status !== null && (status < 200 || status > 299))
    return { kind: 'failed', error: `HTTP ${status}`, ...seen };
  if (outcome.result !== 'error') return { kind: 'delivered', ...seen };
  const error = `${outcome.errorKind ?? 'error'}: ${outcome.errorMessage ?? ''}`;
  if (status !== null && outcome.errorKind === 'response-type')
    return { kind: 'undeliverable', error, ...seen };
  return { kind: 'failed', error, ...seen };
}

/**
 * A relay sink that re-posts each recorded callback exactly as OpenIM posted it: same path, OpenIM's headers and
 * operationID, the body bytes as received, plus the relay's stable event id in its own header. One receiver can so
 * fan OpenIM's single `url` out to several business servers, with the relay's retries and dead letters; the
 * emitter's reliable mode is this sink too.
 *
 * @example
 * startRelay({ outbox: store, logger, sinks: [{ sink: openimFormatSink({ name: 'crm', url: 'https://crm/openim' }),
 *   schedule: DEFAULT_RETRY_SCHEDULE_MS }] });
 */
export function openimFormatSink(options: OpenimFormatSinkOptions): Sink {
  const { name, url, timeoutMs = GO_CLIENT_TIMEOUT_MS, allowPrivate = false } = options;
  const header = options.eventIdHeader ?? 'Openim-Hooks-Event-Id';
  const hostname = new URL(url).hostname;
  const agent = options.post === undefined ? createGoLikeAgent(url) : undefined;
  const post: PostAttempt =
    options.post ??
    ((job, headers) =>
      sendCallback({
        url,
        ...job,
        ...(agent ? { agent } : {}),
        extraHeaders: headers,
        followRedirects: false,
      }));

  async function deliver(event: OutgoingEvent): Promise<AttemptResult> {
    try {
      if (!allowPrivate) await assertPublicHost(hostname);
    } catch (error) {
      return { kind: 'failed', error: messageOf(error) };
    }
    const job: EncodedCallback = {
      command: event.callbackCommand,
      requestBody: Buffer.from(event.rawBody).toString('utf8'),
      operationID: event.operationID,
      timeoutMs: typeof timeoutMs === 'number' ? timeoutMs : timeoutMs(event.callbackCommand),
    };
    return attemptResultOf(await post(job, [header, event.eventId], event));
  }

  return {
    name,
    kind: 'openim',
    target: withoutCredentials(url),
    deliver,
    close() {
      agent?.destroy();
      return Promise.resolve();
    },
  };
}
