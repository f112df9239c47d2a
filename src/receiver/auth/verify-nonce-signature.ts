import { createHmac, createPublicKey, createVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { isPublicKeyAlgorithm } from './auth-options.js';
import type { NonceSignatureOptions } from './auth-options.js';
import { ReplayCache } from './replay-cache.js';
import { matchesAny } from './safe-equal.js';

export type HeaderGetter = (name: string) => string | undefined;
export type Verdict = { ok: true } | { ok: false; detail: string };

/**
 * The bytes a signature may stand for: hex and base64 (standard or url-safe) readings. A text valid as both yields
 * both, and the signature is accepted if either verifies.
 */
export function decodeSignature(text: string): Buffer[] {
  const value = text.trim();
  if (value === '' || value.length > 4096) return [];
  const readings: Buffer[] = [];
  if (/^[0-9a-f]+$/i.test(value) && value.length % 2 === 0) readings.push(Buffer.from(value, 'hex'));
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    readings.push(Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
  }
  return readings;
}

/** Epoch ms from a text of 10 (seconds) or 13 (milliseconds) digits, or the first such run inside a nonce. */
export function timeOf(text: string, whole: boolean): number | undefined {
  const match = whole ? /^\s*(\d{10}|\d{13})\s*$/.exec(text) : /(?<!\d)(\d{13}|\d{10})(?!\d)/.exec(text);
  const digits = match?.[1];
  if (digits === undefined) return undefined;
  return digits.length === 10 ? Number(digits) * 1000 : Number(digits);
}

const HMAC_HASH = { 'hmac-sha1': 'sha1', 'hmac-sha256': 'sha256', 'hmac-sha512': 'sha512' } as const;

/**
 * The verifier of OpenIM's commercial edition signature: HMAC or RSA/ECDSA over the nonce header's value, the nonce
 * fresh (within the tolerance of our clock) and never seen before within twice the tolerance.
 */
export function createNonceSignatureVerifier(options: NonceSignatureOptions, now: () => number) {
  const signatureHeader = (options.signatureHeader ?? 'x-signature').toLowerCase();
  const nonceHeader = (options.nonceHeader ?? 'x-nonce').toLowerCase();
  const timestampHeader = options.timestampHeader?.toLowerCase();
  const toleranceMs = (options.toleranceSeconds ?? 300) * 1000;
  const replays = new ReplayCache(2 * toleranceMs);
  if (options.keys.length === 0) throw new RangeError('signature verification needs at least one key');
  const algorithm = options.algorithm;
  const publicKeys: KeyObject[] = isPublicKeyAlgorithm(algorithm)
    ? options.keys.map((pem) => createPublicKey(pem))
    : [];

  function signatureMatches(nonce: string, signature: Buffer): boolean {
    if (isPublicKeyAlgorithm(algorithm)) {
      // Public-key verification compares nothing secret; any key of the list may have signed.
      return publicKeys.some((key) => {
        try {
          return createVerify('sha256').update(nonce).verify(key, signature);
        } catch {
          return false;
        }
      });
    }
    const expected = options.keys.map((secret) =>
      createHmac(HMAC_HASH[algorithm], secret).update(nonce).digest(),
    );
    return matchesAny(signature, expected);
  }

  return function verifyNonceSignature(header: HeaderGetter): Verdict {
    const nonce = header(nonceHeader);
    const sent = header(signatureHeader);
    if (!nonce || nonce.length > 1024)
      return { ok: false, detail: `missing or oversized ${nonceHeader} header` };
    if (!sent) return { ok: false, detail: `missing ${signatureHeader} header` };
    const readings = decodeSignature(sent);
    if (!readings.some((signature) => signatureMatches(nonce, signature))) {
      return { ok: false, detail: 'signature does not verify' };
    }
    const stamp = timestampHeader ? timeOf(header(timestampHeader) ?? '', true) : timeOf(nonce, false);
    if (stamp === undefined)
      return { ok: false, detail: 'the nonce carries no time: its freshness cannot be checked' };
    const clock = now();
    if (Math.abs(clock - stamp) > toleranceMs)
      return { ok: false, detail: 'nonce outside the freshness window' };
    if (!replays.remember(timestampHeader ? `${stamp}:${nonce}` : nonce, clock)) {
      return { ok: false, detail: 'nonce already used (replay)' };
    }
    return { ok: true };
  };
}
