/** One recorded event on its way to a sink. The envelope is built once; every attempt sends the same bytes. */
export interface OutgoingEvent {
  /** Stable across attempts and replays: what consumers dedupe by (`webhook-id`, `Nats-Msg-Id`, the Redis field). */
  readonly eventId: string;
  readonly callbackCommand: string;
  readonly operationID: string;
  /** Epoch ms. */
  readonly receivedAt: number;
  /** The envelope's JSON text (see envelope.ts). */
  readonly body: string;
  /** The callback's body exactly as received, for sinks that re-post the callback itself (openim-format-sink.ts). */
  readonly rawBody: Uint8Array;
}

/**
 * How an attempt ended:
 * - `delivered`: the sink confirmed (2xx, PubAck, XADD id);
 * - `failed`: this event's attempt failed; it is retried on the schedule (`retryAfterMs` if the sink asked for a delay);
 * - `unavailable`: the sink itself is down (broker unreachable): the event keeps its attempts, the sink backs off;
 * - `gone`: the endpoint asked never to be called again (HTTP 410): the sink is disabled;
 * - `undeliverable`: the endpoint answered in a way no retry will change: the delivery is dead-lettered at once.
 */
export type AttemptResult = (
  | { readonly kind: 'delivered' }
  | { readonly kind: 'failed'; readonly error: string; readonly retryAfterMs?: number }
  | { readonly kind: 'unavailable'; readonly error: string }
  | { readonly kind: 'gone'; readonly error: string }
  | { readonly kind: 'undeliverable'; readonly error: string }
) &
  AnswerSeen;

/** What came back over HTTP, for the attempt history (brokers have no status; their errors say it all). */
export interface AnswerSeen {
  readonly httpStatus?: number;
  /** The first EXCERPT_BYTES of the answer's body. */
  readonly responseExcerpt?: string;
}

/** How much of an answer's body the attempt history keeps. */
export const EXCERPT_BYTES = 512;

/** The start of an answer's body as text, at most EXCERPT_BYTES of it. */
export function excerptOf(body: string | Uint8Array): string {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  return bytes.subarray(0, EXCERPT_BYTES).toString('utf8');
}

export interface Sink {
  readonly name: string;
  readonly kind: 'http' | 'openim' | 'nats' | 'redis';
  /** Where it delivers, without credentials (for logs and the API). */
  readonly target: string;
  deliver(event: OutgoingEvent): Promise<AttemptResult>;
  /**
   * Connects now and says what it finds (a broker's durability settings), so that warnings come at start rather
   * than at the first delivery. Never throws: an unreachable broker is for the relay to wait out.
   */
  check?(): Promise<void>;
  close(): Promise<void>;
}

/** What a sink logs through: pino's `logger.warn(fields, message)` fits. */
export interface SinkWarnings {
  warn(fields: object, message: string): void;
}

/** A sink's URL without user and password, for logs and the API. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
