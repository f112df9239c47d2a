import type { Agent } from 'node:http';
import { encodeGoJson, findCommand, isBlocking } from '../protocol/index.js';
import { callbackUrl } from './callback-url.js';
import type { CallbackOutcome } from './callback-outcome.js';
import type { EncodedCallback } from './encoded-callback.js';
import { messageKeyTarget } from './message-key-target.js';
import { parseCallbackResponse } from './parse-callback-response.js';
import { postCallback } from './post-callback.js';

/** Where and how a callback goes: the `url` of webhooks.yml, and the connection options of Go's client. */
export interface SendTarget {
  /** The `url` of webhooks.yml; the callback goes to `url + "/" + command`. */
  readonly url: string;
  readonly agent?: Agent;
  /** Extra headers after OpenIM's, as [name, value, ...]. */
  readonly extraHeaders?: readonly string[];
  /** Default true, as Go's client (see PostRequest). */
  readonly followRedirects?: boolean;
}

/** A callback given as its request struct, encoded here in OpenIM's field order (every field present). */
export interface PayloadCallback {
  readonly command: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly operationID: string;
  readonly timeoutMs: number;
}

export type SendCallbackOptions = SendTarget & (EncodedCallback | PayloadCallback);

/**
 * Sends one callback now and judges the answer as OpenIM does: HTTP status ignored, body decoded like Go's
 * json.Unmarshal, rejected iff actionCode == 0 && nextCode == 1. The body is given encoded (`requestBody`, sent as
 * is) or as its request struct (`payload`, encoded like OpenIM's Go structs).
 *
 * @example
 * const outcome = await sendCallback({ url, command: 'callbackAfterCreateSingleChatConversationsCommand',
 *   payload, operationID: '1', timeoutMs: 5000 });
 */
export async function sendCallback(options: SendCallbackOptions): Promise<CallbackOutcome> {
  const { command, operationID } = options;
  const info = findCommand(command);
  const requestBody =
    'requestBody' in options ? options.requestBody : encodeGoJson(options.payload, info?.request);
  const kind = info?.kind ?? 'after';
  const target = messageKeyTarget(callbackUrl(options.url, command), command, requestBody);
  const posted = await postCallback({
    target,
    operationID,
    body: Buffer.from(requestBody, 'utf8'),
    timeoutMs: options.timeoutMs,
    ...(options.agent ? { agent: options.agent } : {}),
    ...(options.extraHeaders ? { extraHeaders: options.extraHeaders } : {}),
    ...(options.followRedirects !== undefined ? { followRedirects: options.followRedirects } : {}),
  });
  const base = { command, kind, target, operationID, requestBody, durationMs: posted.durationMs };
  if (!posted.ok) {
    return {
      ...base,
      status: posted.status,
      responseBody: null,
      result: 'error',
      errorKind: posted.kind,
      errorMessage: posted.message,
      response: null,
      overrides: {},
    };
  }
  const responseBody = posted.body.toString('utf8');
  const parsed = parseCallbackResponse(posted.body, info?.answer);
  if (!parsed.ok) {
    return {
      ...base,
      status: posted.status,
      responseBody,
      result: 'error',
      errorKind: parsed.kind,
      errorMessage: parsed.message,
      response: null,
      overrides: {},
    };
  }
  const rejected = isBlocking(parsed.response);
  return {
    ...base,
    status: posted.status,
    responseBody,
    result: rejected ? 'rejected' : 'continue',
    errorKind: rejected ? 'rejected' : null,
    errorMessage: rejected ? `errCode ${parsed.response.errCode}: ${parsed.response.errMsg}` : null,
    response: parsed.response,
    overrides: parsed.overrides,
  };
}
