export type BodyReadResult = { ok: true; body: Uint8Array } | { ok: false; reason: 'too-large' };

/**
 * Collects a request body, giving up as soon as it grows past `limit` bytes, so that an oversized or endless
 * (chunked) body never sits in memory. Works on node:http requests and Web streams alike (both are async iterable).
 */
export async function readLimitedBody(source: AsyncIterable<Uint8Array>, limit: number): Promise<BodyReadResult> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of source) {
    size += chunk.byteLength;
    if (size > limit) return { ok: false, reason: 'too-large' };
    chunks.push(chunk);
  }
  if (chunks.length === 1 && chunks[0]) return { ok: true, body: chunks[0] };
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, body };
}
