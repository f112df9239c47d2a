import { existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
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
import { redactDatabase } from '../redact-database.js';
import { numberedParams } from './numbered-params.js';
import { openPool } from './open-pool.js';
import { POSTGRES_SCHEMA_VERSION } from './migrate-postgres.js';

export interface PostgresDiagnosisOptions {
  readonly retention: RetentionPolicy;
  /** This instance's spool file (it is local; every instance has its own). */
  readonly spool: string;
  readonly now?: number;
}

/** The spool of this host: callbacks waiting for PostgreSQL, and those it refused (set aside). */
function spoolFindings(spool: string): Finding[] {
  if (!existsSync(spool)) return [finding('spool', 'ok', `no spool at ${spool}`)];
  const db = new Database(spool, { readonly: true, fileMustExist: true });
  try {
    const { waiting, failed } = db
      .prepare('SELECT count(*) FILTER (WHERE failed IS NULL) AS waiting, count(failed) AS failed FROM spool')
      .get() as { waiting: number; failed: number };
    const findings = [
      waiting > 0
        ? finding(
            'spool',
            'warn',
            `${waiting} acknowledged callbacks wait in ${spool} for PostgreSQL`,
            'a running service flushes them once PostgreSQL answers; never delete the spool file',
          )
        : finding('spool', 'ok', `${spool} is empty`),
    ];
    if (failed > 0)
      findings.push(
        finding(
          'spool set aside',
          'problem',
          `${failed} spooled callbacks PostgreSQL refused (column failed says why)`,
          'read them with sqlite3 (SELECT seq, failed FROM spool WHERE failed IS NOT NULL) and fix the cause',
        ),
      );
    const { bavail, bsize } = statfsSync(dirname(spool));
    findings.push(
      finding(
        'disk',
        bavail * bsize < 64 * 2 ** 20 ? 'warn' : 'ok',
        `${mib(bavail * bsize)} free beside the spool`,
      ),
    );
    return findings;
  } finally {
    db.close();
  }
}

/**
 * Looks at a PostgreSQL database without changing it (`openim-hooks doctor`): reachable, schema version, size, inbox
 * backlog, pending and dead deliveries, retention, and this host's spool. Integrity and the WAL are PostgreSQL's own
 * (data checksums, `pg_stat_wal`): see docs/deployment.md.
 */
export async function diagnosePostgres(url: string, options: PostgresDiagnosisOptions): Promise<Finding[]> {
  const now = options.now ?? Date.now();
  const pool = openPool(url, 1);
  pool.on('error', () => undefined);
  const findings: Finding[] = [];
  const query = async <Row extends object>(sql: string, params: unknown[] = []) =>
    (await pool.query<Row>(numberedParams(sql), params)).rows;
  try {
    let version = 0;
    try {
      const [found] = await query<{ found: boolean }>(
        "SELECT to_regclass('schema_migrations') IS NOT NULL AS found",
      );
      if (found?.found)
        version =
          (await query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations'))[0]?.v ?? 0;
    } catch (error) {
      findings.push(
        finding(
          'database',
          'problem',
          `${redactDatabase(url)}: ${error instanceof Error ? error.message : String(error)}`,
          'check the URL, the credentials and that PostgreSQL runs',
        ),
      );
      return [...findings, ...spoolFindings(options.spool)];
    }
    const [size] = await query<{ bytes: number }>('SELECT pg_database_size(current_database()) AS bytes');
    findings.push(finding('database', 'ok', `${redactDatabase(url)}: ${mib(size?.bytes ?? 0)}`));
    const schema = schemaFinding(version, POSTGRES_SCHEMA_VERSION);
    findings.push(schema);
    // Older or newer, the tables below may not be the ones this code reads.
    if (schema.status !== 'ok') return [...findings, ...spoolFindings(options.spool)];
    const [inbox] = await query<{ n: number; oldest: number | null }>(
      'SELECT count(*) AS n, min(received_at) AS oldest FROM inbox',
    );
    const waiting = inbox?.n ?? 0;
    findings.push(
      waiting > 0 && inbox?.oldest !== null && now - (inbox?.oldest ?? now) > 60_000
        ? finding(
            'inbox',
            'warn',
            `${waiting} acknowledged callbacks wait in the inbox table, the oldest for ${Math.round((now - (inbox?.oldest ?? now)) / 1000)} s`,
            'every running instance projects it: is one running? its log says why a projection fails',
          )
        : finding(
            'inbox',
            'ok',
            waiting > 0 ? `${waiting} callbacks being projected` : 'everything acknowledged is projected',
          ),
    );
    findings.push(...outboxFindings(await query<DeliveryCount>(DIAGNOSIS_SQL.deliveries), now));
    const commands = (await query<{ command: string }>(DIAGNOSIS_SQL.commands)).map((row) => row.command);
    const oldest: OldestEvent[] = [];
    for (const command of commands) {
      const [row] = await query<{ receivedAt: number }>(DIAGNOSIS_SQL.oldestFree, [command]);
      if (row) oldest.push({ command, receivedAt: row.receivedAt });
    }
    const events = (await query<{ n: number }>(DIAGNOSIS_SQL.events))[0]?.n ?? 0;
    const eventsLastDay =
      (await query<{ n: number }>(DIAGNOSIS_SQL.eventsSince, [now - 86_400_000]))[0]?.n ?? 0;
    findings.push(
      ...retentionFindings(
        options.retention,
        oldest,
        { bytes: size?.bytes ?? 0, events, eventsLastDay },
        now,
      ),
    );
    return [...findings, ...spoolFindings(options.spool)];
  } finally {
    await pool.end();
  }
}
