import { inboxDirOf, lockFolder } from '../inbox/index.js';
import { enableIncrementalVacuum } from './enable-incremental-vacuum.js';
import type { VacuumConversion } from './enable-incremental-vacuum.js';
import { openDatabase } from './open-database.js';
import { mkdirSync } from 'node:fs';

/**
 * `openim-hooks migrate` on a SQLite file: turns incremental vacuum on, whatever the file's size, unless a service
 * records into it (a VACUUM would hold the write lock for as long as it takes: that one converts small files itself
 * at its start, and `doctor` says when a larger one waits).
 */
export function convertForPruning(path: string): VacuumConversion {
  const dir = inboxDirOf(path);
  mkdirSync(dir, { recursive: true });
  let release: () => void;
  try {
    release = lockFolder(dir);
  } catch {
    return { done: 'skipped', reason: 'a service records into it: stop it first' };
  }
  try {
    const db = openDatabase(path, { fileMustExist: true });
    try {
      return enableIncrementalVacuum(db, path);
    } finally {
      db.close();
    }
  } finally {
    release();
  }
}
