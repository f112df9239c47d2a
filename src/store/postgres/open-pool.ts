import pg from 'pg';

/** bigint columns (ids, epoch milliseconds, counts) as numbers, like the SQLite backend; all stay below 2^53. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * A connection pool with the durability setting of the store: `synchronous_commit = on` for every session, so a
 * COMMIT returns only once the WAL is flushed (whatever the server's default), and `record` may resolve after it.
 */
export function openPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types,
    options: '-c synchronous_commit=on',
    connectionTimeoutMillis: 10_000,
    application_name: 'openim-hooks',
  });
  // A connection that breaks while checked out (the server stopped between two statements of a transaction) emits
  // 'error' on its client, and an unheard 'error' crashes the process. Heard, it is harmless: the client's next query
  // fails, and that caller sees it.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
