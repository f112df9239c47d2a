/**
 * Nonces seen recently, each kept for `ttlMs` (at least twice the freshness window, so a nonce cannot come back
 * while it would still pass as fresh). Bounded: past `maxEntries` the oldest are dropped first, which only happens
 * when that many validly signed requests arrive within one ttl.
 */
export class ReplayCache {
  readonly #seen = new Map<string, number>();

  constructor(
    readonly ttlMs: number,
    readonly maxEntries = 1_000_000,
  ) {}

  /** Remembers `nonce`; false when it was already there (a replay). */
  remember(nonce: string, now: number): boolean {
    this.#expire(now);
    const expiry = this.#seen.get(nonce);
    if (expiry !== undefined && expiry > now) return false;
    this.#seen.set(nonce, now + this.ttlMs);
    while (this.#seen.size > this.maxEntries) {
      const oldest = this.#seen.keys().next();
      if (oldest.done) break;
      this.#seen.delete(oldest.value);
    }
    return true;
  }

  get size(): number {
    return this.#seen.size;
  }

  /** Insertion order is expiry order (one ttl for all), so expired entries are always at the front. */
  #expire(now: number): void {
    for (const [nonce, expiry] of this.#seen) {
      if (expiry > now) return;
      this.#seen.delete(nonce);
    }
  }
}
