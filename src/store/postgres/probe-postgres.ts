import pg from 'pg';
import { isConnectionError } from '../spool/is-connection-error.js';
import { redactDatabase } from '../redact-database.js';

/**
 * SQLSTATEs that no waiting will cure: the database does not exist (3D000), the password or the role is refused
 * (28P01, 28000). They are configuration errors, unlike an unreachable server, which the spool covers.
 */
const FATAL = new Set(['3D000', '28P01', '28000']);

/**
 * Connects once to a `postgres://` URL and says why the service must not start on it, or undefined when it may: it
 * answered, or it is only unreachable for now (an outage the spool covers).
 */
export async function refusalOfPostgres(url: string, timeoutMs = 5_000): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
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
