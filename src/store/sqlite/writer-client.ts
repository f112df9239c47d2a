import type { Worker } from 'node:worker_threads';
import type { AcceptedCallback, RecordResult } from '../../protocol/index.js';
import { startThread } from './start-thread.js';
import { toTuple } from './writer-protocol.js';
import type { Claim, WriterReply, WriterRequest, WriterResult } from './writer-protocol.js';
import type { PendingDeliveryRow } from '../rows.js';
import type { OutboxSink, ReplaySelection, RetrySelection, Settlement } from '../store.js';

type Pending = { resolve: (result: WriterResult) => void; reject: (error: Error) => void };
type Request = WriterRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * The HTTP thread's handle on the writer thread: each call resolves when the writer's commit (and fsync) returned.
 * If the thread dies, what it held is rejected (never reported as written) and the next call starts a new one.
 */
export class WriterClient {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Requests of this turn of the event loop, posted together: one message per turn instead of one per callback. */
  private outbox: WriterRequest[] = [];

  constructor(
    private readonly path: string,
    private readonly sinks: OutboxSink[],
  ) {
    // Started now, not on the first callback: a thread takes a few hundred milliseconds to boot, which the first
    // before-callback would otherwise spend out of its deadline.
    this.worker = this.start(true);
  }

  record(callback: AcceptedCallback): Promise<RecordResult> {
    return this.send({ type: 'record', callback: toTuple(callback) }) as Promise<RecordResult>;
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

  /** Commits everything sent so far, then ends the thread. */
  async close(): Promise<void> {
    if (!this.worker) return;
    const worker = this.worker;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    await this.send({ type: 'close' });
    await exited;
  }

  private send(request: Request): Promise<WriterResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.outbox.push({ ...request, id } as WriterRequest) === 1) setImmediate(() => this.flushOutbox());
    });
  }

  private flushOutbox(): void {
    const requests = this.outbox;
    this.outbox = [];
    (this.worker ??= this.start()).postMessage(requests);
  }

  /** `endLeases`: the first thread of this store ends the leases a previous run of the service left (see the writer). */
  private start(endLeases = false): Worker {
    const worker = startThread('sqlite-writer', { path: this.path, sinks: this.sinks, endLeases });
    worker.on('message', (replies: WriterReply[]) => {
      for (const reply of replies) {
        const pending = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (reply.ok) pending?.resolve(reply.result);
        else pending?.reject(new Error(reply.error));
      }
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`SQLite writer thread exited (code ${code})`)));
    return worker;
  }
}
