import type { Agent } from 'node:http';
import { encodeGoJson, fieldsOf } from '../protocol/index.js';
import type { CallbackErrorKind } from './callback-error-kind.js';
import { callbackConfigOf } from './callback-config-of.js';
import type { CallbackOutcome } from './callback-outcome.js';
import { createAfterQueue } from './create-after-queue.js';
import type { AfterQueueOptions } from './create-after-queue.js';
import { createGoLikeAgent } from './create-go-like-agent.js';
import { effectiveTimeoutMs } from './effective-timeout.js';
import type { Emitter } from './emitter-types.js';
import { sendEncodedCallback } from './send-encoded-callback.js';
import type { WebhooksConfig } from './webhooks-config.js';

export interface EmitterOptions {
  readonly config: WebhooksConfig;
  /** Only `openim` so far: after-callbacks through OpenIM's in-memory queue, at most once, drops counted. */
  readonly mode?: 'openim';
  /** Fix OpenIM's known bugs instead of reproducing them (default false: behave exactly like OpenIM). */
  readonly fixOpenimBugs?: boolean;
  /** OpenIM's queue: 2 workers, 100 slots, 3 s push wait. */
  readonly queue?: AfterQueueOptions;
  /** Connection pool; by default one like OpenIM's transport, closed by `close()`. */
  readonly agent?: Agent;
  /** Called with every outcome as it happens (before and after). */
  readonly onOutcome?: (outcome: CallbackOutcome) => void;
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
  const queue = createAfterQueue(options.queue);
  const errors: Partial<Record<CallbackErrorKind, number>> = {};
  let sent = 0;
  let continued = 0;
  let rejected = 0;
  let disabled = 0;

  function count(outcome: CallbackOutcome): CallbackOutcome {
    sent += 1;
    if (outcome.result === 'continue') continued += 1;
    else if (outcome.result === 'rejected') rejected += 1;
    else if (outcome.errorKind !== null) errors[outcome.errorKind] = (errors[outcome.errorKind] ?? 0) + 1;
    options.onOutcome?.(outcome);
    return outcome;
  }

  function post(
    command: string,
    requestBody: string,
    operationID: string,
    timeout: number,
  ): Promise<CallbackOutcome> {
    return sendEncodedCallback({
      url: config.url,
      command,
      requestBody,
      operationID,
      timeoutMs: effectiveTimeoutMs(timeout),
      agent,
    }).then(count);
  }

  return {
    config,
    fixOpenimBugs: options.fixOpenimBugs ?? false,
    async callBefore(command, payload, operationID) {
      const settings = callbackConfigOf(config, command);
      if (!settings.enable) {
        disabled += 1;
        return { sent: false, reason: 'disabled' };
      }
      const body = encodeGoJson(payload, fieldsOf(command));
      return { sent: true, outcome: await post(command, body, operationID, settings.timeout) };
    },
    async callAfter(command, payload, operationID) {
      const settings = callbackConfigOf(config, command);
      if (!settings.enable) {
        disabled += 1;
        return { queued: false, reason: 'disabled' };
      }
      const body = encodeGoJson(payload, fieldsOf(command));
      let deliver: (outcome: CallbackOutcome) => void = () => undefined;
      const delivered = new Promise<CallbackOutcome>((resolve) => (deliver = resolve));
      const queued = await queue.push(() => post(command, body, operationID, settings.timeout).then(deliver));
      return queued ? { queued: true, delivered } : { queued: false, reason: 'dropped' };
    },
    stats() {
      return { sent, continued, rejected, errors: { ...errors }, dropped: queue.stats().dropped, disabled };
    },
    drain: () => queue.drain(),
    async close() {
      await queue.drain();
      if (options.agent === undefined) agent.destroy();
    },
  };
}
