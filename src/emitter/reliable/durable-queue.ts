/** One after-callback kept on disk until it is delivered or given up. */
export interface QueuedCallback {
  readonly id: number;
  /** Stable across retries and restarts: sent as the `Openim-Hooks-Event-Id` header. */
  readonly eventId: string;
  readonly command: string;
  readonly requestBody: string;
  readonly operationID: string;
  readonly timeoutMs: number;
  /** Attempts made so far. */
  readonly attempts: number;
}

export interface DurableQueueCounts {
  readonly pending: number;
  readonly delivered: number;
  /** Given up after the last attempt (or a final, non-retryable answer). */
  readonly dead: number;
}

/** The on-disk queue of reliable mode; every method commits before it returns. */
export interface DurableQueue {
  enqueue(item: Omit<QueuedCallback, 'id' | 'attempts'>): QueuedCallback;
  /** Up to `limit` pending items due at `now` that are not claimed already, oldest first. */
  claimDue(now: number, limit: number): QueuedCallback[];
  markDelivered(id: number, status: number | null): void;
  scheduleRetry(id: number, nextAttemptAt: number, error: string): void;
  markDead(id: number, error: string): void;
  /** When the next pending item is due (ms since the epoch), or undefined when none is pending. */
  nextDueAt(): number | undefined;
  counts(): DurableQueueCounts;
  close(): void;
}
