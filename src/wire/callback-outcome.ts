import type { CallbackKind, ResponsePackage } from '../protocol/index.js';
import type { CallbackErrorKind } from './callback-error-kind.js';

/** Everything about one callback sent: what went out, what came back, and how OpenIM would judge it. */
export interface CallbackOutcome {
  readonly command: string;
  readonly kind: CallbackKind;
  /** The exact target, `url + "/" + command`. */
  readonly target: string;
  readonly operationID: string;
  /** The exact body bytes sent, trailing newline included. */
  readonly requestBody: string;
  /** The HTTP status, reported only: OpenIM never looks at it. null when no answer arrived. */
  readonly status: number | null;
  /** The answer's body as text, or null when none arrived. */
  readonly responseBody: string | null;
  readonly durationMs: number;
  /**
   * `continue`: OpenIM goes on (for a before-callback, with `overrides` applied); `rejected`: actionCode 0 and
   * nextCode 1; `error`: transport failure or an answer Go cannot decode (which OpenIM also treats as a failure).
   */
  readonly result: 'continue' | 'rejected' | 'error';
  /** Set when result is not `continue`. */
  readonly errorKind: CallbackErrorKind | null;
  readonly errorMessage: string | null;
  /** The decoded answer, when it could be decoded. */
  readonly response: ResponsePackage | null;
  /** Override fields present in a before-callback's answer (applied only when result is `continue`). */
  readonly overrides: Readonly<Record<string, unknown>>;
}
