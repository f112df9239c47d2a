import { Command, InvalidArgumentError, Option } from 'commander';
import { defined } from '../store/index.js';
import type { EventRecord } from '../store/index.js';
import { CliError, EXIT } from './exit-codes.js';
import { printPage, printRows } from './output.js';
import { apiSource, storeSource } from './read-source.js';
import type { ReadSource } from './read-source.js';
import { DEFAULT_SERVICE_URL, serviceClient } from './service-client.js';
import { parseTimeArg } from './time-arg.js';

export function integerArg(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('must be an integer');
  return Number(value);
}

interface SourceOptions {
  url?: string;
  database?: string;
  json: boolean;
}

/** The service at --url (or OPENIM_HOOKS_URL), unless --database names a file or URL to read instead. */
export async function withSource(
  options: SourceOptions,
  use: (source: ReadSource) => Promise<void>,
): Promise<void> {
  const source =
    options.database !== undefined
      ? storeSource(options.database)
      : apiSource(
          serviceClient(
            options.url ?? process.env['OPENIM_HOOKS_URL'] ?? DEFAULT_SERVICE_URL,
            process.env['OPENIM_HOOKS_API_TOKEN'],
          ),
        );
  try {
    await use(source);
  } finally {
    await source.close();
  }
}

export function sourceCommand(
  parent: Command,
  name: string,
  description: string,
  isDefault = false,
): Command {
  return parent
    .command(name, { isDefault })
    .description(description)
    .option('--url <url>', `the running service (default $OPENIM_HOOKS_URL or ${DEFAULT_SERVICE_URL})`)
    .option('--database <path>', 'read this SQLite file or postgres:// URL instead of asking the service')
    .option('--json', 'print JSON instead of a table', false);
}

function pageOptions(command: Command): Command {
  return command
    .option('--limit <n>', 'rows per page, 1-1000', integerArg)
    .option('--cursor <cursor>', 'nextCursor of the previous page')
    .addOption(new Option('--order <order>', 'by arrival').choices(['asc', 'desc']));
}

/** What pageOptions read, for a filter. */
function pageOf(o: { limit?: number; cursor?: string; order?: 'asc' | 'desc' }) {
  return defined({ limit: o.limit, cursor: o.cursor, order: o.order });
}

const TIME_HELP = '(ISO 8601, epoch ms, or a span ago: 30m, 1h, 2d)';

function eventLine(event: EventRecord): string {
  const payload = (event.payload ?? {}) as Record<string, unknown>;
  const where = [payload['ownerUserId'], payload['conversationId']].filter(
    (v) => typeof v === 'string' && v !== '',
  );
  return `${event.receivedAt}  #${event.id}  ${event.callbackCommand}  operationID ${JSON.stringify(event.operationID)}${where.length ? `  ${where.join(' ')}` : ''}${event.warnings.length ? `  warnings: ${event.warnings.join('; ')}` : ''}\n`;
}

