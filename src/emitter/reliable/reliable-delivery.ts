import { randomUUID } from 'node:crypto';
import { backoffDelayMs } from '../../sync/backoff.js';
import type { BackoffOptions } from '../../sync/backoff.js';
import type { AfterDeliveryFactory } from '../after-delivery.js';
import type { AfterCall } from '../emitter-types.js';
import type { CallbackOutcome } from '../callback-outcome.js';
import type { NewQueuedCallback, QueuedCallback, Settlement } from './durable-queue.js';
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
 * Submissions and outcomes of one event-loop turn share one commit (group commit), so durability costs one fsync
 * per batch, not per callback.
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
    const toInsert: {
      item: NewQueuedCallback;
      accept: (call: AfterCall) => void;
      refuse: (e: unknown) => void;
    }[] = [];
    const toSettle: { settlement: Settlement; outcome: CallbackOutcome; final: boolean }[] = [];
    let idleWaiters: (() => void)[] = [];
    let flushScheduled = false;
    let running = 0;
    let lost = 0;
    let closed = false;
    let timer: NodeJS.Timeout | undefined;

    /** Group commit: everything submitted or settled during this turn of the event loop, in one transaction. */
    function flush(): void {
      flushScheduled = false;
      if (toInsert.length === 0 && toSettle.length === 0) return;
      const inserts = toInsert.splice(0);
      const settles = toSettle.splice(0);
      let added: QueuedCallback[];
      try {
        added = queue.commit(
          inserts.map((i) => i.item),
          settles.map((s) => s.settlement),
        );
      } catch (error) {
        for (const insert of inserts) insert.refuse(error);
        return;
      }
      added.forEach((item, i) => {
        const delivered = new Promise<CallbackOutcome>((resolve) => waiting.set(item.id, resolve));
        inserts[i]?.accept({ queued: true, delivered });
      });
      for (const { settlement, outcome, final } of settles) {
        if (!final) continue;
        waiting.get(settlement.id)?.(outcome);
        waiting.delete(settlement.id);
      }
    }

    function scheduleFlush(): void {
      if (flushScheduled || closed) return;
      flushScheduled = true;
      setImmediate(() => {
        flush();
        pump();
      });
    }

    function settle(item: QueuedCallback, outcome: CallbackOutcome): void {
      const attempts = item.attempts + 1;
      const retryable = isRetryable(outcome);
      const error = outcome.errorMessage ?? `status ${outcome.status ?? 'none'}`;
      if (!retryable && outcome.result !== 'error') {
        toSettle.push({
          settlement: { id: item.id, state: 'delivered', status: outcome.status },
          outcome,
          final: true,
        });
      } else if (!retryable || attempts >= maxAttempts) {
        lost += 1;
        toSettle.push({ settlement: { id: item.id, state: 'dead', error }, outcome, final: true });
      } else {
        const nextAttemptAt = Date.now() + backoffDelayMs(attempts, options.backoff);
        toSettle.push({
          settlement: { id: item.id, state: 'retry', nextAttemptAt, error },
          outcome,
          final: false,
        });
      }
      scheduleFlush();
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
        });
      }
      const next = queue.nextDueAt();
      if (running === 0 && next === undefined && toInsert.length === 0 && toSettle.length === 0) {
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
        if (closed) return Promise.resolve({ queued: false, reason: 'dropped' });
        return new Promise<AfterCall>((accept, refuse) => {
          toInsert.push({ item: { ...job, eventId: randomUUID() }, accept, refuse });
          scheduleFlush();
        });
      },
      lost: () => lost,
      drain() {
        const idle =
          running === 0 && toInsert.length === 0 && toSettle.length === 0 && queue.nextDueAt() === undefined;
        if (idle) return Promise.resolve();
        return new Promise<void>((resolve) => idleWaiters.push(resolve));
      },
      async close() {
        closed = true;
        clearTimeout(timer);
        // Attempts in flight end within their timeout (at most 15 s); their outcome is written back first.
        while (running > 0) await new Promise((resolve) => setTimeout(resolve, 5));
        flush();
        for (const wake of idleWaiters) wake();
        queue.close();
      },
    };
  };
}
