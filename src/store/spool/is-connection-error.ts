/** A database call that gave no answer in time: as good as a broken connection for the caller. */
export class DatabaseTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
}

/** Socket-level failures of the client: the server is down, restarting or cut off. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of an unreachable or unavailable server: class 08 (connection exception), 53 (insufficient resources:
 * too many connections, disk full) and 57P01-57P03 (shut down by the administrator, crashed, starting up).
 */
const SERVER_DOWN = /^(08...|53...|57P0[123])$/;

/** node-postgres reports a dead socket or a connect timeout as a plain Error without a code. */
const CLIENT_MESSAGES =
  /connection terminated|not queryable|timeout exceeded when trying to connect|connection timeout/i;

/**
 * True when an error says the database could not be reached, not that it refused this write: a constraint violation or
 * an SQL error is the callback's or our fault and must not be spooled (it would fail again at every flush).
 *
 * @example
 * isConnectionError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })); // true
 * isConnectionError(Object.assign(new Error('duplicate key'), { code: '23505' })); // false
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // Connecting to a host with several addresses fails with one error per address.
  if (error instanceof AggregateError && error.errors.some(isConnectionError)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return SOCKET_CODES.has(code) || SERVER_DOWN.test(code);
  return CLIENT_MESSAGES.test(error.message);
}
