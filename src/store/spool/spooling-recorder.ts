import type {
  AcceptedCallback,
  Recorder,
  RecordOptions,
  RecordResult,
  SpooledResult,
} from '../../protocol/index.js';
import type { Store } from '../store.js';
import { DatabaseTimeoutError, isConnectionError } from './is-connection-error.js';
import type { Spool } from './open-spool.js';

/** The logger calls the recorder makes (pino's signature): one line per change of state, and per refused callback. */
export interface SpoolLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface SpoolStatus {
  /** `degraded`: the database is unreachable, or the spool still holds callbacks to flush into it. */
  readonly state: 'ready' | 'degraded';
  /** Callbacks waiting in the spool for the database. */
  readonly spoolDepth: number;
  /** Why the database counts as unreachable (while degraded). */
  readonly reason: string | undefined;
}

export interface SpoolingRecorderOptions {
  logger?: SpoolLogger;
  /** A database call that takes longer counts as unreachable. Default 3000: OpenIM waits 5 s for the answer. */
  timeoutMs?: number;
  /** Wait between flush attempts while the database is down: doubles from `min` to `max`. Default 250 to 5000 ms. */
  retryMs?: { min: number; max: number };
}

export interface SpoolingRecorder extends Recorder {
  status(): SpoolStatus;
  /** Resolves when a callback can be committed now, to the database or else to the spool (for /readyz). */
  checkWritable(): Promise<void>;
  /** Stops flushing and closes the spool; what it holds is flushed at the next start. */
  close(): Promise<void>;
}

type Waiting = {
  callback: AcceptedCallback;
  resolve: (result: SpooledResult) => void;
  reject: (error: unknown) => void;
};

