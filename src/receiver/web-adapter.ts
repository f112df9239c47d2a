import type { Receiver } from './create-receiver.js';
import type { AdapterOptions } from './node-adapter.js';
import { readLimitedBody } from './read-limited-body.js';

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
    const header = (name: string) => request.headers.get(name) ?? undefined;
    const remoteAddress = options.remoteAddress?.(request);
    const admitted = receiver.admit({ header, remoteAddress });
    if (!admitted.ok) {
      await request.body?.cancel().catch(() => undefined);
      options.onOutcome?.(admitted.response.outcome);
      const { status, headers, body } = admitted.response;
      return new Response(body, { status, headers });
    }
    try {
      return await answer(request, header, remoteAddress);
    } finally {
      admitted.release();
    }
  };

  async function answer(
    request: Request,
    header: (name: string) => string | undefined,
    remoteAddress: string | undefined,
  ) {
    const declared = Number(request.headers.get('content-length'));
    const read =
      declared > receiver.maxBodyBytes
        ? ({ ok: false, reason: 'too-large' } as const)
        : request.body
          ? await readLimitedBody(request.body, receiver.maxBodyBytes)
          : ({ ok: true, body: new Uint8Array(0) } as const);
    const url = new URL(request.url);
    const response = await receiver.handle({
      method: request.method,
      url: url.pathname + url.search,
      header,
      body: read.ok ? read.body : null,
      remoteAddress,
    });
    if (!read.ok) await request.body?.cancel().catch(() => undefined);
    options.onOutcome?.(response.outcome);
    return new Response(response.body, { status: response.status, headers: response.headers });
  }
}
