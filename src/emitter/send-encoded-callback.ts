import type { Agent } from 'node:http';
import { findCommand, isBlocking } from '../protocol/index.js';
import { callbackUrl } from './callback-url.js';
import { messageKeyTarget } from './message-key-target.js';
import type { CallbackOutcome } from './callback-outcome.js';
import { parseCallbackResponse } from './parse-callback-response.js';
import { postCallback } from './post-callback.js';

export interface SendEncodedCallbackOptions {
  /** The `url` of webhooks.yml. */
  readonly url: string;
  readonly command: string;
  /** The exact body, as encodeGoJson wrote it. */
  readonly requestBody: string;
  readonly operationID: string;
  readonly timeoutMs: number;
  readonly agent?: Agent;
  /** Extra headers after OpenIM's, as [name, value, ...]. */
  readonly extraHeaders?: readonly string[];
  /** Default true, as Go's client (see PostRequest). */
  readonly followRedirects?: boolean;
}

/** As sendCallback, for a body already encoded (OpenIM snapshots after-callbacks when they are queued). */
export async function sendEncodedCallback(options: SendEncodedCallbackOptions): Promise<CallbackOutcome> {
  const { command, operationID, requestBody } = options;
  const info = findCommand(command);
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
