import type { ProjectionLag } from '../store.js';

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
}

/**
 * How far the projection trails the log, as the acknowledging thread sees it: the last durable seq, the last
 * projected one, and the received time of the oldest callback not yet projected. Memory is one entry per durable
 * batch still unprojected, so a long backlog costs a few bytes per batch, not per callback.
 */
export class ProjectionProgress {
  private acked: number;
  private projectedSeq: number;
  /** Durable batches not yet projected, oldest first. */
  private batches: { lastSeq: number; firstReceivedAt: number }[] = [];
  private head = 0;
  private waiters: Waiter[] = [];

  constructor(projected: number, durable: number, durableSince: number) {
    this.projectedSeq = projected;
    this.acked = durable;
    if (durable > projected) this.batches.push({ lastSeq: durable, firstReceivedAt: durableSince });
  }

  get projected(): number {
    return this.projectedSeq;
  }

  durable(lastSeq: number, firstReceivedAt: number): void {
    this.acked = lastSeq;
    this.batches.push({ lastSeq, firstReceivedAt });
  }

  advance(projected: number): void {
    if (projected <= this.projectedSeq) return;
    this.projectedSeq = projected;
    while (this.head < this.batches.length && (this.batches[this.head]?.lastSeq ?? 0) <= projected)
      this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.batches.length) {
      this.batches = this.batches.slice(this.head);
      this.head = 0;
    }
    const ready = this.waiters.filter((w) => w.seq <= projected);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.seq > projected);
    for (const waiter of ready) waiter.resolve();
  }

  lag(now = Date.now()): ProjectionLag {
    const oldest = this.batches[this.head];
    return {
      events: Math.max(0, this.acked - this.projectedSeq),
      seconds:
        oldest && this.acked > this.projectedSeq ? Math.max(0, now - oldest.firstReceivedAt) / 1000 : 0,
    };
  }

  /** Resolves once the projection reached `seq` (default: everything durable now). */
  reached(seq = this.acked): Promise<void> {
    if (seq <= this.projectedSeq) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }
}
