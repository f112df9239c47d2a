import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { inboxDirOf, inboxTail, lockFolder } from '../inbox/index.js';
import { SchemaTooNewError } from '../schema/schema-too-new.js';
import { inspectCopy } from './inspect-copy.js';
import type { CopySummary } from './inspect-copy.js';
import { SQLITE_SCHEMA_VERSION } from './open-database.js';
import { syncFile } from './sync-file.js';

export interface RestoreResult extends CopySummary {
  /** Where the database that was there went (with its WAL and its inbox), when there was one. */
  readonly replaced: string | undefined;
  /** Acknowledged callbacks the replaced database's inbox held, not yet projected: kept with it. */
  readonly replacedInboxBacklog: number;
}

/** Refuses when any process has the file open (a CLI read, the sqlite3 shell): SQLite's own locks tell. */
function assertNobodyHas(path: string): void {
  if (!existsSync(path)) return;
  const db = new Database(path, { timeout: 0, fileMustExist: true });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
  } catch (error) {
    throw new Error(
      `${path} is open in another process (${error instanceof Error ? error.message : String(error)}): close it first`,
    );
  } finally {
    db.close();
  }
}

/** The seq the database's projection reached (0 before the inbox existed or with no table). */
function projectedSeqOf(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'projection'").get()) return 0;
    return (db.prepare('SELECT seq FROM projection WHERE id = 1').pluck().get() as number | undefined) ?? 0;
  } finally {
    db.close();
  }
}

/** Moves a database file with its WAL and shared-memory files (same suffixes, so it opens as it was). */
function moveDatabase(from: string, to: string): void {
  for (const suffix of ['', '-wal', '-shm'])
    if (existsSync(from + suffix)) renameSync(from + suffix, to + suffix);
}

/**
 * Puts a backup in place of a SQLite database (`openim-hooks restore`). Refused while a service records into it
 * (the inbox lock) or any process has it open, for a file that fails `integrity_check`, and for a schema newer than
 * this code. An existing database is replaced only with `force`, and never destroyed: it is renamed
 * `<database>.replaced-<time>` with its WAL, and the segments of its inbox go to `<database>.replaced-<time>-inbox`
 * (acknowledged callbacks it had not projected yet stay with it: a service started on that file projects them).
 * The restored copy starts with an empty inbox.
 */
export function restoreSqliteDatabase(
  file: string,
  path: string,
  options: { force?: boolean; now?: number } = {},
): RestoreResult {
  if (resolve(path) === resolve(file)) throw new Error('the backup and the database are the same file');
  const summary = inspectCopy(file);
  if (summary.integrity !== 'ok') throw new Error(`${file} fails integrity_check: ${summary.integrity}`);
  if (summary.schemaVersion > SQLITE_SCHEMA_VERSION)
    throw new SchemaTooNewError(file, summary.schemaVersion, SQLITE_SCHEMA_VERSION);
  mkdirSync(dirname(resolve(path)), { recursive: true });
  const inboxDir = inboxDirOf(path);
  mkdirSync(inboxDir, { recursive: true });
  const release = lockFolder(inboxDir); // a running service holds it; a service starting now waits for us
  try {
    assertNobodyHas(path);
    let replaced: string | undefined;
    let backlog = 0;
    if (existsSync(path)) {
      if (!options.force) throw new Error(`${path} exists: pass --force to replace it (it is kept, renamed)`);
      backlog = Math.max(0, inboxTail(inboxDir) - projectedSeqOf(path));
      replaced = `${path}.replaced-${new Date(options.now ?? Date.now()).toISOString().replace(/[:.]/g, '-')}`;
      moveDatabase(path, replaced);
      const keptInbox = inboxDirOf(replaced);
      mkdirSync(keptInbox, { recursive: true });
      for (const name of readdirSync(inboxDir))
        if (name !== 'lock' && !name.startsWith('lock-'))
          renameSync(join(inboxDir, name), join(keptInbox, name));
    } else {
      for (const name of readdirSync(inboxDir))
        if (name !== 'lock' && !name.startsWith('lock-')) rmSync(join(inboxDir, name), { force: true });
    }
    const temporary = `${path}.restoring-${process.pid}`;
    copyFileSync(file, temporary);
    const db = new Database(temporary);
    try {
      // The copy's projection cursor names segments of the inbox it was taken beside: this inbox starts empty.
      if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'projection'").get())
        db.prepare('UPDATE projection SET segment = 0, segment_offset = 0 WHERE id = 1').run();
      db.pragma('journal_mode = WAL');
    } finally {
      db.close();
    }
    syncFile(temporary);
    renameSync(temporary, path);
    syncFile(dirname(resolve(path)));
    return { ...summary, file: path, replaced, replacedInboxBacklog: backlog };
  } finally {
    release();
  }
}
