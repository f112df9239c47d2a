import { Command, InvalidArgumentError, Option } from 'commander';
import { defined, openStore } from '../store/index.js';
import type { ConversationFilter, EventFilter, ReplaySelection, Store } from '../store/index.js';
import { resolveConfig, SIGNATURE_ALGORITHM_SETTINGS, startService } from '../service/index.js';
import { printPage, printRows } from './output.js';
import { registerEmitterCommands } from './trigger-commands.js';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function integerArg(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('must be an integer');
  return Number(value);
}

function timeArg(value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError('must be an ISO 8601 time or epoch milliseconds');
  return ms;
}

interface StoreOptions {
  database?: string;
  config?: string;
  json: boolean;
}

/** Opens the store the service would use (flag, then OPENIM_HOOKS_*, then config file, then default), runs `use`. */
async function withStore(options: StoreOptions, use: (store: Store) => Promise<void>): Promise<void> {
  const config = resolveConfig({
    flags: { database: options.database, config: options.config },
    env: process.env,
  });
  // The CLI reads beside a running service: it records nothing, so it leaves the service's inbox alone.
  const store = openStore(config.database, { records: false });
  try {
    await use(store);
  } finally {
    await store.close();
  }
}

function storeCommand(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .option('--database <path>', 'SQLite file or postgres:// URL (default: as `serve` resolves it)')
    .option('--config <file>', 'config file (YAML or JSON)')
    .option('--json', 'print JSON instead of a table', false);
}

function pageOptions(command: Command): Command {
  return command
    .option('--limit <n>', 'rows per page, 1-1000', integerArg)
    .option('--cursor <cursor>', 'nextCursor of the previous page')
    .addOption(new Option('--order <order>', 'by id').choices(['asc', 'desc']));
}

