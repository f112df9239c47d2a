import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string | Uint8Array) => createHash('sha256').update(value).digest();

/**
 * Constant-time equality of two secrets of any length: both sides are hashed first, so neither the content nor the
 * length of the expected value leaks through timing.
 */
export function safeEqual(given: string | Uint8Array, expected: string | Uint8Array): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** True when `given` equals any of `candidates`; every candidate is compared, whatever matched first. */
export function matchesAny(
  given: string | Uint8Array,
  candidates: readonly (string | Uint8Array)[],
): boolean {
  let found = false;
  for (const candidate of candidates) found = safeEqual(given, candidate) || found;
  return found;
}
