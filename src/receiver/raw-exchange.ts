import type { ErrorName } from '../protocol/index.js';

/** A request as any HTTP framework can give it: method, path with query, a header getter and the raw body bytes. */
export interface RawRequest {
  readonly method: string;
  /** Path and query, as in node's `req.url`: `/callbackExample/callbackAfter…Command?contenttype=json`. */
  readonly url: string;
  /** A header's value by lower-case name, or undefined. */
  readonly header: (name: string) => string | undefined;
  /** The body exactly as received, or null when it grew past the receiver's `maxBodyBytes` while streaming. */
  readonly body: Uint8Array | null;
  /** The socket's peer address (for the IP allow-list and rate limits); X-Forwarded-For is read only from trusted proxies. */
  readonly remoteAddress?: string | undefined;
  /** What an adapter wants recorded with the event, e.g. that the body had to be re-serialised. */
  readonly warnings?: readonly string[];
}

/** What happened to one request, for logs and metrics: never the payload itself (it holds user data). */
export interface Outcome {
  readonly command: string | undefined;
  readonly operationID: string;
  readonly status: number;
  readonly error: ErrorName | undefined;
  readonly detail: string | undefined;
  readonly eventId: number | undefined;
  readonly duplicate: boolean;
  /** Recorded in the local spool, not yet in the database (it is unreachable); no event id yet. */
  readonly spooled?: true;
  readonly warnings: readonly string[];
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON text of the response package. */
  readonly body: string;
  readonly outcome: Outcome;
}
