import { existsSync } from 'node:fs';
import { resolveConfig } from '../service/index.js';
import type { ServiceConfig } from '../service/index.js';
import { isPostgresUrl } from '../store/index.js';
import { CliError, EXIT } from './exit-codes.js';

/** Flags of the commands that work on a database: its path or URL, a config file, and the retention settings. */
export interface DatabaseFlags {
  database?: string;
  config?: string;
  retention?: string;
  retentionByCommand?: string;
  retainConversations?: boolean;
  diskReserveBytes?: string;
}

/**
 * The settings as `serve` would resolve them (flags, OPENIM_HOOKS_* variables, the config file, defaults), for a
 * command that works on the database itself. With `mustExist`, a SQLite file that is not there is an error naming
 * it: such a command never creates a database by a typo.
 */
export function databaseConfig(flags: DatabaseFlags, mustExist: boolean): ServiceConfig {
  const config = resolveConfig({
    flags: {
      database: flags.database,
      config: flags.config,
      retention: flags.retention,
      retentionByCommand: flags.retentionByCommand,
      retainConversations: flags.retainConversations === false ? 'false' : undefined,
      diskReserveBytes: flags.diskReserveBytes,
    },
    env: process.env,
  });
  if (mustExist && !isPostgresUrl(config.database) && !existsSync(config.database))
    throw new CliError(
      `no database at ${config.database} (check --database; \`serve\` creates it)`,
      EXIT.USAGE,
    );
  return config;
}

export const retentionOfConfig = (config: ServiceConfig) => ({
  defaultMs: config.retention,
  byCommand: config.retentionByCommand,
  retainConversations: config.retainConversations,
});
