import type { HeaderGetter } from './auth/verify-nonce-signature.js';

/** The body as read, or a refusal to keep reading once it passed the limit. */
export type BodyRead =
  | { readonly ok: true; readonly body: Uint8Array; readonly warnings?: readonly string[] }
  | { readonly ok: false; readonly reason: 'too-large' };

/**
 * One request as an adapter describes it to the receiver: what any framework can tell before the body is read, and
 * two small functions for the body. Everything else (admission, the size limit, the route, the answer) is the
 * receiver's, so an adapter for a new framework is these functions and the writing of the answer.
 */
export interface AdapterRequest {
  readonly method: string;
  /** Path and query, as in node's `req.url`: `/callbackExample/callbackAfter…Command?contenttype=json`. */
  readonly url: string;
  /** A header's value by lower-case name, or undefined. */
  readonly header: HeaderGetter;
  /** The socket's peer address (for the IP allow-list and rate limits). */
  readonly remoteAddress?: string | undefined;
  /** Reads the body exactly as received, giving up (and keeping nothing) as soon as it grows past `limit` bytes. */
  readBody(limit: number): Promise<BodyRead>;
  /**
   * Told that the rest of the body will not be read: the request was refused before its body, or the body was too
   * large. Stop the stream here (close the connection after the answer, cancel a Web stream) so that an endless
   * body never ties up the server.
   */
  discardBody(): void | Promise<void>;
}
