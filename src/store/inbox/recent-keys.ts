/**
 * The idempotency keys of the callbacks acknowledged lately, with the seq that first carried each: an exact
 * redelivery that arrives before its original is projected (OpenIM's self-chat sends two identical after-callbacks
 * at once) is known as one at once, without a read. Every key not yet projected is held, up to `capacity`; past it
 * the oldest go, and `uncertainThrough` says up to which seq an answer of "not seen" may be wrong until the
 * projection gets there (it then knows every key, in the database).
 */
export class RecentKeys {
  /** Insertion order is seq order: the first entry is the oldest. */
  private readonly keys = new Map<string, number>();
  private uncertain = 0;

  constructor(
    private readonly capacity = 100_000,
    /** Projected keys kept anyway, so that a late redelivery is still known without a read. */
    private readonly keepProjected = 10_000,
  ) {}

  /** The seq of the callback that first carried `key`, if it is known here. */
  get(key: string): number | undefined {
    return this.keys.get(key);
  }

  add(key: string, seq: number, projectedSeq: number): void {
    this.keys.set(key, seq);
    if (this.keys.size <= this.capacity) return;
    const [oldestKey, oldestSeq] = this.keys.entries().next().value as [string, number];
    this.keys.delete(oldestKey);
    if (oldestSeq > projectedSeq) this.uncertain = Math.max(this.uncertain, oldestSeq);
  }

  /** Forgets a key whose callback was never written (its batch failed). */
  forget(key: string, seq: number): void {
    if (this.keys.get(key) === seq) this.keys.delete(key);
  }

  /** After the projection reached `projectedSeq`: the keys it holds need not all stay here. */
  projected(projectedSeq: number): void {
    for (const [key, seq] of this.keys) {
      if (this.keys.size <= this.keepProjected || seq > projectedSeq) break;
      this.keys.delete(key);
    }
  }

  /** A key not found here may still belong to an unprojected callback up to this seq (0: none). */
  get uncertainThrough(): number {
    return this.uncertain;
  }
}
