/**
 * A database whose schema a newer openim-hooks wrote: this one does not know its tables, so it must not touch them
 * (an older binary after a rollback, say). The message names both versions and what to do.
 */
export class SchemaTooNewError extends Error {
  constructor(
    readonly database: string,
    readonly databaseVersion: number,
    readonly codeVersion: number,
  ) {
    super(
      `${database} has schema version ${databaseVersion}, newer than this openim-hooks knows (${codeVersion}): ` +
        'run the openim-hooks that wrote it (or a later one), or restore a backup taken before the upgrade',
    );
  }
}
