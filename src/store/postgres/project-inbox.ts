import type pg from 'pg';
import type { AcceptedCallback, FieldError } from '../../protocol/index.js';
import { toAcceptedCallback } from '../rows.js';
import type { OutboxSink } from '../store.js';
import { recordBatch } from './record-batch.js';

/** Key of the advisory lock that makes one instance at a time the projector ("openim-hooks projection"). */
const PROJECTION_LOCK = '7173502361920915202';
/** Rows per projection transaction. */
const BATCH = 1000;
/** How often an idle projector looks at the inbox (rows other instances appended; a projector that died). */
const POLL_MS = 40;
const MAX_BACKOFF_MS = 5000;

interface InboxRow {
  id: string;
  command: string;
  kind: string;
  operation_id: string;
  received_at: string;
  idempotency_key: string;
  body: Buffer;
  warnings: string | null;
  field_errors: string | null;
}

/** A row as the callback it was, for recordBatch (validated before it was appended). */
function toCallback(row: InboxRow): AcceptedCallback {
  return toAcceptedCallback(row, () =>
    row.field_errors ? (JSON.parse(row.field_errors) as FieldError[]) : [],
  );
}

export interface PostgresProjector {
  /** Look at the inbox now (this instance appended). */
  wake(): void;
  /** Finishes the transaction in flight, then stops. */
  stop(): Promise<void>;
}

/**
 * The projection of the PostgreSQL inbox: every instance runs one, and the one that takes the advisory lock for a
 * transaction moves the oldest rows into the tables (events with the inbox's ids, command stats, outbox rows,
 * conversations: recordBatch, as a direct record did) and deletes them, in that same transaction. So each row is
 * projected exactly once, whoever commits it, and an instance that dies mid-way leaves its rows to the others. An
 * exact redelivery, appended twice (by two instances, say), becomes one event.
 */
export function startPostgresProjector(options: {
  pool: pg.Pool;
  sinks: readonly OutboxSink[];
  ready: () => Promise<void>;
  /** After a transaction that added events. */
  projected: () => void;
  failed: (error: unknown) => void;
}): PostgresProjector {
  let stopped = false;
  let wakeUp: (() => void) | undefined;
  let backoff = POLL_MS;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  /** One transaction; resolves with how many rows it moved (0: nothing, or another instance holds the lock). */
  async function projectOnce(): Promise<number> {
    await options.ready();
    const client = await options.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const { rows: lock } = await client.query<{ taken: boolean }>(
        'SELECT pg_try_advisory_xact_lock($1::bigint) AS taken',
        [PROJECTION_LOCK],
      );
      if (!lock[0]?.taken) {
        await client.query('COMMIT');
        return 0;
      }
      const { rows } = await client.query<InboxRow>('SELECT * FROM inbox ORDER BY id LIMIT $1', [BATCH]);
      if (rows.length > 0) {
        await recordBatch(
          client,
          rows.map(toCallback),
          options.sinks,
          rows.map((row) => Number(row.id)),
        );
        await client.query('DELETE FROM inbox WHERE id = ANY($1::bigint[])', [rows.map((row) => row.id)]);
      }
      await client.query('COMMIT');
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        const moved = await projectOnce();
        backoff = POLL_MS;
        if (moved > 0) options.projected();
        if (moved === BATCH) continue; // behind: at once
      } catch (error) {
        if (!stopped) options.failed(error);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
      if (!stopped) await sleep(backoff);
    }
  })();

  return {
    wake() {
      wakeUp?.();
    },
    async stop() {
      stopped = true;
      wakeUp?.();
      await loop;
    },
  };
}
