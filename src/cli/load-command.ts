import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { formatLoadReport, runLoad } from '../emitter/load/index.js';
import type { LoadOptions, LoadProgress } from '../emitter/load/index.js';
import {
  afterModeOptions,
  nonNegativeInteger,
  nonNegativeNumber,
  positiveInteger,
  positiveNumber,
  reliable,
  signing,
} from './emitter-options.js';
import type { EmitterCommandsOutput } from './emitter-options.js';

interface LoadCliOptions {
  maxErrors: number;
  url: string;
  rate: number;
  duration: number;
  connections: number;
  mode: string;
  queueFile: string;
  bodyHmacSecret: string[];
  command?: string;
  timeout?: number;
  max?: number;
  warmup?: number;
  json: boolean;
}

async function runLoadCommand(options: LoadCliOptions, output: EmitterCommandsOutput): Promise<void> {
  const command = options.command ?? 'callbackAfterCreateSingleChatConversationsCommand';
  const commands: readonly string[] = [
    'callbackAfterCreateSingleChatConversationsCommand',
    'callbackBeforeCreateSingleChatConversationsCommand',
    'callbackAfterCreateGroupChatConversationsCommand',
    'callbackBeforeCreateGroupChatConversationsCommand',
  ];
  if (!commands.includes(command))
    throw new InvalidArgumentError(`--command must be one of ${commands.join(', ')}`);
  const report = await runLoad({
    url: options.url,
    rate: options.rate,
    durationSeconds: options.duration,
    connections: options.connections,
    ...(options.mode === 'reliable'
      ? { afterMode: await reliable(options.queueFile, options.connections) }
      : {}),
    ...signing(options.bodyHmacSecret),
    command: command as NonNullable<LoadOptions['command']>,
    ...(options.timeout !== undefined ? { timeoutSeconds: options.timeout } : {}),
    ...(options.max !== undefined ? { maxCallbacks: options.max } : {}),
    ...(options.warmup !== undefined ? { warmupSeconds: options.warmup } : {}),
    // A person watching a terminal sees the run move; a pipe or a file gets only the report.
    ...(process.stderr.isTTY
      ? {
          onProgress: (p: LoadProgress) =>
            output.err(
              `${p.elapsedSeconds.toFixed(0)} s: ${p.scheduled} scheduled, ${p.answered} answered, backlog ${p.backlog}, dropped ${p.dropped}\n`,
            ),
        }
      : {}),
  });
  output.out(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatLoadReport(report)}\n`);
  // Every callback that was not plainly a success: errors of any kind, rejections, drops, unfinished ones, and
  // answers with a non-2xx status (a callback refused with a 404 package still "continues" for OpenIM).
  const non2xx = Object.entries(report.statuses)
    .filter(([status]) => !/^2\d\d$/.test(status))
    .reduce((sum, [, count]) => sum + count, 0);
  const failures =
    report.rejected +
    report.dropped +
    report.unfinished +
    non2xx +
    Object.values(report.errors).reduce((a, b) => a + b, 0);
  if (failures > options.maxErrors) {
    output.err(
      `load: ${failures} failed or dropped callbacks, more than --max-errors ${options.maxErrors}\n`,
    );
    process.exitCode = 1;
  }
}

/**
 * Adds `load`: open-loop load like OpenIM's, bounded in time and count.
 *
 * @example
 * openim-hooks load --url http://127.0.0.1:10006/callbackExample --rate 2000 --duration 10 --connections 8
 */
export function registerLoadCommand(program: Command, output: EmitterCommandsOutput): void {
  const load = program
    .command('load')
    .description(
      'open-loop load of unique conversation callbacks; reports rate, latency percentiles, errors, drops',
    )
    .requiredOption('--url <url>', 'the webhooks.yml url')
    .requiredOption('--rate <perSecond>', 'callbacks per second', positiveNumber)
    .requiredOption('--duration <seconds>', 'how long to schedule callbacks', positiveNumber)
    .option('--connections <n>', 'concurrent connections', positiveInteger, 8);
  afterModeOptions(load)
    .option('--command <command>', 'callback command (default the single chat after-callback)')
    .option('--timeout <seconds>', 'per-callback timeout (default 5; 0 = 15 s)', nonNegativeInteger)
    .option('--max <n>', 'at most this many callbacks', positiveInteger)
    .option(
      '--warmup <seconds>',
      'load at the same rate first, left out of the report (default 0)',
      nonNegativeNumber,
    )
    .option(
      '--max-errors <n>',
      'exit 1 when more callbacks than this fail or are dropped (default 0)',
      nonNegativeInteger,
      0,
    )
    .option('--json', 'print JSON', false)
    .action((options: LoadCliOptions) => runLoadCommand(options, output));
}