export function buildProgram(): Command {
  const program = new Command('openim-hooks')
    .description('Receive, record and forward OpenIM server callbacks')
    .showHelpAfterError();

  program
    .command('serve')
    .description('run the receiver: record every callback OpenIM posts, serve the query API')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default 10006)')
    .option('--base-path <path>', 'path of OpenIM webhooks.yml `url` (default /callbackExample)')
    .option('--database <path>', 'SQLite file or postgres:// URL (default ./data/openim-hooks.db)')
    .option(
      '--spool <path>',
      'with postgres://: local file for callbacks while PostgreSQL is down (default ./data/openim-hooks-spool.db)',
    )
    .option('--config <file>', 'config file (YAML or JSON)')
    .option('--max-body-bytes <n>', 'largest accepted body (default 1048576)')
    .option('--before-deadline-ms <ms>', 'deadline of before-callback answers (default 1000)')
    .addOption(
      new Option('--before-failure <mode>', 'answer when recording fails').choices(['open', 'closed']),
    )
    .addOption(
      new Option('--log-level <level>', 'log level').choices([
        'trace',
        'debug',
        'info',
        'warn',
        'error',
        'silent',
      ]),
    )
    .option(
      '--path-secrets <list>',
      'secret path segments, comma-separated (prefer OPENIM_HOOKS_PATH_SECRETS)',
    )
    .option('--basic-auth <list>', 'HTTP Basic user:password pairs, comma-separated (prefer the environment)')
    .option('--allow-ips <list>', 'addresses or CIDR ranges allowed to post callbacks')
    .option('--trusted-proxies <list>', 'proxies whose X-Forwarded-For is believed')
    .addOption(
      new Option('--signature-algorithm <alg>', 'OpenIM commercial signature over the nonce').choices(
        SIGNATURE_ALGORITHM_SETTINGS,
      ),
    )
    .option('--signature-keys <list>', 'HMAC secrets or PEM public key files, comma-separated')
    .option('--signature-header <name>', 'signature header (default x-signature)')
    .option('--nonce-header <name>', 'nonce header (default x-nonce)')
    .option('--timestamp-header <name>', "header with the nonce's time (default: digits inside the nonce)")
    .option('--signature-tolerance-seconds <s>', 'freshness window (default 300)')
    .option('--body-hmac-secrets <list>', 'secrets of the body-binding HMAC of our emitter')
    .option('--api-tokens <list>', 'bearer tokens of the query API')
    .option('--allow-unauthenticated', 'listen on a non-loopback address without callback authentication')
    .option('--headers-timeout-ms <ms>', 'time to receive request headers (default 10000)')
    .option('--request-timeout-ms <ms>', 'time to receive a whole request (default 30000)')
    .option('--max-concurrent-requests <n>', 'callbacks in flight at once (default 256)')
    .option('--rate-limit-per-ip <n>', 'callbacks per second per client address (default 0 = unlimited)')
    .option('--sink <NAME=URL>', 'forward events to http(s)://, nats:// or redis:// (repeatable)', collect)
    .option(
      '--sink-secret <NAME=whsec_...>',
      'Standard Webhooks signing secret of an HTTP sink (repeatable)',
      collect,
    )
    .option('--allow-private-sinks', 'let sinks reach loopback and private addresses')
    .option('--no-relay', 'record and queue for the sinks, but leave the delivering to another instance')
    .option('--max-projection-lag-seconds <s>', '/readyz says degraded past this projection lag (default 10)')
    .action(async ({ sink, sinkSecret, ...flags }: Record<string, string | string[] | undefined>) => {
      // One flag per sink reads better than a plural; the settings are lists. `--no-relay` makes commander default
      // `relay` to true: only its explicit false is a flag, otherwise the environment or the file decide.
      const relay = (flags['relay'] as unknown) === false ? 'false' : undefined;
      const config = resolveConfig({
        flags: { ...flags, relay, sinks: sink, sinkSecrets: sinkSecret },
        env: process.env,
      });
      const service = await startService(config);
      const stop = (signal: string) => {
        service.logger.info({ signal }, 'shutting down: draining in-flight callbacks');
        void service.close().then(() => process.exit(0));
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });

  const conversations = program.command('conversations').description('conversations recorded from callbacks');
  pageOptions(storeCommand(conversations, 'list', 'list conversations'))
    .option('--owner <ownerUserId>', 'owner user id')
    .option('--user <userId>', 'peer user id (single chats)')
    .option('--group <groupId>', 'group id')
    .option('--conversation <conversationId>', 'conversation id, e.g. si_a_b')
    .option('--type <conversationType>', '1 single, 3 group, 4 notification', integerArg)
    .option('--seen-after <time>', 'last seen at or after (ISO 8601 or epoch ms)', timeArg)
    .option('--seen-before <time>', 'last seen before', timeArg)
    .action(async (o) => {
      const filter: ConversationFilter = defined({
        ownerUserId: o.owner,
        userId: o.user,
        groupId: o.group,
        conversationId: o.conversation,
        conversationType: o.type,
        seenAfter: o.seenAfter,
        seenBefore: o.seenBefore,
        limit: o.limit,
        cursor: o.cursor,
        order: o.order,
      });
      await withStore(o, async (store) => {
        const page = await store.listConversations(filter);
        const columns = [
          'ownerUserId',
          'conversationId',
          'conversationType',
          'userId',
          'groupId',
          'lastSeenAt',
          'timesSeen',
        ] as const;
        printPage(page, [...columns], o.json);
      });
    });
  storeCommand(conversations, 'show', 'show one conversation (ownerUserId "" for groups)')
    .argument('<ownerUserId>')
    .argument('<conversationId>')
    .action(async (ownerUserId: string, conversationId: string, o) => {
      await withStore(o, async (store) => {
        const found = await store.getConversation(ownerUserId, conversationId);
        if (!found) {
          process.stderr.write(`no conversation ${conversationId} of owner ${JSON.stringify(ownerUserId)}\n`);
          process.exitCode = 1;
          return;
        }
        if (o.json) process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
        else
          printRows(
            Object.entries(found).map(([field, value]) => ({ field, value })),
            ['field', 'value'],
            { json: false },
          );
      });
    });

  const events = program.command('events').description('the raw event log');
  pageOptions(storeCommand(events, 'list', 'list recorded callbacks'))
    .option('--command <callbackCommand>', 'only this command')
    .option('--operation-id <operationID>', 'only this operationID')
    .option('--received-after <time>', 'received at or after (ISO 8601 or epoch ms)', timeArg)
    .option('--received-before <time>', 'received before', timeArg)
    .action(async (o) => {
      const filter: EventFilter = defined({
        command: o.command,
        operationID: o.operationId,
        receivedAfter: o.receivedAfter,
        receivedBefore: o.receivedBefore,
        limit: o.limit,
        cursor: o.cursor,
        order: o.order,
      });
      await withStore(o, async (store) => {
        const page = await store.listEvents(filter);
        printPage(page, ['id', 'receivedAt', 'callbackCommand', 'operationID', 'warnings'], o.json);
      });
    });

  storeCommand(program, 'sinks', 'each configured sink: backlog, oldest pending, delivered, dead').action(
    async (o) => {
      const config = resolveConfig({ flags: { database: o.database, config: o.config }, env: process.env });
      await withStore(o, async (store) => {
        const now = Date.now();
        const items = await Promise.all(
          config.sinks.map(async (sink) => {
            const backlog = await store.sinkBacklog(sink.name);
            const oldest = backlog.oldestPendingAt;
            return {
              name: sink.name,
              url: sink.url,
              backlog: backlog.pending,
              oldestPendingAgeMs: oldest === null ? null : now - oldest,
              delivered: backlog.delivered,
              dead: backlog.dead,
            };
          }),
        );
        printRows(items, ['name', 'backlog', 'oldestPendingAgeMs', 'delivered', 'dead'], {
          json: o.json,
          jsonValue: { items },
        });
      });
    },
  );

  storeCommand(program, 'replay', 'send events again: one (--event), a time range, or every dead letter')
    .option('--event <id>', 'the event id', integerArg)
    .option('--received-after <time>', 'events received at or after (ISO 8601 or epoch ms)', timeArg)
    .option('--received-before <time>', 'events received before', timeArg)
    .option('--dead', 'every dead-lettered delivery')
    .option('--sink <name>', 'only this sink')
    .action(async (o) => {
      const selection: ReplaySelection = defined({
        eventId: o.event,
        from: o.receivedAfter,
        to: o.receivedBefore,
        dead: o.dead ? true : undefined,
        sink: o.sink,
      });
      if (Object.keys(selection).every((key) => key === 'sink')) {
        throw new InvalidArgumentError(
          'say what to replay: --event, --received-after/--received-before or --dead',
        );
      }
      await withStore(o, async (store) => {
        const replayed = await store.replay(selection);
        if (o.json) process.stdout.write(`${JSON.stringify({ replayed })}\n`);
        else
          process.stdout.write(
            `${replayed} deliveries queued again; a running relay picks them up within a second\n`,
          );
      });
    });

  storeCommand(program, 'commands', 'each command received: count, first and last time').action(async (o) => {
    await withStore(o, async (store) => {
      const items = await store.listCommands();
      printRows(items, ['callbackCommand', 'count', 'firstSeenAt', 'lastSeenAt'], {
        json: o.json,
        jsonValue: { items },
      });
    });
  });

  storeCommand(program, 'migrate', 'apply the schema migrations the database lacks, then exit').action(
    async (o) => {
      const { migrateDatabase } = await import('../store/index.js');
      const config = resolveConfig({ flags: { database: o.database, config: o.config }, env: process.env });
      const applied = await migrateDatabase(config.database);
      if (o.json) process.stdout.write(`${JSON.stringify({ applied })}\n`);
      else
        process.stdout.write(
          applied.length > 0 ? `applied migrations ${applied.join(', ')}\n` : 'schema is current\n',
        );
    },
  );

  registerEmitterCommands(program);
  return program;
}
