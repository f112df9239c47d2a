import type pg from 'pg';
import type { AcceptedCallback } from '../../protocol/index.js';

type Waiting = {
  callback: AcceptedCallback;
  resolve: (id: number) => void;
  reject: (error: Error) => void;
};

/** Largest batch of one statement: bounds its size. */
const MAX_BATCH = 1000;

/**
 * Group commit into the inbox table: the callbacks that arrive in one turn of the event loop, or while the previous
 * statement runs, go in one INSERT (one round trip, committed by itself with `synchronous_commit = on`: the WAL is on
 * disk when it returns), and each resolves with its row's id. Nothing random-ordered is written: the inbox has its
 * primary key only (ids only increase). Under load batches grow by themselves; at rest a callback commits alone.
 */
export class GroupCommit {
  private queue: Waiting[] = [];
  private scheduled = false;
  /** The drain loop in progress; cleared in the same step that finds the queue empty, so no callback is stranded. */
  private running: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly ready: () => Promise<void>,
  ) {}

  /** Resolves with the callback's inbox id (its event id) once committed. */
  append(callback: AcceptedCallback): Promise<number> {
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
      while (this.queue.length > 0) await this.commitOrIsolate(this.queue.splice(0, MAX_BATCH));
    } finally {
      this.running = undefined;
    }
  }

  /** Commits the batch; if it fails for a reason other than the connection, finds the one callback at fault. */
  private async commitOrIsolate(batch: Waiting[]): Promise<void> {
    try {
      const ids = await this.insert(batch.map((w) => w.callback));
      batch.forEach((w, i) => {
        const id = ids[i];
        if (id === undefined) w.reject(new Error('no id for an appended callback'));
        else w.resolve(id);
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

  private async insert(callbacks: AcceptedCallback[]): Promise<number[]> {
    await this.ready();
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO inbox (command, kind, operation_id, received_at, idempotency_key, body, warnings, field_errors)
       SELECT command, kind, operation_id, received_at, idempotency_key, body, warnings, field_errors
       FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bytea[], $7::text[], $8::text[])
         WITH ORDINALITY AS t (command, kind, operation_id, received_at, idempotency_key, body, warnings,
           field_errors, ord)
       ORDER BY ord
       RETURNING id`,
      [
        callbacks.map((c) => c.command),
        callbacks.map((c) => c.kind),
        callbacks.map((c) => c.operationID),
        callbacks.map((c) => c.receivedAt),
        callbacks.map((c) => c.idempotencyKey),
        callbacks.map((c) => Buffer.from(c.rawBody.buffer, c.rawBody.byteOffset, c.rawBody.byteLength)),
        callbacks.map((c) => (c.warnings.length > 0 ? JSON.stringify(c.warnings) : null)),
        callbacks.map((c) => (c.fieldErrors.length > 0 ? JSON.stringify(c.fieldErrors) : null)),
      ],
    );
    // RETURNING follows the insertion order, which ORDER BY ord made the callbacks' order; ids only increase.
    return rows.map((row) => Number(row.id)).sort((a, b) => a - b);
  }
}
