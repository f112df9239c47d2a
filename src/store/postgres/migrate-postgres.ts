import type pg from 'pg';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { SchemaTooNewError } from '../schema/schema-too-new.js';

/** The newest schema version this code knows. */
export const POSTGRES_SCHEMA_VERSION = Math.max(...POSTGRES_MIGRATIONS.map((m) => m.version));

/** Key of the advisory lock that serialises migrations of every instance ("openim-hooks" folded into a bigint). */
const MIGRATION_LOCK = '7173502361920915201';

/**
 * Applies the migrations this database lacks, in one transaction under `pg_advisory_xact_lock`: instances that start
 * at once wait for each other, and the later ones find the work done. The lock is released by COMMIT or ROLLBACK.
 * Resolves with the versions applied now (empty when the schema was current). A schema newer than this code is
 * refused (SchemaTooNewError), untouched.
 */
export async function migratePostgres(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text, applied_at bigint)',
    );
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((row) => row.version));
    const version = Math.max(0, ...done);
    if (version > POSTGRES_SCHEMA_VERSION) {
      throw new SchemaTooNewError('the PostgreSQL database', version, POSTGRES_SCHEMA_VERSION);
    }
    const applied: number[] = [];
    for (const migration of POSTGRES_MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        Date.now(),
      ]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
