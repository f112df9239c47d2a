import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from './migrations.js';

/**
 * Opens a connection with the durability settings of the store: WAL with `synchronous=FULL` fsyncs the log on every
 * commit, so a power cut after `record` resolved cannot lose the event.
 */
export function openDatabase(path: string, options: { fileMustExist?: boolean } = {}): Database.Database {
  if (path !== ':memory:' && !options.fileMustExist) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { fileMustExist: options.fileMustExist ?? false });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  return db;
}

/** Applies the migrations this database lacks, each in its own transaction (safe when two processes start at once). */
export function migrate(db: Database.Database): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at INTEGER)',
  );
  for (const migration of SQLITE_MIGRATIONS) {
    db.transaction(() => {
      const applied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(migration.version);
      if (applied) return;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
      );
    }).immediate();
  }
}
