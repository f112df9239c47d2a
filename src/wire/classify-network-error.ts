import type { CallbackErrorKind } from './callback-error-kind.js';

/** The kind of a node:http client error. */
export function classifyNetworkError(error: unknown): CallbackErrorKind {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ETIMEDOUT':
    case 'ABORT_ERR':
      return 'timeout';
    case 'ECONNREFUSED':
      return 'connection-refused';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return 'connection-reset';
    default:
      return 'network';
  }
}
