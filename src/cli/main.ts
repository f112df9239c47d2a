import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { resolveConfig, startService } from '../service/index.js';
import { addSettingFlags } from './serve-options.js';
import { registerListenCommand } from './listen-command.js';
import { stopOnSignals } from './stop-on-signals.js';
import { registerReadCommands } from './read-commands.js';
import { registerEmitterCommands } from './trigger-commands.js';
import { registerLifecycleCommands } from './lifecycle-commands.js';
import { registerTransferCommands } from './transfer-commands.js';

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

  const serve = program
    .command('serve')
    .description('run the receiver: record every callback OpenIM posts, serve the query API')
    .option('--config <file>', 'config file (YAML or JSON) holding the settings below');
  const settingsOf = addSettingFlags(serve);
  serve.action(async (parsed: Record<string, unknown>) => {
    const config = resolveConfig({
      flags: { ...settingsOf(parsed), config: parsed['config'] as string | undefined },
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
