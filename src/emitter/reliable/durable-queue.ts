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

export type NewQueuedCallback = Omit<QueuedCallback, 'id' | 'attempts'>;

/** What became of one attempt, to be written back. */
export type Settlement =
  | { readonly id: number; readonly state: 'delivered'; readonly status: number | null }
  | { readonly id: number; readonly state: 'retry'; readonly nextAttemptAt: number; readonly error: string }
  | { readonly id: number; readonly state: 'dead'; readonly error: string };

/** The on-disk queue of reliable mode. */
export interface DurableQueue {
  /**
   * Group commit: new callbacks and settlements of attempts in one transaction (one fsync for all of them).
   * Resolves the new items with their ids once committed.
   */
  commit(enqueue: readonly NewQueuedCallback[], settle: readonly Settlement[]): QueuedCallback[];
  /** Up to `limit` pending items due at `now` that are not claimed already, oldest first. */
  claimDue(now: number, limit: number): QueuedCallback[];
  /** When the next pending item is due (ms since the epoch), or undefined when none is pending. */
  nextDueAt(): number | undefined;
  counts(): DurableQueueCounts;
  close(): void;
}
