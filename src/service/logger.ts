import { pino } from 'pino';
import type { Logger } from 'pino';
import type { Outcome } from '../receiver/index.js';
import type { ServiceConfig } from './config.js';

export type { Logger };

export function createLogger(level: ServiceConfig['logLevel'], destination?: NodeJS.WritableStream): Logger {
  return pino({ level, base: { service: 'openim-hooks' } }, destination ?? pino.destination({ sync: false }));
}

/**
 * One line per callback, with its operationID (OpenIM's key to its own logs). Never the payload: it holds user
 * data. A JSON parser's message can quote the body, so that detail stays at debug level.
 */
export function logOutcome(logger: Logger, outcome: Outcome, elapsedMs: number): void {
  const fields = {
    operationID: outcome.operationID,
    command: outcome.command,
    status: outcome.status,
    eventId: outcome.eventId,
    duplicate: outcome.duplicate,
    ms: Math.round(elapsedMs * 100) / 100,
  };
  if (outcome.error) {
    const detail = outcome.error === 'INVALID_JSON' ? undefined : outcome.detail;
    logger.warn({ ...fields, error: outcome.error, detail }, 'callback refused');
    if (detail === undefined) logger.debug({ ...fields, detail: outcome.detail }, 'callback refused: detail');
    return;
  }
  if (outcome.warnings.length > 0) logger.warn({ ...fields, warnings: outcome.warnings }, 'callback inconsistent');
  logger.info(fields, outcome.duplicate ? 'callback redelivered' : 'callback recorded');
}
