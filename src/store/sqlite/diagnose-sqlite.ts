import { existsSync, statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { inboxDirOf, inboxTail, lockFolder } from '../inbox/index.js';
import type { RetentionPolicy } from '../retention/index.js';
import {
  DIAGNOSIS_SQL,
  finding,
  mib,
  outboxFindings,
  retentionFindings,
  schemaFinding,
} from '../diagnosis/index.js';
import type { DeliveryCount, Finding, OldestEvent } from '../diagnosis/index.js';
import { SQLITE_SCHEMA_VERSION, schemaVersionOf } from './open-database.js';

/** A WAL past this size means checkpoints cannot finish (a reader pins it, or the disk is full). */
const WAL_WARN_BYTES = 64 * 2 ** 20;

export interface SqliteDiagnosisOptions {
  readonly retention: RetentionPolicy;
  /** The reserve file the service keeps beside the database, and its size (0: none). */
  readonly reservePath: string;
  readonly reserveBytes: number;
  readonly now?: number;
}

/** Whether a service records into the database now (it holds the inbox's lock). */
function serviceRunning(path: string): boolean {
  const dir = inboxDirOf(path);
  if (!existsSync(dir)) return false;
  try {
    lockFolder(dir)();
    return false;
  } catch {
    return true;
  }
}

/**
 * Looks at a SQLite database without changing it (`openim-hooks doctor`): the file and whether a service records into
 * it, integrity, schema version, incremental vacuum, the WAL, free disk and the reserve, the inbox backlog, pending
 * and dead deliveries, retention. Each finding says what to do.
 */
export function diagnoseSqlite(path: string, options: SqliteDiagnosisOptions): Finding[] {
  const now = options.now ?? Date.now();
  if (!existsSync(path))
    return [
      finding('database', 'problem', `no database at ${path}`, 'check --database (`serve` creates it)'),
    ];
  const findings: Finding[] = [];
  const running = serviceRunning(path);
  const bytes = statSync(path).size;
  findings.push(
    finding(
      'database',
      'ok',
      `${path}: ${mib(bytes)}; ${running ? 'a service records into it' : 'no service records into it now'}`,
    ),
  );
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((row) => row.integrity_check)
      .join('; ');
    findings.push(
      integrity === 'ok'
        ? finding('integrity', 'ok', 'integrity_check: ok')
        : finding(
            'integrity',
            'problem',
            `integrity_check: ${integrity}`,
            'stop the service, keep this file aside, and `openim-hooks restore` the latest backup (or `sqlite3 .recover`)',
          ),
    );
    const version = schemaVersionOf(db);
    const schema = schemaFinding(version, SQLITE_SCHEMA_VERSION);
    findings.push(schema);
    if (schema.status === 'problem') return findings;
    const autoVacuum = db.pragma('auto_vacuum', { simple: true }) as number;
    findings.push(
      autoVacuum === 2
        ? finding('vacuum', 'ok', 'auto_vacuum incremental: pruned space goes back to the disk')
        : finding(
            'vacuum',
            'warn',
            'auto_vacuum is off: pruned space is reused, but the file never shrinks',
            'with the service stopped, `openim-hooks migrate` converts it (one VACUUM: needs about the file size free)',
          ),
    );
    const wal = existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0;
    findings.push(
      wal > WAL_WARN_BYTES
        ? finding(
            'wal',
            'warn',
            `the WAL is ${mib(wal)}: checkpoints cannot finish`,
            'a long reader pins it (an open sqlite3 shell, a backup in progress) or the disk is full; it shrinks once they end and the writer is idle',
          )
        : finding('wal', 'ok', `the WAL is ${mib(wal)}`),
    );
    const { bavail, bsize, blocks } = statfsSync(dirname(path));
    const free = bavail * bsize;
    const reserveHeld = existsSync(options.reservePath);
    const low = free < Math.max(options.reserveBytes, blocks * bsize * 0.05);
    findings.push(
      low
        ? finding(
            'disk',
            free < 16 * 2 ** 20 ? 'problem' : 'warn',
            `${mib(free)} free on ${dirname(path)}${options.reserveBytes > 0 ? `; the reserve is ${reserveHeld ? 'held' : 'released'}` : ''}`,
            'make room: set or shorten `retention`, move old files away; never delete the inbox',
          )
        : finding(
            'disk',
            running && options.reserveBytes > 0 && !reserveHeld ? 'warn' : 'ok',
            `${mib(free)} free on ${dirname(path)}${options.reserveBytes > 0 ? `; reserve ${reserveHeld ? 'held' : 'not held'}` : ''}`,
          ),
    );
    const hasProjection = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'projection'").get();
    const projected = hasProjection
      ? ((db.prepare('SELECT seq FROM projection WHERE id = 1').pluck().get() as number | undefined) ?? 0)
      : 0;
    const backlog = Math.max(0, inboxTail(inboxDirOf(path)) - projected);
    findings.push(
      backlog > 0 && !running
        ? finding(
            'inbox',
            'warn',
            `${backlog} acknowledged callbacks wait in ${inboxDirOf(path)}, not yet in the tables`,
            'start the service (it projects them first); never delete the inbox folder',
          )
        : finding(
            'inbox',
            'ok',
            backlog > 0 ? `${backlog} callbacks being projected` : 'everything acknowledged is projected',
          ),
    );
    findings.push(...outboxFindings(db.prepare(DIAGNOSIS_SQL.deliveries).all() as DeliveryCount[], now));
    const commands = db.prepare(DIAGNOSIS_SQL.commands).pluck().all() as string[];
    const oldestFree = db.prepare(DIAGNOSIS_SQL.oldestFree);
    const oldest: OldestEvent[] = commands.flatMap((command) => {
      const row = oldestFree.get(command) as { receivedAt: number } | undefined;
      return row ? [{ command, receivedAt: row.receivedAt }] : [];
    });
    const events = (db.prepare(DIAGNOSIS_SQL.events).get() as { n: number }).n;
    const eventsLastDay = (db.prepare(DIAGNOSIS_SQL.eventsSince).get(now - 86_400_000) as { n: number }).n;
    findings.push(...retentionFindings(options.retention, oldest, { bytes, events, eventsLastDay }, now));
  } catch (error) {
    // A file SQLite cannot read through (a damaged page, not a database at all).
    findings.push(
      finding(
        'integrity',
        'problem',
        `${path} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
        'stop the service, keep this file aside, and `openim-hooks restore` the latest backup (or `sqlite3 .recover`)',
      ),
    );
  } finally {
    db?.close();
  }
  return findings;
}
