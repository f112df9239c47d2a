import type { Store } from '../../src/store/index.js';

/** Methods that write the acknowledgement log or the store's life, not read a projection. */
const UNWAITED = new Set<string | symbol>([
  'record',
  'close',
  'checkWritable',
  'caughtUp',
  'projectionLag',
  'onProjected',
]);

/**
 * The store as a test reads it: every read (lists, claims, loads, replays) first waits for `caughtUp()`, as
 * `?consistent=true` does in the API, so that what was acknowledged before the read is there.
 */
export function consistently(store: Store): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || UNWAITED.has(property)) return value;
      return async (...args: unknown[]) => {
        await target.caughtUp();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
