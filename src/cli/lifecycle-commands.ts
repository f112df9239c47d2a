import type { Command } from 'commander';
import {
  backupSqliteDatabase,
  diagnosePostgres,
  diagnoseSqlite,
  isPostgresUrl,
  openStore,
  prunesAnything,
  restoreSqliteDatabase,
  SchemaTooNewError,
} from '../store/index.js';
import type { CopySummary, Finding, PruneReport } from '../store/index.js';
import { databaseConfig, retentionOfConfig } from './database-of.js';
import type { DatabaseFlags } from './database-of.js';
import { CliError, EXIT } from './exit-codes.js';
import { formatRetention } from './format-retention.js';
import { printRows } from './output.js';

type Flags = DatabaseFlags & { json?: boolean; dryRun?: boolean; force?: boolean };

const PG_BACKUP =
  'with PostgreSQL, back up with pg_dump or continuous archiving (PITR): see docs/deployment.md';

function withDatabaseOptions(command: Command): Command {
  return command
    .option('--database <path>', 'SQLite file or postgres:// URL (default: as `serve` resolves it)')
    .option('--config <file>', 'config file (YAML or JSON)')
    .option('--json', 'print JSON', false);
}

function withRetentionOptions(command: Command): Command {
  return command
    .option('--retention <duration>', 'keep events this long, e.g. 30d (default: the setting)')
    .option('--retention-by-command <list>', 'command=duration pairs, comma-separated')
    .option('--no-retain-conversations', 'prune conversation rows not seen within --retention too');
}

/** A store error a user can act on, as a one-line CLI error. */
function cliErrorOf(error: unknown): unknown {
  if (error instanceof SchemaTooNewError) return new CliError(error.message, EXIT.USAGE);
  if (error instanceof CliError) return error;
  return new CliError(error instanceof Error ? error.message : String(error), EXIT.FAILED);
}

function printPrune(report: PruneReport, json: boolean): void {
  if (json) return void process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  const { total } = report;
  const held = report.commands.reduce((sum, c) => sum + c.held, 0);
  process.stdout.write(
    `${report.dryRun ? 'would remove' : 'removed'} ${total.events} events` +
      `${held > 0 ? ` (${held} older ones stay: a delivery of theirs is pending)` : ''}, ${total.deliveries} deliveries, ` +
      `${total.attempts} attempts, ${total.answers} answers, ${total.conversations} conversations\n`,
  );
  printRows(
    report.commands.map((c) => ({
      callbackCommand: c.callbackCommand,
      retention: formatRetention(c.retentionMs),
      events: c.events,
      held: c.held,
    })),
    ['callbackCommand', 'retention', 'events', 'held'],
    { json: false },
  );
}

function printCopy(verb: string, summary: CopySummary & { ms?: number }, json: boolean, extra = ''): void {
  if (json) return void process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  const last =
    summary.lastEventId === null
      ? ''
      : ` (the last #${summary.lastEventId}, received ${summary.lastReceivedAt})`;
  process.stdout.write(
    `${verb} ${summary.file}: ${summary.events} events${last}, schema ${summary.schemaVersion}, ` +
      `${(summary.bytes / 2 ** 20).toFixed(1)} MiB, integrity ${summary.integrity}` +
      `${summary.ms === undefined ? '' : `, in ${(summary.ms / 1000).toFixed(1)} s`}\n${extra}`,
  );
}

const MARK: Record<Finding['status'], string> = { ok: 'ok     ', warn: 'warn   ', problem: 'PROBLEM' };

function printFindings(findings: readonly Finding[], json: boolean): void {
  if (json) return void process.stdout.write(`${JSON.stringify({ findings }, null, 2)}\n`);
  for (const f of findings) {
    process.stdout.write(`${MARK[f.status]}  ${f.check}: ${f.detail}\n`);
    if (f.fix && f.status !== 'ok') process.stdout.write(`         → ${f.fix}\n`);
  }
  const problems = findings.filter((f) => f.status === 'problem').length;
  const warnings = findings.filter((f) => f.status === 'warn').length;
  process.stdout.write(`${problems} problem(s), ${warnings} warning(s)\n`);
}

/** prune, backup, restore, doctor: commands on the database itself (never through the service's API). */
export function registerLifecycleCommands(program: Command): void {
  withRetentionOptions(
    withDatabaseOptions(
      program
        .command('prune')
        .description(
          'remove what the retention settings no longer keep (a running service does it by itself); --dry-run says what would go',
        )
        .option('--dry-run', 'only say what would be removed', false),
    ),
  ).action(async (o: Flags) => {
    const config = databaseConfig(o, true);
    const policy = retentionOfConfig(config);
    if (!prunesAnything(policy) && policy.retainConversations)
      throw new CliError(
        'no retention is set (0 keeps for ever): give --retention 30d, or set `retention`',
        EXIT.USAGE,
      );
    const store = openStore(config.database, { records: false });
    try {
      printPrune(await store.prune(policy, { now: Date.now(), dryRun: o.dryRun ?? false }), o.json ?? false);
    } catch (error) {
      throw cliErrorOf(error);
    } finally {
      await store.close();
    }
  });

  withDatabaseOptions(
    program
      .command('backup')
      .description('a consistent copy of the SQLite database, taken while the service records (VACUUM INTO)')
      .argument('<file>', 'the copy to write')
      .option('--force', 'overwrite FILE if it exists', false),
  ).action(async (file: string, o: Flags) => {
    const config = databaseConfig(o, true);
    if (isPostgresUrl(config.database)) throw new CliError(PG_BACKUP, EXIT.USAGE);
    try {
      printCopy(
        'backed up to',
        await backupSqliteDatabase(config.database, file, { force: o.force ?? false }),
        o.json ?? false,
      );
    } catch (error) {
      throw cliErrorOf(error);
    }
  });

  withDatabaseOptions(
    program
      .command('restore')
      .description('put a backup in place of the SQLite database (refused while a service records into it)')
      .argument('<file>', 'a file `backup` wrote')
      .option('--force', 'replace an existing database (it is kept, renamed .replaced-<time>)', false),
  ).action(async (file: string, o: Flags) => {
    const config = databaseConfig(o, false);
    if (isPostgresUrl(config.database)) throw new CliError(PG_BACKUP, EXIT.USAGE);
    try {
      const restored = restoreSqliteDatabase(file, config.database, { force: o.force ?? false });
      const kept = restored.replaced
        ? `the database that was there is kept as ${restored.replaced}` +
          (restored.replacedInboxBacklog > 0
            ? `, with ${restored.replacedInboxBacklog} acknowledged callbacks its inbox had not projected (serve that file to project them)\n`
            : '\n')
        : '';
      printCopy('restored', restored, o.json ?? false, kept);
    } catch (error) {
      throw cliErrorOf(error);
    }
  });

  withRetentionOptions(
    withDatabaseOptions(
      program
        .command('doctor')
        .description(
          'check the database: integrity, schema, WAL, free disk, inbox, spool, deliveries, retention; says what to do',
        ),
    ),
  ).action(async (o: Flags) => {
    const config = databaseConfig(o, false);
    const retention = retentionOfConfig(config);
    const findings = isPostgresUrl(config.database)
      ? await diagnosePostgres(config.database, { retention, spool: config.spool })
      : diagnoseSqlite(config.database, {
          retention,
          reservePath: `${config.database}-reserve`,
          reserveBytes: config.diskReserveBytes,
        });
    printFindings(findings, o.json ?? false);
    if (findings.some((f) => f.status === 'problem')) process.exitCode = EXIT.FAILED;
  });
}
