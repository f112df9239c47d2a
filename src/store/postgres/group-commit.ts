import type pg from 'pg';
import type { AcceptedCallback, RecordResult } from '../../protocol/index.js';
import type { OutboxSink } from '../store.js';
import { recordBatch } from './record-batch.js';

type Waiting = {
  callback: AcceptedCallback;
  resolve: (result: RecordResult) => void;
  reject: (error: Error) => void;
};

/** Largest batch of one transaction: bounds its statements and the time its row locks are held. */
const MAX_BATCH = 1000;
/** Deadlock and serialization failures (two instances' batches crossing) are retried this many times. */
const MAX_ATTEMPTS = 5;
const RETRYABLE = new Set(['40P01', '40001']);

/**
 * Group commit for PostgreSQL: the callbacks that arrive in one turn of the event loop, or while the previous commit
 * runs, go into one transaction, and each `record` resolves after that COMMIT returned (with `synchronous_commit = on`:
 * the WAL is on disk). Under load batches grow by themselves; at rest each callback commits alone, at once.
 */
export class GroupCommit {
  private queue: Waiting[] = [];
  private scheduled = false;
  /** The drain loop in progress; cleared in the same step that finds the queue empty, so no callback is stranded. */
  private running: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly sinks: readonly OutboxSink[],
    private readonly ready: () => Promise<void>,
  ) {}

  record(callback: AcceptedCallback): Promise<RecordResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ callback, resolve, reject });
      if (this.running || this.scheduled) return; // the running loop takes it after its commit
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.running = this.drain();
      });
    });
  }

  /** Resolves once everything queued so far is committed (or failed). */
  async flushed(): Promise<void> {
    while (this.running || this.scheduled) {
      await (this.running ?? new Promise((resolve) => setImmediate(resolve)));
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        await this.commitOrIsolate(batch);
      }
    } finally {
      this.running = undefined;
    }
  }

  /** Commits the batch; if it fails for a reason other than the connection, finds the one callback at fault. */
  private async commitOrIsolate(batch: Waiting[]): Promise<void> {
    try {
      const results = await this.commit(batch.map((w) => w.callback));
      batch.forEach((w, i) => {
        const result = results[i];
        if (result) w.resolve(result);
        else w.reject(new Error('no result for a recorded callback'));
      });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      // A data exception (22) or constraint violation (23) may be one callback's fault: retry each alone. Anything
      // else (connection, shutdown, no ready database) fails the whole batch at once.
      if (batch.length > 1 && typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code)) {
        for (const w of batch) await this.commitOrIsolate([w]);
        return;
      }
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const w of batch) w.reject(failure);
    }
  }

  private async commit(callbacks: AcceptedCallback[]): Promise<RecordResult[]> {
    await this.ready();
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const results = await recordBatch(client, callbacks, this.sinks);
        await client.query('COMMIT');
        return results;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => (broken = true));
        const code = (error as { code?: unknown }).code;
        if (attempt < MAX_ATTEMPTS && typeof code === 'string' && RETRYABLE.has(code)) continue;
        throw error;
      } finally {
        client.release(broken);
      }
    }
  }
}
