import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CallbackOutcome } from '../emitter/index.js';
import type { Outcome, RawResponse } from '../receiver/index.js';
import { resolveConfig, startService } from '../service/index.js';
import { AFTER_COMMANDS, forwardBefore } from '../service/listen/forward-before.js';
import type { AttemptDetails } from '../sync/relay.js';
import { parseSinkConfig } from '../sync/sink-config.js';
import { stopOnSignals } from './stop-on-signals.js';

/** A developer's loop: retries close together, given up after about five minutes (then `replay --dead`). */
const LISTEN_RETRY_SCHEDULE = ['1s', '2s', '5s', '10s', '30s', '60s', '60s', '60s', '60s'];

interface ListenOptions {
  forwardTo: string;
  host?: string;
  port?: string;
  basePath?: string;
  database?: string;
  beforeDeadlineMs?: string;
  json: boolean;
}

const clock = () => new Date().toISOString().slice(11, 23);
const shortBody = (body: string | null) => (body ?? '').trim().slice(0, 200);

function businessAnswer(outcome: CallbackOutcome): string {
  if (outcome.status === null)
    return `no answer (${outcome.errorKind ?? 'error'}) after ${Math.round(outcome.durationMs)} ms`;
  const verdict = outcome.result === 'error' ? ` ${outcome.errorKind ?? 'error'}` : '';
  return `${outcome.status} in ${Math.round(outcome.durationMs)} ms${verdict} ${shortBody(outcome.responseBody)}`;
}

/**
 * `openim-hooks listen --forward-to URL`: the Stripe CLI's loop for OpenIM. A receiver (on a temp database unless
 * --database) forwards every callback in OpenIM's exact format to the business server and prints one line per
 * callback: time, command, operationID, our answer, the business server's answer.
 */
export function registerListenCommand(program: Command): void {
  program
    .command('listen')
    .description(
      "receive OpenIM's callbacks and forward each to your local server, printing a line per callback",
    )
    .requiredOption(
      '--forward-to <url>',
      "your server's webhooks url: callbacks go to <url>/<callbackCommand>",
    )
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default 10006)')
    .option('--base-path <path>', 'path of OpenIM webhooks.yml `url` (default /callbackExample)')
    .option('--database <path>', 'keep the callbacks in this file (default: a temporary one)')
    .option(
      '--before-deadline-ms <ms>',
      'how long your server has to answer a before-callback (default 1000)',
    )
    .option('--json', 'print one JSON object per line', false)
    .action(async (o: ListenOptions) => {
      const forwardTo = new URL(o.forwardTo).toString().replace(/\/$/, '');
      const database = o.database ?? join(mkdtempSync(join(tmpdir(), 'openim-hooks-listen-')), 'listen.db');
      const config = resolveConfig({
        flags: {
          host: o.host,
          port: o.port,
          basePath: o.basePath,
          database,
          beforeDeadlineMs: o.beforeDeadlineMs,
          logLevel: 'warn',
          // Forwarding to the developer's own machine is the point of `listen`.
          allowPrivateSinks: 'true',
        },
        env: process.env,
      });
      config.sinks = [
        parseSinkConfig(
          {
            name: 'forward',
            url: `openim+${forwardTo}`,
            commands: AFTER_COMMANDS,
            retrySchedule: LISTEN_RETRY_SCHEDULE,
          },
          0,
        ),
      ];
      const print = (line: Record<string, unknown>, text: string) =>
        process.stdout.write(o.json ? `${JSON.stringify(line)}\n` : `${clock()}  ${text}\n`);
      const before = forwardBefore({
        url: forwardTo,
        deadlineMs: config.beforeDeadlineMs,
        beforeFailure: config.beforeFailure,
        onForwarded: (outcome, answered) =>
          print(
            {
              kind: 'before',
              command: outcome.command,
              operationID: outcome.operationID,
              answered: answered.body,
              business: outcome,
            },
            `before ${outcome.command}  operationID ${JSON.stringify(outcome.operationID)}  we answered ${answered.status} ${shortBody(answered.body)}  business ${businessAnswer(outcome)}`,
          ),
      });
      const service = await startService(config, {
        answer: before.answer,
        onCallback(outcome: Outcome, response: RawResponse) {
          if (response.status === 200) return;
          print(
            {
              kind: 'refused',
              command: outcome.command,
              operationID: outcome.operationID,
              status: response.status,
              error: outcome.error,
            },
            `refused ${outcome.command ?? '?'}  operationID ${JSON.stringify(outcome.operationID)}  we answered ${response.status} ${outcome.error ?? ''}: ${outcome.detail ?? ''}`,
          );
        },
        relayObserver: {
          attempt(_sink: string, result: string, _lagMs: number, { event, log }: AttemptDetails) {
            const business =
              log.httpStatus === null
                ? `no answer (${log.error ?? result})`
                : `${log.httpStatus} in ${log.durationMs} ms ${shortBody(log.responseExcerpt)}`;
            print(
              {
                kind: 'after',
                command: event.callbackCommand,
                operationID: event.operationID,
                eventId: event.eventId,
                result,
                attempt: log,
              },
              `after  ${event.callbackCommand}  operationID ${JSON.stringify(event.operationID)}  we answered 200 (recorded)  business ${business}  → ${result === 'delivered' ? 'delivered' : `${result}, retried`}`,
            );
          },
        },
      });
      process.stderr.write(
        `listening: set url: ${service.callbackUrl} in OpenIM config/webhooks.yml; forwarding to ${forwardTo}/<callbackCommand>; database ${database}; dashboard ${service.url}/\n`,
      );
      stopOnSignals({
        logger: service.logger,
        close: async () => {
          await service.close();
          before.close();
        },
      });
    });
}
