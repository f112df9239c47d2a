import { pino } from 'pino';
import type { Logger } from 'pino';
import type { Outcome } from '../receiver/index.js';
import type { ServiceConfig } from './config.js';

export type { Logger };

/**
 * JSON lines on stdout, written in 4 KiB chunks off the event loop: one write per callback would cost more than the
 * callback. A quiet receiver's lines still show within a second (the timer below), and `close()` flushes the rest.
 */
export function createLogger(level: ServiceConfig['logLevel'], destination?: NodeJS.WritableStream): Logger {
  if (destination) return pino({ level, base: { service: 'openim-hooks' } }, destination);
  const logger = pino(
    { level, base: { service: 'openim-hooks' } },
    pino.destination({ sync: false, minLength: 4096 }),
  );
  setInterval(() => logger.flush(), 1000).unref();
  return logger;
}

/** Refusals a flood produces: logged at most once a second, with how many were left out since the last line. */
const FLOOD_ERRORS = new Set(['UNAUTHORIZED', 'TOO_MANY_REQUESTS', 'OVERLOADED', 'STORAGE_UNAVAILABLE']);
const floodState = new WeakMap<Logger, { lastAt: number; suppressed: number }>();

/** True when a flood-prone warning may be written now (≤ 1 line/s per logger); counts the ones it holds back. */
export function floodWarningAllowed(
  logger: Logger,
  now = Date.now(),
): { allowed: boolean; suppressed: number } {
  const state = floodState.get(logger) ?? { lastAt: -Infinity, suppressed: 0 };
  floodState.set(logger, state);
  if (now - state.lastAt < 1000) {
    state.suppressed += 1;
    return { allowed: false, suppressed: state.suppressed };
  }
  const suppressed = state.suppressed;
  state.lastAt = now;
  state.suppressed = 0;
  return { allowed: true, suppressed };
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
    spooled: outcome.spooled,
    ms: Math.round(elapsedMs * 100) / 100,
  };
  if (outcome.error && FLOOD_ERRORS.has(outcome.error)) {
    const { allowed, suppressed } = floodWarningAllowed(logger);
    if (allowed)
      logger.warn(
        { ...fields, error: outcome.error, detail: outcome.detail, suppressed },
        'callback refused (at most one such line per second)',
      );
    return;
  }
  if (outcome.error) {
    const detail = outcome.error === 'INVALID_JSON' ? undefined : outcome.detail;
    logger.warn({ ...fields, error: outcome.error, detail }, 'callback refused');
    if (detail === undefined) logger.debug({ ...fields, detail: outcome.detail }, 'callback refused: detail');
    return;
  }
  if (outcome.warnings.length > 0)
    logger.warn({ ...fields, warnings: outcome.warnings }, 'callback inconsistent');
  logger.info(
    fields,
    outcome.duplicate ? 'callback redelivered' : outcome.spooled ? 'callback spooled' : 'callback recorded',
  );
}
