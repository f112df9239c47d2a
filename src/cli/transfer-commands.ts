import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { defined, isPostgresUrl, openStore, SchemaTooNewError } from '../store/index.js';
import type { EventFilter, Store } from '../store/index.js';
import { databaseConfig } from './database-of.js';
import type { DatabaseFlags } from './database-of.js';
import { CliError, EXIT } from './exit-codes.js';
import { exportLine } from './export-line.js';
import { importLine } from './import-line.js';
import { progressLine } from './progress-line.js';
import { sourceCommand, withSource } from './read-commands.js';
import { parseTimeArg } from './time-arg.js';

const TIME_HELP = '(ISO 8601, epoch ms, or a span ago: 30m, 1h, 2d)';
/** Callbacks recorded at once by `import`: enough to fill the inbox's group commits. */
const IN_FLIGHT = 512;

/** Writes to stdout, waiting when the pipe is full (an export of millions of events never buffers them all). */
async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once('drain', resolve));
}

async function totalCount(store: Store): Promise<number> {
  return (await store.listCommands()).reduce((sum, c) => sum + c.count, 0);
}

/** `events export` and `events import`: moving the event log between databases (SQLite and PostgreSQL alike). */
export function registerTransferCommands(events: Command): void {
  sourceCommand(
    events,
    'export',
    'write events as NDJSON to stdout: exact bodies and their metadata, oldest first',
  )
    .option('--command <callbackCommand>', 'only this command')
    .option('--since <time>', `received at or after ${TIME_HELP}`, (v) => parseTimeArg(v))
    .option('--until <time>', 'received before', (v) => parseTimeArg(v))
    .action(async (o) => {
      const filter: EventFilter = defined({
        command: o.command,
        receivedAfter: o.since,
        receivedBefore: o.until,
      });
      const progress = progressLine();
      let exported = 0;
      let lastAt = '';
      await withSource(o, async (source) => {
        // Pages of 1000 by id, each its own short read: a long export never pins the database's WAL.
        for (let cursor: string | null | undefined = undefined; cursor !== null;) {
          const page = await source.listEvents({ ...filter, limit: 1000, ...(cursor ? { cursor } : {}) });
          for (const event of page.items) await write(exportLine(event));
          exported += page.items.length;
          lastAt = page.items.at(-1)?.receivedAt ?? lastAt;
          progress.update(() => `exported ${exported} events, up to ${lastAt}`);
          cursor = page.nextCursor;
        }
      });
      progress.done(`exported ${exported} events`);
    });

  events
    .command('import')
    .description('load an `events export` file into an empty database, deduplicating as live callbacks are')
    .argument('<file>', 'NDJSON written by `events export` (- for stdin)')
    .option('--database <path>', 'SQLite file or postgres:// URL (default: as `serve` resolves it)')
    .option('--config <file>', 'config file (YAML or JSON)')
    .option('--merge', 'import into a database that already holds events', false)
    .option('--json', 'print JSON', false)
    .action(async (file: string, o: DatabaseFlags & { merge: boolean; json: boolean }) => {
      const config = databaseConfig(o, false);
      let store: Store;
      try {
        store = openStore(config.database, { records: true });
      } catch (error) {
        if (error instanceof SchemaTooNewError) throw new CliError(error.message, EXIT.USAGE);
        throw new CliError(
          `${error instanceof Error ? error.message : String(error)}${isPostgresUrl(config.database) ? '' : ' (stop the service, or import into another database)'}`,
          EXIT.FAILED,
        );
      }
      const progress = progressLine();
      try {
        const before = await totalCount(store);
        if (before > 0 && !o.merge)
          throw new CliError(
            `${config.database} already holds ${before} events: import into an empty database, or pass --merge (exact duplicates are dropped)`,
            EXIT.FAILED,
          );
        const lines = createInterface({
          input: file === '-' ? process.stdin : createReadStream(file),
          crlfDelay: Infinity,
        });
        const inFlight = new Set<Promise<unknown>>();
        let read = 0;
        let events = 0;
        for await (const text of lines) {
          read += 1;
          if (text.trim() === '') continue;
          events += 1;
          const callback = (() => {
            try {
              return importLine(text, read);
            } catch (error) {
              throw new CliError(
                `${error instanceof Error ? error.message : String(error)}; nothing after it was imported (fix it, then import again with --merge)`,
                EXIT.FAILED,
              );
            }
          })();
          const recording: Promise<unknown> = store
            .record(callback)
            .finally(() => inFlight.delete(recording));
          inFlight.add(recording);
          if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
          progress.update(() => `read ${read} lines`);
        }
        await Promise.all(inFlight);
        await store.caughtUp();
        const added = (await totalCount(store)) - before;
        const result = {
          database: config.database,
          lines: events,
          imported: added,
          duplicates: Math.max(0, events - added),
        };
        progress.done(`read ${read} lines`);
        process.stdout.write(
          o.json
            ? `${JSON.stringify(result)}\n`
            : `imported ${added} events into ${config.database} (${result.duplicates} exact duplicates dropped)\n`,
        );
      } finally {
        await store.close();
      }
    });
}
