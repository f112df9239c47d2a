import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { validateRequest } from '../../protocol/index.js';
import { toAcceptedCallback } from '../rows.js';
import type { EventRow } from '../rows.js';
import type { AcceptedCallback } from '../../protocol/index.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS spool (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  command TEXT NOT NULL,
  kind TEXT NOT NULL,
  operation_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  idempotency_key TEXT NOT NULL,
  body BLOB NOT NULL,
  warnings TEXT,
  -- Why the database refused it for a reason other than the connection: kept for an operator, never flushed again.
  failed TEXT,
  UNIQUE (operation_id, idempotency_key)
);
CREATE TABLE IF NOT EXISTS heartbeat (id INTEGER PRIMARY KEY, at INTEGER NOT NULL);
`;

export interface SpooledCallback {
  readonly seq: number;
  readonly callback: AcceptedCallback;
}

/** The local file that holds accepted callbacks while the database is unreachable, in arrival order. */
export interface Spool {
  readonly path: string;
  /** Appends in one fsync'd transaction; for each callback, true when the spool already held it (a redelivery). */
  append(callbacks: readonly AcceptedCallback[]): boolean[];
  /** The oldest callbacks still to flush, in arrival order. */
  oldest(limit: number): SpooledCallback[];
  /** Forgets callbacks the database has committed. */
  remove(seqs: readonly number[]): void;
  /** Keeps a callback the database refused (not a connection problem) out of the flush, with the reason. */
  setAside(seq: number, reason: string): void;
  /** Callbacks still to flush. */
  depth(): number;
  /** Commits a write now, or throws (for /readyz). */
  checkWritable(): void;
  close(): void;
}

/** A spool row: the columns of the event log, numbered by arrival. */
type Row = Omit<EventRow, 'id'> & { seq: number };

/** The callback as the receiver accepted it, its field errors derived from the bytes again as the receiver did. */
function toCallback(row: Row): AcceptedCallback {
  return toAcceptedCallback(row, (payload) => validateRequest(row.command, payload));
}

/**
 * Opens (or creates) a spool file: SQLite, WAL with `synchronous=FULL`, so an append is on disk when it returns. The
 * file is locked for this process (`locking_mode=EXCLUSIVE`): two instances sharing one spool would flush each other's
 * callbacks out of order, so the second one fails to start instead.
 *
 * @example
 * const spool = openSpool('./data/openim-hooks-spool.db');
 * spool.append([callback]); // [false]: new, and durable
 */
export function openSpool(path: string): Spool {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: 1000 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA); // the first write takes the lock, held until close
  } catch (error) {
    db.close();
    const busy = (error as { code?: unknown }).code === 'SQLITE_BUSY';
    throw new Error(
      busy
        ? `spool ${path} is locked by another instance: give each instance a spool file of its own`
        : `cannot open spool ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const insert = db.prepare(
    `INSERT INTO spool (command, kind, operation_id, received_at, idempotency_key, body, warnings)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (operation_id, idempotency_key) DO NOTHING`,
  );
  const select = db.prepare('SELECT * FROM spool WHERE failed IS NULL ORDER BY seq LIMIT ?');
  const remove = db.prepare('DELETE FROM spool WHERE seq = ?');
  const setAside = db.prepare('UPDATE spool SET failed = ? WHERE seq = ?');
  const count = db.prepare('SELECT count(*) AS n FROM spool WHERE failed IS NULL').pluck();
  const beat = db.prepare(
    'INSERT INTO heartbeat (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at',
  );

  const append = db.transaction((callbacks: readonly AcceptedCallback[]) =>
    callbacks.map(
      (c) =>
        insert.run(
          c.command,
          c.kind,
          c.operationID,
          c.receivedAt,
          c.idempotencyKey,
          Buffer.from(c.rawBody.buffer, c.rawBody.byteOffset, c.rawBody.byteLength),
          c.warnings.length > 0 ? JSON.stringify(c.warnings) : null,
        ).changes === 0,
    ),
  );
  const removeAll = db.transaction((seqs: readonly number[]) => {
    for (const seq of seqs) remove.run(seq);
  });

  return {
    path,
    append: (callbacks) => append(callbacks),
    oldest: (limit) =>
      (select.all(limit) as Row[]).map((row) => ({ seq: row.seq, callback: toCallback(row) })),
    remove: (seqs) => void removeAll(seqs),
    setAside: (seq, reason) => void setAside.run(reason, seq),
    depth: () => count.get() as number,
    checkWritable: () => void beat.run(Date.now()),
    close: () => db.close(),
  };
}
