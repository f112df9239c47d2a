import type { BodyRead, AdapterRequest } from './adapter-request.js';
import type { Receiver } from './create-receiver.js';
import type { AdapterOptions } from './node-adapter.js';
import { readLimitedBody } from './read-limited-body.js';
import { receiveCallback } from './receive-callback.js';

const EMPTY: BodyRead = { ok: true, body: new Uint8Array(0) };

/** A Web `Request` as the receiver reads it; `remoteAddress` comes from the server, as Request has none. */
export function webAdapterRequest(request: Request, remoteAddress: string | undefined): AdapterRequest {
  const url = new URL(request.url);
  return {
    method: request.method,
    url: url.pathname + url.search,
    header: (name) => request.headers.get(name) ?? undefined,
    remoteAddress,
    readBody: async (limit) => (request.body ? readLimitedBody(request.body, limit) : EMPTY),
    discardBody: () => request.body?.cancel().catch(() => undefined),
  };
}

/**
 * A Web-standard handler (`Request` in, `Response` out) for a receiver: for Hono, Next.js route handlers, Bun,
 * Deno, or Node with any fetch-style server.
 *
 * @example
 * const handle = toFetchHandler(createReceiver({ recorder: store }));
 * export const POST = (request: Request) => handle(request);
 */
export function toFetchHandler(receiver: Receiver, options: AdapterOptions = {}) {
  return async function openimCallbackHandler(request: Request): Promise<Response> {
    const described = webAdapterRequest(request, options.remoteAddress?.(request));
    const response = await receiveCallback(receiver, described);
    options.onOutcome?.(response.outcome);
    return new Response(response.body, { status: response.status, headers: response.headers });
  };
}
