import Database from 'better-sqlite3';
import type { DurableQueue, NewQueuedCallback, QueuedCallback, Settlement } from './durable-queue.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS emitter_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE,
  command TEXT NOT NULL,
  request_body TEXT NOT NULL,
  operation_id TEXT NOT NULL,
  timeout_ms INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  last_status INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS emitter_outbox_due ON emitter_outbox (state, next_attempt_at, id);
`;

interface Row {
  id: number;
  event_id: string;
  command: string;
  request_body: string;
  operation_id: string;
  timeout_ms: number;
  attempts: number;
}

function toItem(row: Row): QueuedCallback {
  return {
    id: row.id,
    eventId: row.event_id,
    command: row.command,
    requestBody: row.request_body,
    operationID: row.operation_id,
    timeoutMs: row.timeout_ms,
    attempts: row.attempts,
  };
}

/**
 * Reliable mode's queue in a SQLite file (WAL, synchronous FULL: a committed callback survives a crash; callers
 * group many changes into one commit). Items claimed by this process are remembered in memory only, so a restart
 * makes every pending item due again.
 *
 * @example
 * const queue = openDurableQueue('./data/emitter-outbox.db');
 */
export function openDurableQueue(file: string): DurableQueue {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  const claimed = new Set<number>();
  const insert = db.prepare(
    `INSERT INTO emitter_outbox (event_id, command, request_body, operation_id, timeout_ms, next_attempt_at, created_at)
     VALUES (@eventId, @command, @requestBody, @operationID, @timeoutMs, @now, @now) RETURNING id`,
  );
  const due = db.prepare(
    `SELECT id, event_id, command, request_body, operation_id, timeout_ms, attempts FROM emitter_outbox
     WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
  );
  const delivered = db.prepare(
    `UPDATE emitter_outbox SET state = 'delivered', attempts = attempts + 1, last_status = ?, last_error = NULL
     WHERE id = ?`,
  );
  const retry = db.prepare(
    `UPDATE emitter_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?`,
  );
  const dead = db.prepare(
    `UPDATE emitter_outbox SET state = 'dead', attempts = attempts + 1, last_error = ? WHERE id = ?`,
  );
  const commit = db.transaction((enqueue: readonly NewQueuedCallback[], settle: readonly Settlement[]) => {
    const now = Date.now();
    const added = enqueue.map((item) => {
      const { id } = insert.get({ ...item, now }) as { id: number };
      return { ...item, id, attempts: 0 };
    });
    for (const settlement of settle) {
      if (settlement.state === 'delivered') delivered.run(settlement.status, settlement.id);
      else if (settlement.state === 'retry')
        retry.run(settlement.nextAttemptAt, settlement.error, settlement.id);
      else dead.run(settlement.error, settlement.id);
    }
    return added;
  });
  const nextDue = db.prepare(`SELECT MIN(next_attempt_at) AS at FROM emitter_outbox WHERE state = 'pending'`);
  const counts = db.prepare(`SELECT state, COUNT(*) AS n FROM emitter_outbox GROUP BY state`);

  return {
    commit(enqueue, settle) {
      const added = commit(enqueue, settle);
      for (const { id } of settle) claimed.delete(id);
      return added;
    },
    claimDue(now, limit) {
      const items: QueuedCallback[] = [];
      for (const row of due.all(now, limit + claimed.size) as Row[]) {
        if (items.length >= limit) break;
        if (claimed.has(row.id)) continue;
        claimed.add(row.id);
        items.push(toItem(row));
      }
      return items;
    },
    nextDueAt() {
      const { at } = nextDue.get() as { at: number | null };
      return at ?? undefined;
    },
    counts() {
      const result = { pending: 0, delivered: 0, dead: 0 };
      for (const { state, n } of counts.all() as { state: keyof typeof result; n: number }[])
        result[state] = n;
      return result;
    },
    close() {
      db.close();
    },
  };
}
