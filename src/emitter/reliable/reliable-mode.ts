import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { findCommand, isConversationCommand } from '../../protocol/index.js';
import type { AcceptedCallback, ConversationCallback } from '../../protocol/index.js';
import { openStore, sinkEventId } from '../../store/index.js';
import { exponentialSchedule } from './exponential-schedule.js';
import type { BackoffOptions } from './exponential-schedule.js';
import { openimFormatSink } from '../../sync/openim-format-sink.js';
import { startRelay } from '../../sync/relay.js';
import type { AfterModeFactory } from '../modes/after-mode.js';
import type { EncodedCallback } from '../../wire/encoded-callback.js';
import type { CallbackOutcome } from '../../wire/callback-outcome.js';
import { GO_CLIENT_TIMEOUT_MS } from '../../wire/effective-timeout.js';

export interface ReliableModeOptions {
  /**
   * The queue: a store database (a SQLite file, or a `postgres://` URL), whose outbox has one sink, the target.
   * Pending callbacks of an earlier run go out first.
   */
  readonly file: string;
  /** Concurrent posts (each from a different conversation). Default 2, as OpenIM. */
  readonly workers?: number;
  /** Attempts before giving up on a callback (it is then dead-lettered). Default 10. */
  readonly maxAttempts?: number;
  /** The delays between attempts; the relay adds ±20 % jitter. Default from 500 ms, doubling, at most 5 min. */
  readonly backoff?: BackoffOptions;
  /** Header carrying the stable event id (`evt_…`). Default `Openim-Hooks-Event-Id`. */
  readonly eventIdHeader?: string;
}

/** The outbox's one sink: where the webhooks `url` points. */
const TARGET_SINK = 'target';

/** Longer than any attempt can last (OpenIM's client gives up after 15 s), so that no lease expires mid-attempt. */
const LEASE_MS = GO_CLIENT_TIMEOUT_MS + 5_000;

/** What the store records of an after-callback the emitter issues. */
function toAccepted(job: EncodedCallback, idempotencyKey: string): AcceptedCallback {
  const info = findCommand(job.command);
  if (!info) throw new RangeError(`${job.command} is not an OpenIM callback command`);
  const requestBody = job.requestBody; // read once: the load generator encodes it on each read
  const payload = JSON.parse(requestBody) as Record<string, unknown>;
  return {
    command: info.command,
    kind: info.kind,
    operationID: job.operationID,
    receivedAt: Date.now(),
    idempotencyKey,
    rawBody: Buffer.from(requestBody, 'utf8'),
    payload,
    // Conversation callbacks go out in order per conversation, as the relay orders them.
    conversation: isConversationCommand(info.command) ? (payload as unknown as ConversationCallback) : null,
    // The emitter encodes from the command's struct: what it sends is what OpenIM could.
    fieldErrors: [],
    warnings: [],
  };
}

/**
 * Reliable mode, better than OpenIM where OpenIM is weak, with the project's one retry engine: each after-callback
 * is recorded in a store (its outbox row in the same fsync'd commit) before it counts as accepted, and the sync
 * relay delivers it through the OpenIM-format sink: byte for byte as OpenIM posts it, with a stable event id,
 * retried with exponential backoff and jitter on a network error, a timeout, a non-2xx status or a body that is
 * not JSON, dead-lettered after the last attempt. Nothing is dropped for lack of room.
 *
 * @example
 * createEmitter({ config, afterMode: reliableMode({ file: './data/emitter-outbox.db' }) });
 */
export function reliableMode(options: ReliableModeOptions): AfterModeFactory {
  return (post, target) => {
    const store = openStore(options.file, { sinks: [{ name: TARGET_SINK, commands: null }] });
    /** By event id: who waits for the final outcome, and the outcome of the latest attempt. */
    const waiting = new Map<string, (outcome: CallbackOutcome) => void>();
    const latest = new Map<string, CallbackOutcome>();
    let idleWaiters: (() => void)[] = [];
    let recording = 0;
    let lost = 0;
    let closed = false;

    /** Wakes `drain` once nothing is being recorded and nothing is pending in the outbox. */
    async function checkIdle(): Promise<void> {
      if (closed || recording > 0 || idleWaiters.length === 0) return;
      if ((await store.sinkBacklog(TARGET_SINK)).pending > 0) return;
      const wake = idleWaiters;
      idleWaiters = [];
      for (const resolve of wake) resolve();
    }

    const sink = openimFormatSink({
      name: TARGET_SINK,
      url: target.url,
      timeoutMs: target.timeoutMs,
      // The user points the emitter at a server of theirs, most often on loopback.
      allowPrivate: true,
      ...(options.eventIdHeader !== undefined ? { eventIdHeader: options.eventIdHeader } : {}),
      post: async (job, headers, event) => {
        const outcome = await post(job, headers);
        latest.set(event.eventId, outcome);
        return outcome;
      },
    });
    const relay = startRelay({
      outbox: store,
      logger: pino({ level: 'silent' }),
      sinks: [
        {
          sink,
          schedule: exponentialSchedule((options.maxAttempts ?? 10) - 1, options.backoff),
          concurrency: options.workers ?? 2,
          leaseMs: LEASE_MS,
        },
      ],
      observer: {
        settled(_sink, eventId, outcome) {
          if (outcome !== 'delivered' && outcome !== 'dead') return;
          if (outcome === 'dead') lost += 1;
          const last = latest.get(eventId);
          latest.delete(eventId);
          if (last) waiting.get(eventId)?.(last);
          waiting.delete(eventId);
          void checkIdle();
        },
      },
    });

    return {
      mode: 'reliable',
      async submit(job) {
        if (closed) return { queued: false, reason: 'dropped' };
        // Every callback the emitter issues is a new event, even with the bytes and operationID of an earlier one:
        // a random key, not the receiver's content hash, so the store never takes it for a redelivery.
        const callback = toAccepted(job, randomBytes(32).toString('hex'));
        const eventId = sinkEventId(callback.idempotencyKey);
        const delivered = new Promise<CallbackOutcome>((resolve) => waiting.set(eventId, resolve));
        recording += 1;
        try {
          await store.record(callback);
        } catch (error) {
          waiting.delete(eventId);
          throw error;
        } finally {
          recording -= 1;
        }
        relay.wake();
        return { queued: true, delivered };
      },
      lost: () => lost,
      drain() {
        const idle = new Promise<void>((resolve) => idleWaiters.push(resolve));
        void checkIdle();
        return idle;
      },
      async close() {
        closed = true;
        // Attempts in flight end within their timeout (at most 15 s) and are written back; the rest stays pending.
        await relay.stop();
        await store.close();
        for (const wake of idleWaiters) wake();
        idleWaiters = [];
      },
    };
  };
}
