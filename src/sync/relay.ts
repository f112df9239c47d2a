import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { AttemptLog, Outbox, OutboxDelivery, Settlement } from '../store/index.js';
import { toOutgoingEvent } from './envelope.js';
import { nextAttemptDelay, withJitter } from './retry-schedule.js';
import { messageOf } from './sink.js';
import type { AttemptResult, OutgoingEvent, Sink } from './sink.js';

export interface RelaySink {
  sink: Sink;
  /** Delays before each retry; after the last one the delivery is dead-lettered. */
  schedule: readonly number[];
  /** Deliveries in flight at once (each from a different conversation). Default 32. */
  concurrency?: number;
  /**
   * How long a claimed delivery is this instance's before another may take it: longer than an attempt can last
   * (the sink's timeout plus a margin), or two instances send it at once. Default 45 s.
   */
  leaseMs?: number;
}

export interface SinkStatus {
  name: string;
  kind: Sink['kind'];
  target: string;
  state: 'active' | 'backing-off' | 'disabled';
  inFlight: number;
  lastError: string | null;
  lastErrorAt: string | null;
}

/** One attempt as an observer sees it: the event sent and what the attempt met (as kept in the history). */
export interface AttemptDetails {
  readonly event: OutgoingEvent;
  readonly log: AttemptLog;
}

export interface RelayObserver {
  /** One attempt ended; `lagMs` is from reception to this attempt's end. */
  attempt?(sink: string, outcome: AttemptResult['kind'], lagMs: number, details: AttemptDetails): void;
  /** The outcome of an attempt is committed to the outbox; `eventId` is the id the sink saw (`evt_…`). */
  settled?(sink: string, eventId: string, outcome: Settlement['outcome']): void;
}

export interface RelayOptions {
  outbox: Outbox;
  /** Who claims: unique per running instance. Default `relayOwnerId()`. */
  owner?: string;
  sinks: RelaySink[];
  logger: Logger;
  observer?: RelayObserver;
  /** How often an idle lane looks for due retries. Default 250 ms; new events wake it at once. */
  pollIntervalMs?: number;
  /** Pending deliveries looked through for heads per claim. Default 1000. */
  window?: number;
}

export interface Relay {
  /** New events were committed: look now rather than at the next poll. */
  wake(): void;
  status(): SinkStatus[];
  /**
   * Takes a sink that a 410 disabled back into service, without a restart: its pending deliveries go out at the next
   * look. False when no sink has that name; true (and nothing changes) for a sink that was not disabled.
   */
  enable(name: string): boolean;
  /** Stops taking work and waits for the attempts in flight to be settled. */
  stop(): Promise<void>;
}

/** hostname:pid:random, unique per running relay, readable in the database. */
export function relayOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * Drains the outbox into the sinks, one lane per sink, never on the request path. Within a lane, deliveries of one
 * conversation go out one at a time in order (a failing head holds back its conversation only); different
 * conversations go out concurrently. Every outcome is written back through the store before the lane moves on.
 *
 * Relays of several instances on one database share the outbox: each lane claims its deliveries (a lease in the
 * outbox row), so no two relays send one delivery at once; the leases of an instance that died expire, and the
 * others take its deliveries then (those it was sending may arrive twice: at least once).
 */
export function startRelay(options: RelayOptions): Relay {
  const owner = options.owner ?? relayOwnerId();
  const lanes = options.sinks.map((config) => new Lane(config, options, owner));
  return {
    wake: () => lanes.forEach((lane) => lane.wake()),
    status: () => lanes.map((lane) => lane.status()),
    enable: (name) => {
      const lane = lanes.find((l) => l.name === name);
      lane?.enable();
      return lane !== undefined;
    },
    stop: async () => {
      await Promise.all(lanes.map((lane) => lane.stop()));
    },
  };
}

const MIN_PUMP_GAP_MS = 10;
const DEFAULT_LEASE_MS = 45_000;
/**
 * A lane claims up to this many times its concurrency and keeps the extra claimed (leased) deliveries queued, so that
 * a slot freed by a fast sink is filled at once instead of at the next look (at most one every MIN_PUMP_GAP_MS):
 * without it a lane could never send more than concurrency × 100 deliveries a second.
 */
const PREFETCH = 4;

