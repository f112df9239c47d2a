import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isCallbackCommand } from '../protocol/index.js';
import type { Outcome } from '../receiver/index.js';
import type { DiskWatch, PruneCounts, SpoolingRecorder, Store } from '../store/index.js';
import type { RelayObserver } from '../sync/relay.js';

export interface ServiceMetrics {
  readonly registry: Registry;
  readonly relayObserver: RelayObserver;
  callback(outcome: Outcome): void;
  /** Counts what a round of pruning removed. */
  pruned(counts: PruneCounts): void;
}

/**
 * Prometheus metrics: callbacks by command and status, per sink its attempts, lag and backlog, and (PostgreSQL) the
 * spool's depth and whether the instance is degraded.
 */
export function createMetrics(
  store: Store,
  sinkNames: readonly string[],
  spooling?: Pick<SpoolingRecorder, 'status'>,
  disk?: Pick<DiskWatch, 'status'>,
): ServiceMetrics {
  const registry = new Registry();
  const pruned = new Counter({
    name: 'openim_hooks_pruned_total',
    help: 'Rows removed by retention, by table (events, deliveries, attempts, answers, conversations)',
    labelNames: ['table'],
    registers: [registry],
  });
  for (const table of ['events', 'deliveries', 'attempts', 'answers', 'conversations'])
    pruned.inc({ table }, 0);
  if (disk) {
    new Gauge({
      name: 'openim_hooks_disk_free_bytes',
      help: 'Free bytes on the file system that holds the database (or, with PostgreSQL, the spool)',
      registers: [registry],
      collect() {
        const { freeBytes } = disk.status();
        if (Number.isFinite(freeBytes)) this.set(freeBytes);
      },
    });
    new Gauge({
      name: 'openim_hooks_disk_reserve_released',
      help: '1 while the disk reserve is given up because the disk filled (make room), else 0',
      registers: [registry],
      collect() {
        this.set(disk.status().reserveReleased ? 1 : 0);
      },
    });
  }
  const callbacks = new Counter({
    name: 'openim_hooks_callbacks_total',
    help: 'Callbacks answered, by command and HTTP status',
    labelNames: ['command', 'status'],
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'openim_hooks_sink_attempts_total',
    help: 'Delivery attempts by sink and outcome (delivered, failed, unavailable, gone)',
    labelNames: ['sink', 'outcome'],
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'openim_hooks_sink_lag_seconds',
    help: 'From reception of the callback to its delivery to the sink',
    labelNames: ['sink'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 300, 3600],
    registers: [registry],
  });
  // While the database is unreachable the backlog is unknown: those series are left out, the rest still answers.
  const backlogs = sinkNames.map((sink) => ({
    sink,
    read: () => store.sinkBacklog(sink).catch(() => undefined),
  }));
  new Gauge({
    name: 'openim_hooks_sink_backlog',
    help: 'Deliveries by sink and status (pending, dead)',
    labelNames: ['sink', 'status'],
    registers: [registry],
    async collect() {
      for (const { sink, read } of backlogs) {
        const backlog = await read();
        if (!backlog) continue;
        this.set({ sink, status: 'pending' }, backlog.pending);
        this.set({ sink, status: 'dead' }, backlog.dead);
      }
    },
  });
  new Gauge({
    name: 'openim_hooks_sink_oldest_pending_age_seconds',
    help: 'Age of the oldest pending delivery of each sink (0 when none)',
    labelNames: ['sink'],
    registers: [registry],
    async collect() {
      for (const { sink, read } of backlogs) {
        const backlog = await read();
        if (!backlog) continue;
        const { oldestPendingAt } = backlog;
        this.set({ sink }, oldestPendingAt === null ? 0 : (Date.now() - oldestPendingAt) / 1000);
      }
    },
  });
  // Reads (the query API, the relay's outbox) see the projection of the acknowledgement log.
  new Gauge({
    name: 'openim_hooks_projection_lag_events',
    help: 'Callbacks acknowledged and not yet projected into the tables the API and the relay read',
    registers: [registry],
    async collect() {
      const lag = await store.projectionLag().catch(() => undefined);
      if (lag) this.set(lag.events);
    },
  });
  new Gauge({
    name: 'openim_hooks_projection_lag_seconds',
    help: 'Age of the oldest callback acknowledged and not yet projected (0 when none)',
    registers: [registry],
    async collect() {
      const lag = await store.projectionLag().catch(() => undefined);
      if (lag) this.set(lag.seconds);
    },
  });
  if (spooling) {
    new Gauge({
      name: 'openim_hooks_spool_depth',
      help: 'Callbacks in the local spool, waiting for PostgreSQL',
      registers: [registry],
      collect() {
        this.set(spooling.status().spoolDepth);
      },
    });
    new Gauge({
      name: 'openim_hooks_degraded',
      help: '1 while PostgreSQL is unreachable or the spool is not yet flushed, else 0',
      registers: [registry],
      collect() {
        this.set(spooling.status().state === 'degraded' ? 1 : 0);
      },
    });
  }
  const callbackCounters = new Map<string, { inc(): void }>();
  return {
    registry,
    relayObserver: {
      attempt(sink, outcome, lagMs) {
        attempts.inc({ sink, outcome });
        if (outcome === 'delivered') lag.observe({ sink }, lagMs / 1000);
      },
    },
    pruned(counts) {
      for (const [table, n] of Object.entries(counts)) if (n > 0) pruned.inc({ table }, n);
    },
    callback(outcome) {
      // Only catalog names as labels: a path segment chosen by a client must not grow the label set without bound.
      const command =
        outcome.command !== undefined && isCallbackCommand(outcome.command) ? outcome.command : 'other';
      // The labelled child is looked up once per (command, status): prom-client hashes the labels at every lookup.
      const key = `${command} ${outcome.status}`;
      let counter = callbackCounters.get(key);
      if (!counter) callbackCounters.set(key, (counter = callbacks.labels(command, String(outcome.status))));
      counter.inc();
    },
  };
}
