import { migratePostgres } from './postgres/migrate-postgres.js';
import { openPool } from './postgres/open-pool.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { migrate as migrateSqlite, openDatabase } from './sqlite/open-database.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store, StoreOptions } from './store.js';

/** True for a `postgres://` (or `postgresql://`) URL; anything else is a SQLite file path. */
export const isPostgresUrl = (database: string) => /^postgres(ql)?:\/\//i.test(database);

/**
 * Opens the store a `--database` value names: a `postgres://` (or `postgresql://`) URL opens the PostgreSQL backend,
 * anything else is a SQLite file path. Synchronous for both: the PostgreSQL store connects and migrates in the
 * background and its methods wait for that.
 */
export function openStore(database: string, options: StoreOptions = {}): Store {
  if (isPostgresUrl(database)) return openPostgresStore(database, options);
  return openSqliteStore(database, options);
}

/**
 * Applies the migrations the database lacks and resolves with the versions applied now (`openim-hooks migrate`).
 * Opening a store migrates too; this is for deployments that migrate before starting the instances.
 */
export async function migrateDatabase(database: string): Promise<number[]> {
  if (!isPostgresUrl(database)) {
    const db = openDatabase(database);
    try {
      const versions = () =>
        db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'").get()
          ? (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
              (r) => r.version,
            )
          : [];
      const before = new Set(versions());
      migrateSqlite(db);
      return versions().filter((version) => !before.has(version));
    } finally {
      db.close();
    }
  }
  const pool = openPool(database, 1);
  pool.on('error', () => undefined);
  try {
    return await migratePostgres(pool);
  } finally {
    await pool.end();
  }
}
