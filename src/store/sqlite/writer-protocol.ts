import type { RecordResult } from '../../protocol/index.js';
import type { PendingDeliveryRow } from '../rows.js';
import type { OutboxSink, ReplaySelection, RetrySelection, Settlement } from '../store.js';
import type { Projected } from './project-records.js';
import type { PruneCounts, RetentionPolicy } from '../retention/index.js';

/** What the writer thread is started with. */
export interface WriterStart {
  readonly path: string;
  readonly sinks: readonly OutboxSink[];
  /** The first thread of a store ends the leases a previous run of the service left (see the writer). */
  readonly endLeases: boolean;
  /** Absent for a store that only reads and serves the outbox (a CLI command): nothing is projected then. */
  readonly projection?: {
    readonly inboxDir: string;
    /** One BigInt64: the highest durable seq of the inbox, stored by the acknowledging thread. */
    readonly durable: SharedArrayBuffer;
    /** What the tables keep; the projecting thread prunes the rest between its projection batches. */
    readonly retention?: RetentionPolicy;
  };
}

export type WriterRequest =
  | { id: number; type: 'heartbeat'; at: number }
  | { id: number; type: 'settle'; settlements: Settlement[] }
  | { id: number; type: 'replay'; selection: ReplaySelection; at: number }
  | { id: number; type: 'claim'; claim: Claim }
  /** Project what is durable now, without waiting for the interval. */
  | { id: number; type: 'project' }
  | { id: number; type: 'retryNow'; selection: RetrySelection; at: number }
  | { id: number; type: 'answer'; eventId: number; status: number; body: string; at: number }
  | { id: number; type: 'sinkSecret'; sink: string; secret: string; at: number }
  | { id: number; type: 'close' };

/** What `claimDeliveries` asks of the writer (see `Outbox.claimDeliveries`). */
export interface Claim {
  sink: string;
  owner: string;
  limit: number;
  leaseMs: number;
  now: number;
  window: number;
}

export type WriterResult = RecordResult | number | string | null | PendingDeliveryRow[];

export type WriterReply =
  { id: number; ok: true; result: WriterResult } | { id: number; ok: false; error: string };

/** One message of the writer thread: the answers of a transaction, and what it projected (or why it could not). */
export interface WriterMessage {
  readonly replies: readonly WriterReply[];
  readonly projected?: Projected;
  readonly projectionError?: string;
  /** What a round of pruning removed (only when it removed something). */
  readonly pruned?: PruneCounts;
  /** A round of pruning failed (it is tried again later). */
  readonly pruneError?: string;
}
