import type { BodyRead, AdapterRequest } from './adapter-request.js';
import type { Receiver } from './create-receiver.js';
import type { RawResponse } from './raw-exchange.js';

const TOO_LARGE: BodyRead = { ok: false, reason: 'too-large' };

/**
 * The one way in for adapters: admit (concurrency cap, rate limit) before the body is read, read it within the
 * receiver's limit (a declared Content-Length over it is refused unread), answer, and give the slot back. Never
 * throws for a refusal: every outcome is a JSON response package for the adapter to write.
 *
 * @example
 * const response = await receiveCallback(receiver, { method, url, header, remoteAddress, readBody, discardBody });
 */
export async function receiveCallback(receiver: Receiver, request: AdapterRequest): Promise<RawResponse> {
  const { header, remoteAddress } = request;
  const admitted = receiver.admit({ header, remoteAddress });
  if (!admitted.ok) {
    await request.discardBody();
    return admitted.response;
  }
  try {
    const limit = receiver.maxBodyBytes;
    const read = Number(header('content-length')) > limit ? TOO_LARGE : await request.readBody(limit);
    const response = await receiver.handle({
      method: request.method,
      url: request.url,
      header,
      body: read.ok ? read.body : null,
      remoteAddress,
      ...(read.ok && read.warnings ? { warnings: read.warnings } : {}),
    });
    if (!read.ok) await request.discardBody();
    return response;
  } finally {
    admitted.release();
  }
}
