import { statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';

/** A database up to this size is converted when the service starts (a VACUUM of it takes a second or two). */
export const START_UP_VACUUM_MAX_BYTES = 256 << 20;

export type VacuumConversion =
  | { readonly done: 'already' }
  | { readonly done: 'converted'; readonly bytes: number; readonly ms: number }
  | { readonly done: 'skipped'; readonly reason: string };

/**
 * Turns `auto_vacuum = INCREMENTAL` on for a database made before it was the default: SQLite only changes that mode
 * with a VACUUM, which rewrites the whole file once (and needs about as much free space again, plus the WAL). Until
 * then pruned space is still reused by new rows, only never given back to the disk. Call it only where no other
 * process writes the file (the inbox lock held, or no service running): VACUUM takes the write lock for its whole
 * length.
 */
export function enableIncrementalVacuum(
  db: Database.Database,
  path: string,
  maxBytes = Number.POSITIVE_INFINITY,
): VacuumConversion {
  if ((db.pragma('auto_vacuum', { simple: true }) as number) === 2) return { done: 'already' };
  const bytes = statSync(path).size;
  if (bytes > maxBytes) {
    return {
      done: 'skipped',
      reason: `the file is ${Math.round(bytes / 2 ** 20)} MiB: too long a VACUUM for a start; run \`openim-hooks migrate\` while the service is stopped`,
    };
  }
  const { bavail, bsize } = statfsSync(dirname(path));
  const needed = 2 * bytes + (16 << 20);
  if (bavail * bsize < needed) {
    return {
      done: 'skipped',
      reason: `VACUUM needs about ${Math.ceil(needed / 2 ** 20)} MiB free beside the database, ${Math.floor((bavail * bsize) / 2 ** 20)} MiB are`,
    };
  }
  const started = Date.now();
  try {
    db.pragma('auto_vacuum = INCREMENTAL');
    db.exec('VACUUM');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (error) {
    return {
      done: 'skipped',
      reason: `VACUUM failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return { done: 'converted', bytes, ms: Date.now() - started };
}