class Lane {
  /** Delivery ids at the sink right now. */
  private readonly inFlight = new Set<number>();
  /** Claimed (leased) heads of distinct conversations waiting for a free slot, oldest first. */
  private readonly queued: { delivery: OutboxDelivery; claimedAt: number }[] = [];
  private readonly settling = new Set<Promise<void>>();
  private state: SinkStatus['state'] = 'active';
  private pausedUntil = 0;
  private outages = 0;
  private lastError: string | null = null;
  private lastErrorAt: number | null = null;
  private lastLogAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;
  private lastPumpAt = 0;
  private nextRetryAt = Infinity;
  private pumping = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly config: RelaySink,
    private readonly options: RelayOptions,
    private readonly owner: string,
  ) {
    this.schedule(0);
  }

  get name(): string {
    return this.config.sink.name;
  }

  wake(): void {
    this.schedule(0);
  }

  enable(): void {
    if (this.state !== 'disabled') return;
    this.state = 'active';
    this.options.logger.info({ sink: this.name }, 'sink enabled again');
    this.schedule(0);
  }

  status(): SinkStatus {
    const { sink } = this.config;
    const state = this.state === 'backing-off' && Date.now() >= this.pausedUntil ? 'active' : this.state;
    return {
      name: sink.name,
      kind: sink.kind,
      target: sink.target,
      state,
      inFlight: this.inFlight.size,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt === null ? null : new Date(this.lastErrorAt).toISOString(),
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.releaseQueued();
    while (this.settling.size > 0) await Promise.all(this.settling);
    await this.config.sink.close();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    // Each look reads the outbox: under load, wakes from new events and settled attempts come by the thousand per
    // second, and one look every few milliseconds serves them all.
    const at = Math.max(Date.now() + delayMs, this.lastPumpAt + MIN_PUMP_GAP_MS);
    if (this.timer && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pump();
    }, at - Date.now());
  }

  private async pump(): Promise<void> {
    if (this.stopped || this.state === 'disabled') return;
    const now = Date.now();
    if (now < this.pausedUntil) return this.schedule(this.pausedUntil - now);
    this.state = 'active';
    this.pumping = true;
    this.lastPumpAt = now;
    // Leases of dead instances that expire, and retries of other instances, are found by polling; this lane's own
    // retries when they come due.
    if (this.nextRetryAt <= now) this.nextRetryAt = Infinity;
    const nextDue = Math.min(now + (this.options.pollIntervalMs ?? 250), this.nextRetryAt);
    try {
      const free = this.concurrency() * PREFETCH - this.inFlight.size - this.queued.length;
      const claimed = await this.options.outbox.claimDeliveries(
        this.config.sink.name,
        this.owner,
        free,
        this.leaseMs(),
        now,
        this.options.window ?? 1000,
      );
      for (const delivery of claimed) this.queued.push({ delivery, claimedAt: now });
      this.dispatchQueued();
    } catch (error) {
      this.noteError(`claiming from the outbox failed: ${messageOf(error)}`);
    } finally {
      this.pumping = false;
    }
    if (this.again) {
      this.again = false;
      return this.schedule(0);
    }
    this.schedule(Math.max(0, nextDue - Date.now()));
  }

  private concurrency(): number {
    return this.config.concurrency ?? 32;
  }

  private leaseMs(): number {
    return this.config.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /**
   * Fills the free slots from the queue. A delivery that waited past half its lease is released rather than sent, so
   * that its lease cannot run out mid-attempt (another instance would then send it too); so is the whole queue while
   * the lane is paused or disabled, for another instance (or this one, later) to take.
   */
  private dispatchQueued(): void {
    const now = Date.now();
    const blocked = this.stopped || this.state === 'disabled' || now < this.pausedUntil;
    if (blocked) {
      void this.releaseQueued();
      return;
    }
    while (this.inFlight.size < this.concurrency()) {
      const next = this.queued.shift();
      if (!next) return;
      if (now - next.claimedAt > this.leaseMs() / 2) void this.release([next.delivery]);
      else this.dispatch(next.delivery);
    }
  }

  private releaseQueued(): Promise<void> {
    return this.release(this.queued.splice(0).map(({ delivery }) => delivery));
  }

  private async release(deliveries: OutboxDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    const settlements: Settlement[] = deliveries.map(({ deliveryId }) => ({
      deliveryId,
      outcome: 'released',
    }));
    // Tracked with the attempts, so that `stop` waits for it before the store closes.
    const done: Promise<void> = this.options.outbox
      .settleDeliveries(settlements)
      .catch((error: unknown) => this.noteError(`releasing claimed deliveries failed: ${messageOf(error)}`))
      .finally(() => this.settling.delete(done));
    this.settling.add(done);
    await done;
  }

  private dispatch(delivery: OutboxDelivery): void {
    this.inFlight.add(delivery.deliveryId);
    // The slot is the sink's: it frees when the sink has answered, and the next delivery (of another conversation)
    // goes out while this outcome is being committed.
    const freeSlot = () => {
      if (this.inFlight.delete(delivery.deliveryId)) this.dispatchQueued();
    };
    const done: Promise<void> = this.attempt(delivery, freeSlot)
      .then((settlement) => {
        // Look again when the retry comes due rather than at the next poll.
        if (settlement.outcome === 'retry')
          this.nextRetryAt = Math.min(this.nextRetryAt, settlement.nextAttemptAt);
      })
      .catch((error: unknown) => this.noteError(messageOf(error)))
      .finally(() => {
        freeSlot();
        this.settling.delete(done);
        this.schedule(0);
      });
    this.settling.add(done);
  }

  private async attempt(delivery: OutboxDelivery, freeSlot: () => void): Promise<Settlement> {
    const { sink, schedule } = this.config;
    const { deliveryId } = delivery;
    let settlement: Settlement = { deliveryId, outcome: 'released' };
    let sent: OutgoingEvent | undefined;
    try {
      const event = await this.options.outbox.loadEvent(delivery.eventId);
      if (!event) throw new Error(`delivery ${deliveryId}: event ${delivery.eventId} is missing`);
      sent = toOutgoingEvent(event);
      const startedAt = Date.now();
      const result = await sink.deliver(sent);
      const at = Date.now();
      const log: AttemptLog = {
        eventId: delivery.eventId,
        sink: sink.name,
        startedAt,
        durationMs: at - startedAt,
        result: result.kind,
        httpStatus: result.httpStatus ?? null,
        error: 'error' in result ? result.error : null,
        responseExcerpt: result.responseExcerpt ?? null,
      };
      this.options.observer?.attempt?.(sink.name, result.kind, at - event.receivedAt, { event: sent, log });
      settlement = { ...this.settlementOf(delivery, result, at, schedule, sent.eventId), attempt: log };
    } finally {
      freeSlot();
      // Always ends the lease, so that nothing waits for it to expire (a release keeps attempts and due time). The
      // conversation's next delivery stays behind this lease until the outcome is committed: FIFO holds.
      await this.options.outbox.settleDeliveries([settlement]);
    }
    if (sent) this.options.observer?.settled?.(sink.name, sent.eventId, settlement.outcome);
    return settlement;
  }

  private settlementOf(
    delivery: OutboxDelivery,
    result: AttemptResult,
    at: number,
    schedule: readonly number[],
    sinkEventId: string,
  ): Settlement {
    const { deliveryId } = delivery;
    switch (result.kind) {
      case 'delivered':
        this.outages = 0;
        return { deliveryId, outcome: 'delivered', at };
      case 'failed': {
        this.noteError(`event ${delivery.eventId}: ${result.error}`);
        const delay = nextAttemptDelay(delivery.attempts + 1, schedule, result.retryAfterMs);
        if (delay === undefined) return this.deadLetter(delivery, at, result.error, sinkEventId);
        return { deliveryId, outcome: 'retry', at, nextAttemptAt: at + delay, error: result.error };
      }
      case 'undeliverable':
        this.noteError(`event ${delivery.eventId}: ${result.error}`);
        return this.deadLetter(delivery, at, result.error, sinkEventId);
      case 'unavailable':
        // The broker is down, not this event: keep its attempts, pause the whole lane (1 s doubling to 15 s). The
        // attempts in flight when it went down all fail together: they count as one outage, not as many.
        if (at >= this.pausedUntil) {
          this.outages += 1;
          this.pausedUntil = at + withJitter(Math.min(15_000, 1_000 * 2 ** (this.outages - 1)));
        }
        this.state = 'backing-off';
        this.noteError(result.error);
        return { deliveryId, outcome: 'released' };
      case 'gone':
        this.state = 'disabled';
        this.noteError(result.error);
        this.options.logger.error(
          { sink: this.config.sink.name, target: this.config.sink.target },
          'sink disabled: the endpoint answered 410 Gone',
        );
        return { deliveryId, outcome: 'released' };
    }
  }

  /** A delivery given up: never silent, one line each (dead letters are rare, and each needs an operator). */
  private deadLetter(delivery: OutboxDelivery, at: number, error: string, sinkEventId: string): Settlement {
    this.options.logger.error(
      {
        sink: this.name,
        eventId: sinkEventId,
        event: delivery.eventId,
        deliveryId: delivery.deliveryId,
        attempts: delivery.attempts + 1,
        error,
      },
      'delivery dead-lettered: replay it once the sink is fixed',
    );
    return { deliveryId: delivery.deliveryId, outcome: 'dead', at, error };
  }

  /** Remembers the error for the API and logs it, at most one line per second per sink (no log floods). */
  private noteError(error: string): void {
    this.lastError = error;
    this.lastErrorAt = Date.now();
    if (this.lastErrorAt - this.lastLogAt < 1000) return;
    this.lastLogAt = this.lastErrorAt;
    this.options.logger.warn(
      { sink: this.config.sink.name, error, state: this.state },
      'sink delivery failed',
    );
  }
}
