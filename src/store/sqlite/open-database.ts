import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { SchemaTooNewError } from '../schema/schema-too-new.js';

/**
 * The WAL is cut back to this size whenever it starts over after a complete checkpoint, so a burst does not leave a
 * large file behind (the checkpointer truncates it to nothing once the writer is idle).
 */
export const JOURNAL_SIZE_LIMIT = 16 << 20;

/**
 * Opens a connection with the durability settings of the store: WAL with `synchronous=FULL` fsyncs the log on every
 * commit, so a power cut after `record` resolved cannot lose the event. A new file gets `auto_vacuum = INCREMENTAL`
 * (it can only be chosen before the first table, or by a VACUUM): pruning then gives freed space back to the disk.
 */
export function openDatabase(path: string, options: { fileMustExist?: boolean } = {}): Database.Database {
  if (path !== ':memory:' && !options.fileMustExist) mkdirSync(dirname(path), { recursive: true });
  const isNew = path !== ':memory:' && !existsSync(path);
  const db = new Database(path, { fileMustExist: options.fileMustExist ?? false });
  if (isNew) db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
  return db;
}

/** The newest schema version this code knows. */
export const SQLITE_SCHEMA_VERSION = Math.max(...SQLITE_MIGRATIONS.map((m) => m.version));

/** The database's schema version (0 for a database with no schema yet). */
export function schemaVersionOf(db: Database.Database): number {
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'").get()) return 0;
  return (db.prepare('SELECT max(version) FROM schema_migrations').pluck().get() as number | null) ?? 0;
}

/**
 * Applies the migrations this database lacks, each in its own transaction (safe when two processes start at once).
 * Refuses a database whose schema is newer than this code (SchemaTooNewError), touching nothing.
 */
export function migrate(db: Database.Database): void {
  const version = schemaVersionOf(db);
  if (version > SQLITE_SCHEMA_VERSION) throw new SchemaTooNewError(db.name, version, SQLITE_SCHEMA_VERSION);
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
