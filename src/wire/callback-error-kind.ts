/** Why a callback failed, as a user would group failures. */
export const CALLBACK_ERROR_KINDS = [
  /** No answer within min(timeout, 15 s). */
  'timeout',
  /** Nothing listens at the url. */
  'connection-refused',
  /** The connection broke before a full answer. */
  'connection-reset',
  /** Any other transport failure (DNS, TLS, a body that does not gunzip, ...). */
  'network',
  /** Empty body, not JSON, or JSON that is not an object or null: OpenIM's "response format error". */
  'response-format',
  /** JSON whose field has the wrong type for Go (`"nextCode": "0"`, `1.5`, out of int32 range). */
  'response-type',
  /** A well-formed rejection: actionCode 0 and nextCode 1. */
  'rejected',
] as const;
export type CallbackErrorKind = (typeof CALLBACK_ERROR_KINDS)[number];
