import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store, StoreOptions } from './store.js';

/** Opens the store a `--database` value names: a file path (SQLite) today, `postgres://` once that backend lands. */
export function openStore(database: string, options: StoreOptions = {}): Store {
  if (/^postgres(ql)?:\/\//i.test(database)) {
    throw new Error('PostgreSQL is not supported yet: give a file path for the SQLite store');
  }
  return openSqliteStore(database, options);
}
