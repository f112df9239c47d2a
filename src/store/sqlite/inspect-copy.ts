import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { schemaVersionOf } from './open-database.js';

/** What a database file (a backup, say) holds, as `backup` and `restore` report it. */
export interface CopySummary {
  readonly file: string;
  readonly bytes: number;
  /** `ok`, or what `PRAGMA integrity_check` found. */
  readonly integrity: string;
  readonly schemaVersion: number;
  readonly events: number;
  readonly lastEventId: number | null;
  /** ISO 8601, null when it holds no event. */
  readonly lastReceivedAt: string | null;
}

/** Opens a database file read-only and checks it: integrity, schema version, events. Changes nothing. */
export function inspectCopy(file: string): CopySummary {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const problems = db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[];
    const integrity = problems.map((row) => row.integrity_check).join('; ');
    const hasEvents = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'")
      .get();
    const stats = hasEvents
      ? (db.prepare('SELECT count(*) AS events, max(id) AS last FROM events').get() as {
          events: number;
          last: number | null;
        })
      : { events: 0, last: null };
    const lastAt =
      stats.last === null
        ? null
        : (db.prepare('SELECT received_at FROM events WHERE id = ?').pluck().get(stats.last) as number);
    return {
      file,
      bytes: statSync(file).size,
      integrity,
      schemaVersion: schemaVersionOf(db),
      events: stats.events,
      lastEventId: stats.last,
      lastReceivedAt: lastAt === null ? null : new Date(lastAt).toISOString(),
    };
  } finally {
    db.close();
  }
}
