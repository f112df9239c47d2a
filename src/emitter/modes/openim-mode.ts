import type { AfterModeFactory } from './after-mode.js';
import type { CallbackOutcome } from '../../wire/callback-outcome.js';
import { createAfterQueue } from './create-after-queue.js';
import type { AfterQueueOptions } from './create-after-queue.js';

/**
 * OpenIM's after-callback mode (the default): the in-memory queue of 2 workers and 100 slots, a push blocks up to 3 s and
 * then drops, one attempt, no retry, lost on restart (docs/protocol.md §1.7). Drops are counted.
 *
 * @example
 * createEmitter({ config, afterMode: openimMode({ workers: 2, slots: 100, pushWaitMs: 3000 }) });
 */
export function openimMode(options: AfterQueueOptions = {}): AfterModeFactory {
  return (post) => {
    const queue = createAfterQueue(options);
    let closed = false;
    return {
      mode: 'openim',
      async submit(job) {
        let deliver: (outcome: CallbackOutcome) => void = () => undefined;
        const delivered = new Promise<CallbackOutcome>((resolve) => (deliver = resolve));
        // After close, tasks still queued are not posted: OpenIM loses them too when its process stops.
        const queued = await queue.push(() => (closed ? Promise.resolve() : post(job).then(deliver)));
        return queued ? { queued: true, delivered } : { queued: false, reason: 'dropped' };
      },
      lost: () => queue.stats().dropped,
      drain: () => queue.drain(),
      close() {
        closed = true;
        return Promise.resolve();
      },
    };
  };
}
