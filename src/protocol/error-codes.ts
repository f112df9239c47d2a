/**
 * Every errCode openim-hooks answers with, as data: the receiver, the query API and the README table all read this
 * registry, and a test keeps the README in step. openim-hooks keeps 29001-29099 for itself; business rejections
 * should use another range (OpenIM's docs suggest 20001-29999, so pick below 29000).
 */
export const ERROR_CODES = {
  METHOD_NOT_ALLOWED: {
    errCode: 29001,
    status: 405,
    errMsg: 'method not allowed',
    fix: 'OpenIM only POSTs callbacks; use POST (the query API is GET).',
  },
  NOT_FOUND: {
    errCode: 29002,
    status: 404,
    errMsg: 'not found',
    fix: 'The path is not under the base path, or the resource does not exist. Check `url` in OpenIM webhooks.yml.',
  },
  UNKNOWN_COMMAND: {
    errCode: 29003,
    status: 404,
    errMsg: 'unknown callback command',
    fix: 'The last path segment is not a command OpenIM sends. The URL must be `{base}/{callbackCommand}`.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    errCode: 29004,
    status: 415,
    errMsg: 'unsupported content type',
    fix: 'Send `Content-Type: application/json` (OpenIM sends `application/json; charset=utf-8`).',
  },
  BODY_TOO_LARGE: {
    errCode: 29005,
    status: 413,
    errMsg: 'body too large',
    fix: 'The body exceeds `maxBodyBytes` (default 1 MiB). OpenIM callbacks are a few hundred bytes.',
  },
  INVALID_JSON: {
    errCode: 29006,
    status: 400,
    errMsg: 'body is not a JSON object',
    fix: 'The body must be one JSON object in valid UTF-8; `errDlt` says where parsing failed.',
  },
  FORBIDDEN_KEY: {
    errCode: 29007,
    status: 400,
    errMsg: 'forbidden key in body',
    fix: 'Keys named `__proto__` or `constructor` are refused (prototype poisoning); OpenIM never sends them.',
  },
  COMMAND_MISMATCH: {
    errCode: 29008,
    status: 400,
    errMsg: 'path command does not match body callbackCommand',
    fix: "The command in the URL and the body's `callbackCommand` must be equal.",
  },
  VALIDATION_FAILED: {
    errCode: 29009,
    status: 400,
    errMsg: 'invalid request package',
    fix: '`errDlt` names every failing field and why (missing, wrong type, out of range, not a documented value).',
  },
  STORAGE_UNAVAILABLE: {
    errCode: 29010,
    status: 503,
    errMsg: 'storage unavailable',
    fix: 'The event could not be recorded durably. Check the database (disk full, permissions, connection).',
  },
  HANDLER_FAILED: {
    errCode: 29011,
    status: 500,
    errMsg: 'callback handler failed',
    fix: 'Your handler threw or timed out; the event, if a store is configured, was recorded before it ran.',
  },
  INVALID_QUERY: {
    errCode: 29012,
    status: 400,
    errMsg: 'invalid query',
    fix: 'A query API parameter is malformed; `errDlt` names it.',
  },
  UNAUTHORIZED: {
    errCode: 29013,
    status: 401,
    errMsg: 'unauthorized',
    fix: 'The request failed the configured authentication (path secret, HTTP Basic, IP allow-list, signature, body HMAC, or the query API bearer token); `errDlt` says which check. See SECURITY.md.',
  },
  TOO_MANY_REQUESTS: {
    errCode: 29014,
    status: 429,
    errMsg: 'too many requests',
    fix: 'This client address exceeded `rateLimitPerIp` requests per second. Raise the limit or put OpenIM on its own address.',
  },
  OVERLOADED: {
    errCode: 29015,
    status: 503,
    errMsg: 'too many concurrent requests',
    fix: 'More than `maxConcurrentRequests` requests were in flight; OpenIM goes on (nextCode 0). Raise the cap or find what slows the store.',
  },
  PROJECTION_BEHIND: {
    errCode: 29016,
    status: 503,
    errMsg: 'projection behind',
    fix: 'A read with `consistent=true` waited 10 s for the projection to reach what was acknowledged. Callbacks are safe in the inbox; see `/readyz` and `openim_hooks_projection_lag_seconds`.',
  },
  INTERNAL_ERROR: {
    errCode: 29017,
    status: 500,
    errMsg: 'internal error',
    fix: 'Something in openim-hooks failed unexpectedly; the log line `request failed` has the stack. OpenIM goes on (nextCode 0). Please report it.',
  },
} as const;

export type ErrorName = keyof typeof ERROR_CODES;
