import { createHmac } from 'node:crypto';
import type { BodyHmacOptions } from './auth-options.js';
import { ReplayCache } from './replay-cache.js';
import { matchesAny } from './safe-equal.js';
import type { HeaderGetter, Verdict } from './verify-nonce-signature.js';

export const BODY_SIGNATURE_HEADER = 'x-openim-hooks-signature';
export const BODY_TIMESTAMP_HEADER = 'x-openim-hooks-timestamp';

function mac(secret: string, timestamp: string, body: Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

/**
 * The headers our emitter adds in body-binding mode: a fresh timestamp per attempt and one `v1=` per secret.
 *
 * @example
 * const headers = signBody(['s3cret'], body); // { 'x-openim-hooks-timestamp': '…', 'x-openim-hooks-signature': 'v1=…' }
 */
export function signBody(
  secrets: readonly string[],
  body: Uint8Array | string,
  timestampSeconds = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const timestamp = String(timestampSeconds);
  return {
    [BODY_TIMESTAMP_HEADER]: timestamp,
    [BODY_SIGNATURE_HEADER]: secrets
      .map((secret) => `v1=${mac(secret, timestamp, bytes).toString('hex')}`)
      .join(' '),
  };
}

/** Verifies body binding: a fresh timestamp, one `v1=` made with any active secret, never the same signature twice. */
export function createBodyHmacVerifier(options: BodyHmacOptions, now: () => number) {
  if (options.secrets.length === 0) throw new RangeError('body HMAC needs at least one secret');
  const toleranceMs = (options.toleranceSeconds ?? 300) * 1000;
  const replays = new ReplayCache(2 * toleranceMs);
  return function verifyBodyHmac(header: HeaderGetter, body: Uint8Array): Verdict {
    const timestamp = header(BODY_TIMESTAMP_HEADER) ?? '';
    const sent = header(BODY_SIGNATURE_HEADER) ?? '';
    if (!/^\d{1,12}$/.test(timestamp))
      return { ok: false, detail: `missing or malformed ${BODY_TIMESTAMP_HEADER}` };
    const clock = now();
    if (Math.abs(clock - Number(timestamp) * 1000) > toleranceMs)
      return { ok: false, detail: 'timestamp outside the freshness window' };
    const given = sent
      .split(/[\s,]+/)
      .filter((part) => part.startsWith('v1='))
      .slice(0, 10)
      .map((part) => part.slice(3));
    const expected = options.secrets.map((secret) => mac(secret, timestamp, body).toString('hex'));
    const match = given.find((signature) => matchesAny(signature.toLowerCase(), expected));
    if (match === undefined) return { ok: false, detail: 'body signature does not verify' };
    if (!replays.remember(`${timestamp}.${match}`, clock))
      return { ok: false, detail: 'signature already used (replay)' };
    return { ok: true };
  };
}
