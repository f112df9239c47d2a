import type { AttemptResult, OutgoingEvent, Sink } from '../../sync/sink.js';
import { createGoLikeAgent } from '../create-go-like-agent.js';
import { effectiveTimeoutMs } from '../effective-timeout.js';
import { isRetryable } from './is-retryable.js';
import { sendEncodedCallback } from '../send-encoded-callback.js';

export interface OpenimFormatSinkOptions {
  /** Its name in the relay's status and metrics. */
  readonly name: string;
  /** A business server's webhooks `url`: each event goes to `url + "/" + callbackCommand`, as OpenIM posts it. */
  readonly url: string;
  /** Seconds, as in webhooks.yml; effective min(timeout, 15 s). Default 5. */
  readonly timeoutSeconds?: number;
  /** Header with the relay's stable event id. Default `Openim-Hooks-Event-Id`. */
  readonly eventIdHeader?: string;
}

/**
 * The payload as OpenIM sent it, cut out of the relay's envelope (`{"id":…,"payload":<raw body>}`, the raw body
 * spliced in as received without its trailing newline, which OpenIM's encoder always writes).
 */
function originalBody(envelope: string): string {
  const start = envelope.indexOf('"payload":') + '"payload":'.length;
  return `${envelope.slice(start, envelope.lastIndexOf('}'))}\n`;
}

/**
 * A relay sink that forwards each recorded callback to another server exactly as OpenIM would have posted it
 * (same path, headers, body bytes and operationID), so one receiver can fan OpenIM's single `url` out to several
 * business servers, with the relay's retries. Delivered = a 2xx answer Go could decode; nothing listening = the
 * sink is unavailable; 410 = gone; anything else = a failed attempt, retried on the relay's schedule.
 *
 * @example
 * startRelay({ outbox, logger, sinks: [{ sink: openimFormatSink({ name: 'crm', url: 'http://crm/openim' }),
 *   schedule: exponentialSchedule(8) }] });
 */
export function openimFormatSink(options: OpenimFormatSinkOptions): Sink {
  const agent = createGoLikeAgent(options.url);
  const header = options.eventIdHeader ?? 'Openim-Hooks-Event-Id';
  const target = new URL(options.url);
  target.username = '';
  target.password = '';
  return {
    name: options.name,
    kind: 'http',
    target: target.href,
    async deliver(event: OutgoingEvent): Promise<AttemptResult> {
      const outcome = await sendEncodedCallback({
        url: options.url,
        command: event.callbackCommand,
        requestBody: originalBody(event.body),
        operationID: event.operationID,
        timeoutMs: effectiveTimeoutMs(options.timeoutSeconds ?? 5),
        agent,
        extraHeaders: [header, event.eventId],
      });
      if (outcome.errorKind === 'connection-refused')
        return { kind: 'unavailable', error: outcome.errorMessage ?? '' };
      if (outcome.status === 410) return { kind: 'gone', error: 'HTTP 410' };
      if (!isRetryable(outcome) && outcome.result !== 'error') return { kind: 'delivered' };
      const error = outcome.errorMessage ?? `HTTP ${outcome.status ?? 'none'}`;
      return { kind: 'failed', error: `${outcome.errorKind ?? 'status'}: ${error}` };
    },
    close() {
      agent.destroy();
      return Promise.resolve();
    },
  };
}
