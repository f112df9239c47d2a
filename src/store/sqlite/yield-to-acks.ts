import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Lowers the scheduling priority of the calling thread (Linux: a nice value per thread, set through its thread id).
 * The store's background threads (projection, checkpoints) call it so that on a busy core the thread that answers
 * OpenIM runs first whenever it has work: OpenIM posts after-callbacks from two workers, so every millisecond a
 * callback waits behind background work is a millisecond OpenIM's queue does not move. The step is relative to the
 * process's own priority, so a service started with `nice -n -5` keeps its background threads ahead of the host's
 * ordinary programs as it asked. Elsewhere it does nothing.
 */
export function yieldToAcks(step = 10): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, Math.min(19, getPriority(tid) + step));
  } catch {
    // not Linux, or not allowed: the thread keeps the process's priority
  }
}
