import { randomUUID } from 'node:crypto';
import { backoffDelayMs } from '../../sync/backoff.js';
import type { BackoffOptions } from '../../sync/backoff.js';
import type { AfterDeliveryFactory } from '../after-delivery.js';
import type { CallbackOutcome } from '../callback-outcome.js';
import type { QueuedCallback } from './durable-queue.js';
import { isRetryable } from './is-retryable.js';
import { openDurableQueue } from './open-durable-queue.js';

export interface ReliableDeliveryOptions {
  /** The SQLite file of the queue; pending callbacks of an earlier run are delivered first. */
  readonly file: string;
  /** Concurrent posts. Default 2, as OpenIM. */
  readonly workers?: number;
  /** Attempts before giving up on a callback (it is then kept as `dead`). Default 10. */
  readonly maxAttempts?: number;
  readonly backoff?: BackoffOptions;
  /** Header carrying the stable event id. Default `Openim-Hooks-Event-Id`. */
  readonly eventIdHeader?: string;
}

/**
 * Reliable mode, better than OpenIM where OpenIM is weak: each after-callback is committed to a SQLite queue before
 * it counts as accepted, posted with a stable event id, and retried with exponential backoff and ±20 % jitter on a
 * network error, a timeout, a non-2xx status or a body that is not JSON. Nothing is dropped for lack of room.
 *
 * @example
 * createEmitter({ config, delivery: reliableDelivery({ file: './data/emitter-outbox.db' }) });
 */
export function reliableDelivery(options: ReliableDeliveryOptions): AfterDeliveryFactory {
  return (post) => {
    const queue = openDurableQueue(options.file);
    const workers = options.workers ?? 2;
    const maxAttempts = options.maxAttempts ?? 10;
    const header = options.eventIdHeader ?? 'Openim-Hooks-Event-Id';
    const waiting = new Map<number, (outcome: CallbackOutcome) => void>();
    let idleWaiters: (() => void)[] = [];
    let running = 0;
    let lost = 0;
    let closed = false;
    let timer: NodeJS.Timeout | undefined;

    function settle(item: QueuedCallback, outcome: CallbackOutcome): void {
      const attempts = item.attempts + 1;
      const retryable = isRetryable(outcome);
      if (!retryable && outcome.result !== 'error') {
        queue.markDelivered(item.id, outcome.status);
      } else if (!retryable || attempts >= maxAttempts) {
        queue.markDead(item.id, outcome.errorMessage ?? `status ${outcome.status ?? 'none'}`);
        lost += 1;
      } else {
        const reason = outcome.errorMessage ?? `status ${outcome.status ?? 'none'}`;
        queue.scheduleRetry(item.id, Date.now() + backoffDelayMs(attempts, options.backoff), reason);
        return;
      }
      waiting.get(item.id)?.(outcome);
      waiting.delete(item.id);
    }

    function pump(): void {
      if (closed) return;
      clearTimeout(timer);
      timer = undefined;
      const free = workers - running;
      for (const item of free > 0 ? queue.claimDue(Date.now(), free) : []) {
        running += 1;
        const job = {
          command: item.command,
          requestBody: item.requestBody,
          operationID: item.operationID,
          timeoutMs: item.timeoutMs,
        };
        void post(job, [header, item.eventId]).then((outcome) => {
          running -= 1;
          settle(item, outcome);
          pump();
        });
      }
      const next = queue.nextDueAt();
      if (running === 0 && next === undefined) {
        const wake = idleWaiters;
        idleWaiters = [];
        for (const resolve of wake) resolve();
        return;
      }
      if (running < workers && next !== undefined) {
        timer = setTimeout(pump, Math.max(1, Math.min(next - Date.now(), 1000)));
      }
    }

    setImmediate(pump);
    return {
      mode: 'reliable',
      submit(job) {
        const item = queue.enqueue({ ...job, eventId: randomUUID() });
        const delivered = new Promise<CallbackOutcome>((resolve) => waiting.set(item.id, resolve));
        pump();
        return Promise.resolve({ queued: true, delivered });
      },
      lost: () => lost,
      drain() {
        if (running === 0 && queue.nextDueAt() === undefined) return Promise.resolve();
        return new Promise<void>((resolve) => idleWaiters.push(resolve));
      },
      async close() {
        closed = true;
        clearTimeout(timer);
        while (running > 0) await new Promise((resolve) => setTimeout(resolve, 5));
        for (const wake of idleWaiters) wake();
        queue.close();
      },
    };
  };
}
