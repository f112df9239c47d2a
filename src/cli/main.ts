import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { resolveConfig, SIGNATURE_ALGORITHM_SETTINGS, startService } from '../service/index.js';
import { registerListenCommand } from './listen-command.js';
import { stopOnSignals } from './stop-on-signals.js';
import { registerReadCommands } from './read-commands.js';
import { registerEmitterCommands } from './trigger-commands.js';
import { registerLifecycleCommands } from './lifecycle-commands.js';
import { registerTransferCommands } from './transfer-commands.js';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The package's version: package.json sits two levels above this file, in src/ and in dist/ alike. */
function packageVersion(): string {
  const path = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

export function buildProgram(): Command {
  // A usage error is one line and a hint, not the whole help; commander's errors become exit code 2 (run.ts).
  const program = new Command('openim-hooks')
    .description('Receive, record and forward OpenIM server callbacks')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError(true)
    .exitOverride();

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
    .option('--retention <duration>', 'keep events this long, e.g. 30d, 12h (default 0 = for ever)')
    .option('--retention-by-command <list>', 'command=duration pairs instead of --retention, comma-separated')
    .option('--no-retain-conversations', 'prune conversation rows not seen within --retention too')
    .option(
      '--disk-reserve-bytes <n>',
      'reserve file released when the disk fills (default 67108864; 0 = none)',
    )
    .action(async ({ sink, sinkSecret, ...flags }: Record<string, string | string[] | undefined>) => {
      // One flag per sink reads better than a plural; the settings are lists. `--no-relay` makes commander default
      // `relay` to true: only its explicit false is a flag, otherwise the environment or the file decide (the same
      // for `--no-retain-conversations`).
      const relay = (flags['relay'] as unknown) === false ? 'false' : undefined;
      const retainConversations = (flags['retainConversations'] as unknown) === false ? 'false' : undefined;
      const config = resolveConfig({
        flags: { ...flags, relay, retainConversations, sinks: sink, sinkSecrets: sinkSecret },
        env: process.env,
      });
      stopOnSignals(await startService(config));
    });

  registerReadCommands(program);
  const events = program.commands.find((command) => command.name() === 'events');
  if (events) registerTransferCommands(events);

  program
    .command('migrate')
    .description('apply the schema migrations the database lacks, then exit')
    .option('--database <path>', 'SQLite file or postgres:// URL (default: as `serve` resolves it)')
    .option('--config <file>', 'config file (YAML or JSON)')
    .option('--json', 'print JSON', false)
    .action(async (o) => {
      const { convertForPruning, isPostgresUrl, migrateDatabase } = await import('../store/index.js');
      const config = resolveConfig({ flags: { database: o.database, config: o.config }, env: process.env });
      const applied = await migrateDatabase(config.database);
      // SQLite: incremental vacuum, so that pruned space goes back to the disk (a VACUUM, once).
      const vacuum = isPostgresUrl(config.database) ? undefined : convertForPruning(config.database);
      if (o.json) process.stdout.write(`${JSON.stringify({ applied, ...(vacuum ? { vacuum } : {}) })}\n`);
      else {
        process.stdout.write(
          applied.length > 0 ? `applied migrations ${applied.join(', ')}\n` : 'schema is current\n',
        );
        if (vacuum?.done === 'converted')
          process.stdout.write(`converted to incremental vacuum in ${(vacuum.ms / 1000).toFixed(1)} s\n`);
        if (vacuum?.done === 'skipped')
          process.stdout.write(`incremental vacuum not turned on: ${vacuum.reason}\n`);
      }
    });

  registerLifecycleCommands(program);

  registerEmitterCommands(program);
  registerListenCommand(program);
  return program;
}