/** conversations, events, commands, sinks, replay: they ask the running service, or read a file with --database. */
export function registerReadCommands(program: Command): void {
  const conversations = program.command('conversations').description('conversations recorded from callbacks');
  pageOptions(sourceCommand(conversations, 'list', 'list conversations'))
    .option('--owner <ownerUserId>', 'owner user id')
    .option('--user <userId>', 'peer user id (single chats)')
    .option('--group <groupId>', 'group id')
    .option('--conversation <conversationId>', 'conversation id, e.g. si_a_b')
    .option('--type <conversationType>', '1 single, 3 group, 4 notification', integerArg)
    .option('--since <time>', `last seen at or after ${TIME_HELP}`, (v) => parseTimeArg(v))
    .option('--until <time>', 'last seen before', (v) => parseTimeArg(v))
    .option('--seen-after <time>', 'same as --since', (v) => parseTimeArg(v))
    .option('--seen-before <time>', 'same as --until', (v) => parseTimeArg(v))
    .action(async (o) => {
      const filter = defined({
        ownerUserId: o.owner,
        userId: o.user,
        groupId: o.group,
        conversationId: o.conversation,
        conversationType: o.type,
        seenAfter: o.since ?? o.seenAfter,
        seenBefore: o.until ?? o.seenBefore,
        ...pageOf(o),
      });
      await withSource(o, async (source) => {
        const page = await source.listConversations(filter);
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
  sourceCommand(conversations, 'show', 'show one conversation (ownerUserId "" for groups)')
    .argument('<ownerUserId>')
    .argument('<conversationId>')
    .action(async (ownerUserId: string, conversationId: string, o) => {
      await withSource(o, async (source) => {
        const found = await source.getConversation(ownerUserId, conversationId);
        if (!found)
          throw new CliError(
            `no conversation ${conversationId} of owner ${JSON.stringify(ownerUserId)}`,
            EXIT.FAILED,
          );
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
  pageOptions(sourceCommand(events, 'list', 'list recorded callbacks'))
    .option('--command <callbackCommand>', 'only this command')
    .option('--operation-id <operationID>', 'only this operationID')
    .option('--since <time>', `received at or after ${TIME_HELP}`, (v) => parseTimeArg(v))
    .option('--until <time>', 'received before', (v) => parseTimeArg(v))
    .option('--received-after <time>', 'same as --since', (v) => parseTimeArg(v))
    .option('--received-before <time>', 'same as --until', (v) => parseTimeArg(v))
    .action(async (o) => {
      const filter = defined({
        command: o.command,
        operationID: o.operationId,
        receivedAfter: o.since ?? o.receivedAfter,
        receivedBefore: o.until ?? o.receivedBefore,
        ...pageOf(o),
      });
      await withSource(o, async (source) => {
        printPage(
          await source.listEvents(filter),
          ['id', 'eventId', 'receivedAt', 'callbackCommand', 'operationID', 'warnings'],
          o.json,
        );
      });
    });
  sourceCommand(events, 'show', 'one event: body, warnings, our answer, its deliveries and their attempts')
    .argument('<id>', 'numeric id or the evt_ id sinks send')
    .action(async (id: string, o) => {
      await withSource(o, async (source) => {
        const event = await source.getEvent(id);
        if (!event) throw new CliError(`no event ${id}`, EXIT.FAILED);
        if (o.json) return void process.stdout.write(`${JSON.stringify(event, null, 2)}\n`);
        const { rawBody, deliveries, answer } = event;
        const shown = [
          'id',
          'eventId',
          'callbackCommand',
          'kind',
          'operationID',
          'receivedAt',
          'warnings',
        ] as const;
        printRows(
          shown.map((field) => ({ field, value: event[field] })),
          ['field', 'value'],
          { json: false },
        );
        process.stdout.write(`answer  HTTP ${answer.status} ${answer.body}\nbody    ${rawBody}`);
        if (!rawBody.endsWith('\n')) process.stdout.write('\n');
        for (const d of deliveries) {
          process.stdout.write(
            `delivery ${d.sink}: ${d.status}, ${d.attempts} attempt(s)${d.lastError ? `, last error ${d.lastError}` : ''}\n`,
          );
          for (const a of d.history) {
            process.stdout.write(
              `  ${a.startedAt} ${a.durationMs} ms ${a.result} ${a.httpStatus ?? a.error ?? ''}\n`,
            );
          }
        }
      });
    });
  sourceCommand(events, 'tail', "follow new events as they arrive (the service's event stream)")
    .option('--command <callbackCommand>', 'only this command')
    .option('--owner <ownerUserId>', 'only payloads with this ownerUserId')
    .option('--conversation <conversationId>', 'only payloads with this conversationId')
    .option('--backlog <n>', 'first print the n newest', integerArg, 0)
    .action(async (o) => {
      const filter = defined({ command: o.command, ownerUserId: o.owner, conversationId: o.conversation });
      await withSource(o, (source) =>
        source.follow(filter, o.backlog, (event) =>
          process.stdout.write(o.json ? `${JSON.stringify(event)}\n` : eventLine(event)),
        ),
      );
    });

  sourceCommand(program, 'commands', 'each command received: count, first and last time').action(
    async (o) => {
      await withSource(o, async (source) => {
        const items = await source.listCommands();
        printRows(items, ['callbackCommand', 'count', 'firstSeenAt', 'lastSeenAt'], {
          json: o.json,
          jsonValue: { items },
        });
      });
    },
  );

  const sinks = program
    .command('sinks')
    .description('the sinks: state, backlog, dead letters; retry and enable');
  // `openim-hooks sinks` alone lists them.
  sourceCommand(
    sinks,
    'list',
    'each sink: state, backlog, oldest pending, delivered, dead, last error',
    true,
  ).action(async (o) => {
    await withSource(o, async (source) => {
      const items = await source.sinks();
      printRows(
        items,
        [
          'name',
          'state',
          'backlog',
          'oldestPendingAgeMs',
          'delivered',
          'dead',
          'lastError',
          'generatedSecret',
        ],
        {
          json: o.json,
          jsonValue: { items },
        },
      );
    });
  });
  sourceCommand(sinks, 'retry', 'make every held delivery of a sink due now (after fixing it)')
    .argument('<name>')
    .action(async (name: string, o) => {
      await withSource(o, async (source) => {
        const retried = await source.retry(name);
        process.stdout.write(
          o.json ? `${JSON.stringify({ retried })}\n` : `${retried} held deliveries of ${name} are due now\n`,
        );
      });
    });
  sourceCommand(sinks, 'enable', 'take back into service a sink that a 410 disabled')
    .argument('<name>')
    .action(async (name: string, o) => {
      await withSource(o, async (source) => {
        const state = await source.enable(name);
        process.stdout.write(o.json ? `${JSON.stringify({ name, state })}\n` : `${name} is ${state}\n`);
      });
    });

  sourceCommand(program, 'replay', 'send events again: one (--event), a time range, or every dead letter')
    .option('--event <id>', 'the event: numeric id or evt_ id')
    .option('--since <time>', `events received at or after ${TIME_HELP}`, (v) => parseTimeArg(v))
    .option('--until <time>', 'events received before', (v) => parseTimeArg(v))
    .option('--received-after <time>', 'same as --since', (v) => parseTimeArg(v))
    .option('--received-before <time>', 'same as --until', (v) => parseTimeArg(v))
    .option('--dead', 'every dead-lettered delivery')
    .option('--sink <name>', 'only this sink')
    .action(async (o) => {
      const request = defined({
        event: o.event,
        from: o.since ?? o.receivedAfter,
        to: o.until ?? o.receivedBefore,
        dead: o.dead ? true : undefined,
        sink: o.sink,
      });
      if (Object.keys(request).every((key) => key === 'sink')) {
        throw new InvalidArgumentError('say what to replay: --event, --since/--until or --dead');
      }
      await withSource(o, async (source) => {
        const replayed = await source.replay(request);
        process.stdout.write(
          o.json
            ? `${JSON.stringify({ replayed })}\n`
            : `${replayed} deliveries queued again; a running relay sends them within a second\n`,
        );
      });
    });
}
