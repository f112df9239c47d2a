import { CommanderError, InvalidArgumentError } from 'commander';
import { ConfigError } from '../service/index.js';
import { CliError, EXIT } from './exit-codes.js';
import { buildProgram } from './main.js';

/** The exit code of whatever stopped a command (see exit-codes.ts). */
function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof ConfigError || error instanceof InvalidArgumentError) return EXIT.USAGE;
  // --help and --version end through here too, with exit code 0.
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  return EXIT.FAILED;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    const code = exitCodeOf(error);
    // Commander has already printed its own usage errors (one line and the --help hint); an InvalidArgumentError
    // that reaches here was thrown by a command's action, and is not printed yet.
    if (!(error instanceof CommanderError) || error instanceof InvalidArgumentError) {
      process.stderr.write(`openim-hooks: ${error instanceof Error ? error.message : String(error)}\n`);
      if (error instanceof InvalidArgumentError) process.stderr.write('(add --help for usage)\n');
    }
    process.exit(code);
  });
