import pg from 'pg';
import { isConnectionError } from '../spool/is-connection-error.js';
import { redactDatabase } from '../redact-database.js';
import { SchemaTooNewError } from '../schema/schema-too-new.js';
import { POSTGRES_SCHEMA_VERSION } from './migrate-postgres.js';

/**
 * SQLSTATEs that no waiting will cure: the database does not exist (3D000), the password or the role is refused
 * (28P01, 28000). They are configuration errors, unlike an unreachable server, which the spool covers.
 */
const FATAL = new Set(['3D000', '28P01', '28000']);

/**
 * Connects once to a `postgres://` URL and says why the service must not start on it, or undefined when it may: it
 * answered (with a schema this code knows), or it is only unreachable for now (an outage the spool covers).
 */
export async function refusalOfPostgres(url: string, timeoutMs = 5_000): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows: table } = await client.query<{ found: boolean }>(
      "SELECT to_regclass('schema_migrations') IS NOT NULL AS found",
    );
    const { rows } = table[0]?.found
      ? await client.query<{ version: number | null }>(
          'SELECT max(version) AS version FROM schema_migrations',
        )
      : { rows: [] };
    const version = rows[0]?.version ?? 0;
    if (version > POSTGRES_SCHEMA_VERSION)
      return new SchemaTooNewError(redactDatabase(url), version, POSTGRES_SCHEMA_VERSION).message;
    return undefined;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && FATAL.has(code)) {
      return `${redactDatabase(url)}: ${(error as Error).message} (SQLSTATE ${code})`;
    }
    if (isConnectionError(error)) return undefined;
    return `${redactDatabase(url)}: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}
