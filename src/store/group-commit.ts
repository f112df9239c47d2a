interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: every item submitted during one turn of the event loop is committed by one call of `commitBatch`
 * (one transaction, one fsync), and each submitter's promise settles only once that commit returned. Under load
 * the batches grow by themselves, which is how a durable ack stays fast.
 */
export class GroupCommitter<T, R> {
  private queue: Pending<T, R>[] = [];
  private scheduled = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => undefined;

  constructor(
    private readonly commitBatch: (items: T[]) => R[],
    private readonly maxBatch = 1000,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once everything submitted so far is committed (or failed). */
  drained(): Promise<void> {
    return this.idle;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.idle = new Promise((resolve) => (this.markIdle = resolve));
    // setImmediate runs after this turn's I/O callbacks, so every request parsed in this turn joins the batch.
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.commit(this.queue.splice(0, this.maxBatch));
    if (this.queue.length > 0) {
      setImmediate(() => this.flush());
      return;
    }
    this.scheduled = false;
    this.markIdle();
  }

  private commit(batch: Pending<T, R>[]): void {
    try {
      const results = this.commitBatch(batch.map((pending) => pending.item));
      batch.forEach((pending, index) => pending.resolve(results[index] as R));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      // One bad item must not fail its neighbours: commit each alone to find it.
      for (const pending of batch) this.commit([pending]);
    }
  }
}
