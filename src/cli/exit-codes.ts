/**
 * The CLI's exit codes (the README lists them):
 * 0 done; 1 what was asked for failed or is not there (a refused or non-success answer, an event not found, load
 * over --max-errors); 2 bad usage or a bad setting (unknown command or option, a value that does not parse, a
 * database file that does not exist); 3 the service could not be reached.
 */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, UNREACHABLE: 3 } as const;

/** An error the CLI reports in one line and exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
