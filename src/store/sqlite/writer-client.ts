import type { Worker } from 'node:worker_threads';
import { startThread } from './start-thread.js';
import type { Claim, WriterMessage, WriterRequest, WriterResult, WriterStart } from './writer-protocol.js';
import type { Projected } from './project-records.js';
import type { PendingDeliveryRow } from '../rows.js';
import type { ReplaySelection, RetrySelection, Settlement } from '../store.js';
import type { PruneCounts } from '../retention/index.js';

type Pending = { resolve: (result: WriterResult) => void; reject: (error: Error) => void };
type Request = WriterRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export interface WriterEvents {
  /** A projection transaction committed. */
  projected?(projected: Projected): void;
  /** A projection transaction failed; it is tried again. */
  projectionFailed?(error: string): void;
  /** A round of pruning removed rows. */
  pruned?(counts: PruneCounts): void;
  /** A round of pruning failed; it is tried again. */
  pruneFailed?(error: string): void;
}

/**
 * The acknowledging thread's handle on the writer thread: each call resolves when the writer's commit (and fsync)
 * returned. If the thread dies, what it held is rejected (never reported as written) and the next call starts a new
 * one, which resumes the projection from its committed cursor.
 */
export class WriterClient {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private closing = false;
  private nextId = 1;
  /** Requests of this turn of the event loop, posted together: one message per turn. */
  private outbox: WriterRequest[] = [];

  constructor(
    private readonly start: Omit<WriterStart, 'endLeases'>,
    private readonly events: WriterEvents = {},
  ) {
    // Started now, not on the first call: a thread takes a few hundred milliseconds to boot.
    this.worker = this.spawn(true);
  }

  heartbeat(): Promise<unknown> {
    return this.send({ type: 'heartbeat', at: Date.now() });
  }

  async settle(settlements: Settlement[]): Promise<void> {
    await this.send({ type: 'settle', settlements });
  }

  claim(claim: Claim): Promise<PendingDeliveryRow[]> {
    return this.send({ type: 'claim', claim }) as Promise<PendingDeliveryRow[]>;
  }

  replay(selection: ReplaySelection): Promise<number> {
    return this.send({ type: 'replay', selection, at: Date.now() }) as Promise<number>;
  }

  retryNow(selection: RetrySelection, at: number): Promise<number> {
    return this.send({ type: 'retryNow', selection, at }) as Promise<number>;
  }

  async answer(eventId: number, status: number, body: string): Promise<void> {
    await this.send({ type: 'answer', eventId, status, body, at: Date.now() });
  }

  /** The stored secret of `sink`, `secret` if it had none. */
  sinkSecret(sink: string, secret: string): Promise<string> {
    return this.send({ type: 'sinkSecret', sink, secret, at: Date.now() }) as Promise<string>;
  }

  /** Asks for a projection now rather than at the next interval (nothing to wait for: progress is reported). */
  projectNow(): void {
    this.post({ id: 0, type: 'project' });
  }

  /**
   * Commits everything sent so far, projects what is durable (for up to 10 s), then ends the thread. A thread that
   * dies meanwhile has already failed what it held; what the inbox holds is projected at the next start.
   */

  async close(): Promise<void> {
    this.closing = true;
    if (!this.worker) return;
    const worker = this.worker;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    await this.send({ type: 'close' }).catch(() => undefined);
    await exited;
  }

  private send(request: Request): Promise<WriterResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ ...request, id } as WriterRequest);
    });
  }

  private post(request: WriterRequest): void {
    if (this.outbox.push(request) === 1) setImmediate(() => this.flushOutbox());
  }

  private flushOutbox(): void {
    const requests = this.outbox;
    this.outbox = [];
    (this.worker ??= this.spawn()).postMessage(requests);
  }

  /** Wait before a dead thread of a projecting store is replaced; doubles while they keep dying, up to 5 s. */
  private respawnMs = 100;

  private spawn(endLeases = false): Worker {
    const worker = startThread('sqlite-writer', { ...this.start, endLeases } satisfies WriterStart);
    worker.on('message', (message: WriterMessage) => {
      for (const reply of message.replies) {
        const pending = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (reply.ok) pending?.resolve(reply.result);
        else pending?.reject(new Error(reply.error));
      }
      if (message.projected) this.events.projected?.(message.projected);
      if (message.projectionError !== undefined) this.events.projectionFailed?.(message.projectionError);
      if (message.pruned) this.events.pruned?.(message.pruned);
      if (message.pruneError !== undefined) this.events.pruneFailed?.(message.pruneError);
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    };
    let died: Error | undefined;
    worker.on('error', (error) => {
      died = error;
      fail(error);
    });
    worker.on('exit', (code) => {
      fail(new Error(`SQLite writer thread exited (code ${code})`));
      if (!this.start.projection || this.closing || this.worker) return;
      // The projection has no caller to restart it: a new thread resumes it from its committed cursor.
      this.events.projectionFailed?.(
        `writer thread died (${died?.message ?? `code ${code}`}), restarting it`,
      );
      setTimeout(() => {
        if (!this.closing) this.worker ??= this.spawn();
      }, this.respawnMs).unref();
      this.respawnMs = Math.min(this.respawnMs * 2, 5000);
    });
    // A thread that got as far as a commit was healthy: the next one starts at once again.
    worker.once('message', () => (this.respawnMs = 100));
    return worker;
  }
}
