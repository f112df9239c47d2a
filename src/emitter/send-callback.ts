import type { Agent } from 'node:http';
import { encodeGoJson, findCommand } from '../protocol/index.js';
import type { CallbackOutcome } from './callback-outcome.js';
import { sendEncodedCallback } from './send-encoded-callback.js';

export interface SendCallbackOptions {
  /** The `url` of webhooks.yml. */
  readonly url: string;
  readonly command: string;
  /** The request struct, encoded in OpenIM's field order (every field present; unknown commands in key order). */
  readonly payload: Readonly<Record<string, unknown>>;
  readonly operationID: string;
  readonly timeoutMs: number;
  readonly agent?: Agent;
}

/**
 * Sends one callback now and judges the answer as OpenIM does: HTTP status ignored, body decoded like Go's
 * json.Unmarshal, rejected iff actionCode == 0 && nextCode == 1.
 *
 * @example
 * const outcome = await sendCallback({ url, command: 'callbackAfterCreateSingleChatConversationsCommand',
 *   payload, operationID: '1', timeoutMs: 5000 });
 */
export async function sendCallback(options: SendCallbackOptions): Promise<CallbackOutcome> {
  const requestBody = encodeGoJson(options.payload, findCommand(options.command)?.request);
  return sendEncodedCallback({ ...options, requestBody });
}
