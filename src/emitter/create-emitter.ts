import type { Agent } from 'node:http';
import { encodeGoJson, findCommand } from '../protocol/index.js';
import type { AfterModeFactory } from './modes/after-mode.js';
import type { EncodedCallback } from '../wire/encoded-callback.js';
import type { CallbackErrorKind } from '../wire/callback-error-kind.js';
import { callbackConfigOf } from './config/callback-config-of.js';
import type { CallbackOutcome } from '../wire/callback-outcome.js';
import type { AfterQueueOptions } from './modes/create-after-queue.js';
import { createGoLikeAgent } from '../wire/create-go-like-agent.js';
import { effectiveTimeoutMs } from '../wire/effective-timeout.js';
import { messageFilterReason } from './config/message-filter.js';
import type { Emitter } from './emitter-types.js';
import { openimMode } from './modes/openim-mode.js';
import { sendCallback } from '../wire/send-callback.js';
import type { WebhooksConfig } from './config/webhooks-config.js';

export interface EmitterOptions {
  readonly config: WebhooksConfig;
  /**
   * How after-callbacks travel. Default: OpenIM's in-memory queue (`openimMode(queue)`), at most once, drops
   * counted. `reliableMode({ file })` from `openim-hooks/emitter/reliable` is durable and retries.
   */
  readonly afterMode?: AfterModeFactory;
  /** @deprecated the earlier name of `afterMode`, still read when `afterMode` is not given. */
  readonly delivery?: AfterModeFactory;
  /** OpenIM's queue: 2 workers, 100 slots, 3 s push wait (used when `afterMode` is not given). */
  readonly queue?: AfterQueueOptions;
  /** Fix OpenIM's known bugs instead of reproducing them (default false: behave exactly like OpenIM). */
  readonly fixOpenimBugs?: boolean;
  /** Connection pool; by default one like OpenIM's transport, closed by `close()`. */
  readonly agent?: Agent;
  /** Called with every outcome as it happens (before and after, retries included). */
  readonly onOutcome?: (outcome: CallbackOutcome) => void;
  /**
   * Headers OpenIM never sends, computed for every attempt from the exact body bytes, as [name, value, ...]: for
   * example the receiver's body-binding HMAC (`signBody` of `openim-hooks/receiver`), fresh per retry.
   */
  readonly attemptHeaders?: (body: Buffer) => readonly string[];
}

/**
 * The OpenIMServer side of the webhooks: posts callbacks byte for byte as OpenIM does, honouring each key's
 * `enable` and `timeout`.
 *
 * @example
 * const emitter = createEmitter({ config: resolveWebhooksConfig({ url, enableAll: true }) });
 * const result = await simulateSingleChatCreation(emitter, { sendID: 'a', recvID: 'b' });
 * await emitter.close();
 */
export function createEmitter(options: EmitterOptions): Emitter {
  const { config } = options;
  const agent = options.agent ?? createGoLikeAgent(config.url);
  const errors: Partial<Record<CallbackErrorKind, number>> = {};
  let sent = 0;
  let continued = 0;
  let rejected = 0;
  let disabled = 0;
  let filtered = 0;

  function count(outcome: CallbackOutcome): CallbackOutcome {
    sent += 1;
    if (outcome.result === 'continue') continued += 1;
    else if (outcome.result === 'rejected') rejected += 1;
    else if (outcome.errorKind !== null) errors[outcome.errorKind] = (errors[outcome.errorKind] ?? 0) + 1;
    options.onOutcome?.(outcome);
    return outcome;
  }

  function post(job: EncodedCallback, extraHeaders: readonly string[] = []): Promise<CallbackOutcome> {
    const signed = options.attemptHeaders?.(Buffer.from(job.requestBody, 'utf8')) ?? [];
    const headers = [...extraHeaders, ...signed];
    return sendCallback({
      url: config.url,
      ...job,
      agent,
      ...(headers.length > 0 ? { extraHeaders: headers } : {}),
    }).then(count);
  }

  const afterMode = (options.afterMode ?? options.delivery ?? openimMode(options.queue))(post, {
    url: config.url,
    timeoutMs: (command) => effectiveTimeoutMs(callbackConfigOf(config, command).timeout),
  });

  return {
    config,
    mode: afterMode.mode,
    fixOpenimBugs: options.fixOpenimBugs ?? false,
    async callBefore(command, payload, operationID) {
      const settings = callbackConfigOf(config, command);
      if (!settings.enable) {
        disabled += 1;
        return { sent: false, reason: 'disabled' };
      }
      const filter = messageFilterReason(command, settings, payload);
      if (filter !== undefined) {
        filtered += 1;
        return { sent: false, reason: 'filtered', detail: filter };
      }
      const requestBody = encodeGoJson(payload, findCommand(command)?.request);
      const outcome = await post({
        command,
        requestBody,
        operationID,
        timeoutMs: effectiveTimeoutMs(settings.timeout),
      });
      const failedButContinues =
        afterMode.mode === 'reliable' && outcome.result === 'error' && settings.failedContinue;
      return { sent: true, outcome, proceed: outcome.result === 'continue' || failedButContinues };
    },
    async callAfter(command, payload, operationID) {
      const settings = callbackConfigOf(config, command);
      if (!settings.enable) {
        disabled += 1;
        return { queued: false, reason: 'disabled' };
      }
      const filter = messageFilterReason(command, settings, payload);
      if (filter !== undefined) {
        filtered += 1;
        return { queued: false, reason: 'filtered', detail: filter };
      }
      const requestBody = encodeGoJson(payload, findCommand(command)?.request);
      return afterMode.submit({
        command,
        requestBody,
        operationID,
        timeoutMs: effectiveTimeoutMs(settings.timeout),
      });
    },
    stats() {
      return {
        sent,
        continued,
        rejected,
        errors: { ...errors },
        dropped: afterMode.lost(),
        disabled,
        filtered,
      };
    },
    drain: () => afterMode.drain(),
    async close() {
      // openim mode would lose what is queued; reliable mode keeps it on disk for the next run.
      if (afterMode.mode === 'openim') await afterMode.drain();
      await afterMode.close();
      if (options.agent === undefined) agent.destroy();
    },
  };
}
