import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openDatabase } from './open-database.js';
import { openSqliteStore } from './sqlite-store.js';
import { inspectCopy } from './inspect-copy.js';
import type { CopySummary } from './inspect-copy.js';
import { syncFile } from './sync-file.js';
import type { Store } from '../store.js';

/** The store to back up from: it projects the inbox itself when no service does (after a crash, say). */
function storeOf(path: string): Store {
  try {
    return openSqliteStore(path, { records: true });
  } catch (error) {
    if (!/in use by another process/.test(error instanceof Error ? error.message : '')) throw error;
    // A service records into it: this store reads, and waits for that service's projection.
    return openSqliteStore(path, { records: false });
  }
}

/**
 * A consistent copy of a SQLite database while a service may be recording into it (`openim-hooks backup`). It
 * first waits until every callback acknowledged before the call is projected (the inbox beside the file is not
 * copied: what it held is in the tables by then), then copies the tables with `VACUUM INTO`, one read transaction:
 * the service goes on writing meanwhile (WAL), and the copy is compact. Written under a temporary name, flushed,
 * checked (`integrity_check`) and only then renamed into place.
 */
export async function backupSqliteDatabase(
  path: string,
  file: string,
  options: { force?: boolean } = {},
): Promise<CopySummary & { ms: number }> {
  if (!existsSync(path)) throw new Error(`no database at ${path}`);
  if (resolve(path) === resolve(file)) throw new Error('the backup must be another file than the database');
  if (existsSync(file) && !options.force) throw new Error(`${file} exists: choose another name, or --force`);
  const started = Date.now();
  const temporary = `${file}.tmp-${process.pid}`;
  rmSync(temporary, { force: true });
  const store = storeOf(path);
  try {
    await store.caughtUp();
    const db = openDatabase(path, { fileMustExist: true });
    try {
      db.prepare('VACUUM INTO ?').run(temporary);
    } finally {
      db.close();
    }
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  } finally {
    await store.close();
  }
  try {
    syncFile(temporary);
    const summary = inspectCopy(temporary);
    if (summary.integrity !== 'ok') throw new Error(`the copy failed integrity_check: ${summary.integrity}`);
    renameSync(temporary, file);
    syncFile(dirname(resolve(file)));
    return { ...summary, file, ms: Date.now() - started };
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