/** Callbacks per flush transaction (the store's group commit takes up to 1000). */
const FLUSH_BATCH = 500;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Records into the store while it is reachable, and into a local spool while it is not, so that an outage of
 * PostgreSQL costs neither acknowledgements nor events. Once a commit fails for a connection reason (refused, cut,
 * timed out; never for an SQL or constraint error, which is answered 503 as before) the recorder is `degraded`: every
 * callback goes to the spool (fsync'd before the ack; arrival order kept), and a flusher moves the spool into the
 * store in order, oldest first, with backoff while the database is still down. Each spooled callback keeps its
 * received time, operationID, raw bytes and idempotency key, and leaves the spool only after the store committed it;
 * a crash between the two is harmless because `record` is idempotent. When the spool is empty and the store commits
 * again, callbacks go straight to the store. A spool left non-empty by an earlier run is flushed first.
 *
 * @example
 * const recorder = createSpoolingRecorder(openStore('postgres://…'), openSpool('./data/spool.db'), { logger });
 * createReceiver({ recorder });
 */
export function createSpoolingRecorder(
  store: Pick<Store, 'record' | 'checkWritable'>,
  spool: Spool,
  options: SpoolingRecorderOptions = {},
): SpoolingRecorder {
  return new Spooling(store, spool, options);
}

class Spooling implements SpoolingRecorder {
  private state: 'ready' | 'degraded' = 'ready';
  private reason: string | undefined;
  /** Rows of the spool still to flush (those set aside not counted). */
  private stored: number;
  /** Callbacks waiting for the next spool transaction (group commit: one fsync for all of one event-loop turn). */
  private queue: Waiting[] = [];
  private flusher: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private closed = false;
  private readonly timeoutMs: number;
  private readonly retry: { min: number; max: number };

  constructor(
    private readonly store: Pick<Store, 'record' | 'checkWritable'>,
    private readonly spool: Spool,
    private readonly options: SpoolingRecorderOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.retry = options.retryMs ?? { min: 250, max: 5000 };
    this.stored = spool.depth();
    if (this.stored > 0) this.degrade('the spool holds callbacks of an earlier run');
  }

  async record(callback: AcceptedCallback, options?: RecordOptions): Promise<RecordResult | SpooledResult> {
    if (this.closed) throw new Error('recorder is closed');
    if (this.state === 'ready') {
      try {
        return await this.timed(this.store.record(callback, options));
      } catch (error) {
        if (!isConnectionError(error)) throw error;
        this.degrade(messageOf(error));
      }
    }
    return this.toSpool(callback);
  }

  status(): SpoolStatus {
    return { state: this.state, spoolDepth: this.depth(), reason: this.reason };
  }

  async checkWritable(): Promise<void> {
    if (this.state === 'ready') {
      try {
        return await this.timed(this.store.checkWritable());
      } catch (error) {
        if (!isConnectionError(error)) throw error;
        this.degrade(messageOf(error));
      }
    }
    this.spool.checkWritable();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    await this.flusher;
    this.appendQueued(); // accepted callbacks still waiting for their fsync get it before the file closes
    this.spool.close();
  }

  private depth(): number {
    return this.stored + this.queue.length;
  }

  private toSpool(callback: AcceptedCallback): Promise<SpooledResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ callback, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => this.appendQueued());
    });
  }

  private appendQueued(): void {
    const batch = this.queue.splice(0);
    if (batch.length === 0) return;
    try {
      const duplicates = this.spool.append(batch.map((w) => w.callback));
      this.stored += duplicates.filter((duplicate) => !duplicate).length;
      batch.forEach((w, i) =>
        w.resolve({ eventId: undefined, duplicate: duplicates[i] ?? false, spooled: true }),
      );
    } catch (error) {
      for (const w of batch) w.reject(error); // neither the database nor the disk: the receiver answers 503
    }
  }

  private degrade(reason: string): void {
    if (this.state === 'degraded' || this.closed) return;
    this.state = 'degraded';
    this.reason = reason;
    this.options.logger?.warn(
      { spool: this.spool.path, spoolDepth: this.depth(), reason },
      'database unreachable: callbacks go to the local spool until it is flushed',
    );
    this.flusher = this.flushUntilRecovered(Date.now());
  }

  /** Flushes the spool, oldest first, until it is empty and the store commits; backs off while it cannot. */
  private async flushUntilRecovered(since: number): Promise<void> {
    let delay = this.retry.min;
    let flushed = 0;
    while (!this.closed) {
      this.appendQueued();
      const step = await this.flushOnce().catch((error: unknown) => {
        this.options.logger?.error({ spool: this.spool.path, err: messageOf(error) }, 'spool flush failed');
        return { done: false, progress: false, flushed: 0 };
      });
      flushed += step.flushed;
      if (step.done) {
        this.state = 'ready';
        this.reason = undefined;
        this.options.logger?.info(
          { spool: this.spool.path, flushed, degradedMs: Date.now() - since },
          'database reachable again: spool flushed, recording directly',
        );
        return;
      }
      if (step.progress) {
        delay = this.retry.min;
        continue;
      }
      await this.sleep(delay);
      delay = Math.min(delay * 2, this.retry.max);
    }
  }

  private async flushOnce(): Promise<{ done: boolean; progress: boolean; flushed: number }> {
    const batch = this.spool.oldest(FLUSH_BATCH);
    if (batch.length === 0) {
      // Nothing left to flush: is the database back? (A failure of any kind means not yet.)
      const back = await this.timed(this.store.checkWritable()).then(
        () => true,
        (error: unknown) => ((this.reason = messageOf(error)), false),
      );
      // Callbacks spooled during the check are flushed first, so that none is overtaken.
      return { done: back && this.depth() === 0, progress: back, flushed: 0 };
    }
    // One call per callback, all in this turn: the store's group commit makes them one ordered transaction.
    const outcomes = await Promise.allSettled(
      batch.map(({ callback }) => this.timed(this.store.record(callback))),
    );
    const committed: number[] = [];
    let unreachable: unknown;
    for (const [i, outcome] of outcomes.entries()) {
      const { seq, callback } = batch[i] as (typeof batch)[number];
      if (outcome.status === 'fulfilled') committed.push(seq);
      else if (isConnectionError(outcome.reason)) unreachable ??= outcome.reason;
      else {
        this.spool.setAside(seq, messageOf(outcome.reason));
        this.stored -= 1;
        this.options.logger?.error(
          { spool: this.spool.path, seq, operationID: callback.operationID, err: messageOf(outcome.reason) },
          'the database refused a spooled callback: it stays in the spool, set aside',
        );
      }
    }
    if (committed.length > 0) {
      this.spool.remove(committed);
      this.stored -= committed.length;
    }
    if (unreachable !== undefined) this.reason = messageOf(unreachable);
    return { done: false, progress: unreachable === undefined, flushed: committed.length };
  }

  private timed<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DatabaseTimeoutError(`no answer from the database within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    // A late answer is ignored: a late commit makes the spooled copy a duplicate, which `record` absorbs.
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
