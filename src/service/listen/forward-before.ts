import { COMMANDS, ERROR_CODES, findCommand, rejectResponse } from '../../protocol/index.js';
import type { RawRequest, RawResponse } from '../../receiver/index.js';
import { createGoLikeAgent, sendCallback } from '../../wire/index.js';
import type { CallbackOutcome } from '../../wire/index.js';

/** The after-callbacks: what `listen` forwards through the outbox (before-callbacks go synchronously). */
export const AFTER_COMMANDS = COMMANDS.filter((c) => c.kind === 'after').map((c) => c.command);

export interface BeforeForwarding {
  /** The business server's webhooks `url`: callbacks go to `url + "/" + command`, as OpenIM posts them. */
  readonly url: string;
  /** How long the business server has; past it OpenIM gets our fail-open (or closed) answer. */
  readonly deadlineMs: number;
  readonly beforeFailure: 'open' | 'closed';
  /** Told of each forwarded before-callback: what the business server did and what OpenIM got. */
  readonly onForwarded?: (outcome: CallbackOutcome, answered: RawResponse) => void;
}

/**
 * The `answer` hook of `listen`: a before-callback the receiver accepted (and recorded) goes to the business server
 * exactly as OpenIM sent it, and OpenIM gets the business server's answer (its overrides or its rejection) when it
 * comes in time and Go can decode it; otherwise our own answer, fail-open unless `beforeFailure: closed`.
 */
export function forwardBefore(options: BeforeForwarding) {
  const agent = createGoLikeAgent(options.url);
  const answer = async (request: RawRequest, response: RawResponse): Promise<RawResponse> => {
    const command = response.outcome.command;
    if (response.status !== 200 || command === undefined || findCommand(command)?.kind !== 'before')
      return response;
    const outcome = await sendCallback({
      url: options.url,
      command,
      requestBody: Buffer.from(request.body ?? new Uint8Array()).toString('utf8'),
      operationID: response.outcome.operationID,
      timeoutMs: options.deadlineMs,
      agent,
      followRedirects: false,
    });
    let answered: RawResponse = response;
    if (outcome.result !== 'error' && outcome.responseBody !== null) {
      answered = { ...response, body: outcome.responseBody };
    } else if (options.beforeFailure === 'closed') {
      const { errCode, errMsg } = ERROR_CODES.HANDLER_FAILED;
      const reason = `business server: ${outcome.errorKind ?? 'error'} ${outcome.errorMessage ?? ''}`.trim();
      answered = { ...response, body: JSON.stringify(rejectResponse({ errCode, errMsg, errDlt: reason })) };
    }
    options.onForwarded?.(outcome, answered);
    return answered;
  };
  return { answer, close: () => agent.destroy() };
}
