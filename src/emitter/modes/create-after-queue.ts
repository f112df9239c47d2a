import { createFifo } from './create-fifo.js';

/** A task of the queue: one after-callback post. Its own errors are its business. */
export type QueueTask = () => Promise<unknown>;

export interface AfterQueueOptions {
  /** Concurrent posts; OpenIM: 2. */
  readonly workers?: number;
  /** Tasks waiting for a worker; OpenIM: 100. */
  readonly slots?: number;
  /** How long a push waits for a free slot before the task is dropped; OpenIM: 3 s. */
  readonly pushWaitMs?: number;
}

export interface AfterQueueStats {
  readonly pushed: number;
  readonly dropped: number;
  readonly completed: number;
  readonly waiting: number;
  readonly running: number;
  readonly blockedPushes: number;
}

export interface AfterQueue {
  /** Resolves true once the task has a slot, false when it was dropped after waiting `pushWaitMs`. */
  push(task: QueueTask): Promise<boolean>;
  stats(): AfterQueueStats;
  /** Resolves when nothing is waiting, blocked or running. */
  drain(): Promise<void>;
}

interface BlockedPush {
  readonly task: QueueTask;
  readonly resolve: (queued: boolean) => void;
  timer: NodeJS.Timeout | undefined;
  /** Set when the push gave up; the entry is skipped when it reaches the head. */
  expired: boolean;
}

/**
 * OpenIM's in-memory after-callback queue (`memamq`, docs/protocol.md §1.7): a buffer of `slots` tasks drained by
 * `workers`; when the buffer is full a push blocks up to `pushWaitMs`, then the task is dropped. OpenIM hides the
 * drops; here they are counted. Every operation is O(1), so an overloaded queue does not also eat the CPU.
 *
 * @example
 * const queue = createAfterQueue();
 * const queued = await queue.push(() => post());
 */
export function createAfterQueue(options: AfterQueueOptions = {}): AfterQueue {
  const workers = options.workers ?? 2;
  const slots = options.slots ?? 100;
  const pushWaitMs = options.pushWaitMs ?? 3000;
  const buffer = createFifo<QueueTask>();
  const blocked = createFifo<BlockedPush>();
  let blockedCount = 0;
  let running = 0;
  let pushed = 0;
  let dropped = 0;
  let completed = 0;
  let idleWaiters: (() => void)[] = [];

  function pump(): void {
    while (running < workers && buffer.length > 0) {
      const task = buffer.shift();
      if (task === undefined) break;
      admitBlocked();
      running += 1;
      void task()
        .catch(() => undefined)
        .finally(() => {
          running -= 1;
          completed += 1;
          pump();
        });
    }
    if (running === 0 && buffer.length === 0 && blockedCount === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  function admitBlocked(): void {
    while (buffer.length < slots && blockedCount > 0) {
      const next = blocked.shift();
      if (next === undefined) break;
      if (next.expired) continue;
      clearTimeout(next.timer);
      blockedCount -= 1;
      buffer.push(next.task);
      pushed += 1;
      next.resolve(true);
    }
  }

  function expire(entry: BlockedPush): void {
    entry.expired = true;
    blockedCount -= 1;
    dropped += 1;
    entry.resolve(false);
    pump();
  }

  return {
    push(task) {
      if (buffer.length < slots && blockedCount === 0) {
        buffer.push(task);
        pushed += 1;
        pump();
        return Promise.resolve(true);
      }
      return new Promise<boolean>((resolve) => {
        const entry: BlockedPush = { task, resolve, timer: undefined, expired: false };
        entry.timer = setTimeout(() => expire(entry), pushWaitMs);
        blocked.push(entry);
        blockedCount += 1;
      });
    },
    stats() {
      return { pushed, dropped, completed, waiting: buffer.length, running, blockedPushes: blockedCount };
    },
    drain() {
      if (running === 0 && buffer.length === 0 && blockedCount === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
