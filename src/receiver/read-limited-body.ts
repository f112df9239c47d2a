import type { IncomingMessage } from 'node:http';
import type { BodyRead } from './adapter-request.js';

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * The node:http flavour of readLimitedBody: plain 'data'/'end' events cost less per request than an async iterator,
 * and this runs for every callback. Past the limit it stops keeping chunks and settles at once.
 */
export function readNodeBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      // Stop reading: whatever follows stays in the kernel until the adapter decides (answer, then close).
      req.pause();
      chunks.length = 0;
      resolve({ ok: false, reason: 'too-large' });
    };
    req.on('data', onData);
    req.once('end', () => resolve({ ok: true, body: concat(chunks, size) }));
    req.once('error', reject);
  });
}

/**
 * Collects a request body, giving up as soon as it grows past `limit` bytes, so that an oversized or endless
 * (chunked) body never sits in memory. Works on node:http requests and Web streams alike (both are async iterable).
 */
export async function readLimitedBody(source: AsyncIterable<Uint8Array>, limit: number): Promise<BodyRead> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of source) {
    size += chunk.byteLength;
    if (size > limit) return { ok: false, reason: 'too-large' };
    chunks.push(chunk);
  }
  return { ok: true, body: concat(chunks, size) };
}
