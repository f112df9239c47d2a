import { encodeCursor } from '../../store/index.js';
import type { EventRecord, Store } from '../../store/index.js';

export type FeedListener = (event: EventRecord) => void;

export interface EventFeed {
  /**
   * Calls `listener` with each event that reaches the store after `position` (every id at or below it is the
   * caller's to read, for a backlog or a resume); `unsubscribe` ends it.
   */
  subscribe(
    listener: FeedListener,
    onClose?: () => void,
  ): Promise<{ position: number; unsubscribe: () => void }>;
  /** An event was recorded here: look now rather than at the next poll. */
  wake(): void;
  /** The highest event id in the store right now (0 when empty). */
  latestId(): Promise<number>;
  /** Stops reading and tells every subscriber (`onClose`): a stopping service ends its live streams. */
  close(): void;
}

export interface EventFeedOptions {
  /** How often the store is looked at while someone listens. Default 500 ms; local events wake it at once. */
  pollMs?: number;
  /**
   * How long a missing id below newer ones is waited for. PostgreSQL hands out ids before commit, so a slow
   * transaction can commit an older id after newer ones; SQLite's single writer never does (0 there).
   */
  holeGraceMs?: number;
}

const PAGE = 500;
/** Past this many missing ids in a row, a gap is a jump of the sequence, not transactions still committing. */
const MAX_HOLES = 10_000;

/**
 * Follows the event log for live listeners (the dashboard's feed, `events tail`): it reads the store rather than
 * hooking the receiver, so events that another instance recorded, or that a spool flushed later, show up too.
 * Reads only while someone listens.
 */
export function createEventFeed(store: Store, options: EventFeedOptions = {}): EventFeed {
  const pollMs = options.pollMs ?? 500;
  const holeGraceMs = options.holeGraceMs ?? 0;
  const listeners = new Set<FeedListener>();
  const closers = new Map<FeedListener, () => void>();
  /** Every id at or below it was emitted or given up on. */
  let floor: number | undefined;
  /** Ids above the floor already emitted. */
  const emitted = new Set<number>();
  /** Missing ids above the floor, and when each was first found missing. */
  const holes = new Map<number, number>();
  let starting: Promise<number> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  async function latestId(): Promise<number> {
    return (await store.listEvents({ order: 'desc', limit: 1 })).items[0]?.id ?? 0;
  }

  function advanceFloor(base: number, highest: number, now: number): number {
    let next = base;
    for (let id = base + 1; id <= highest; id++) {
      if (emitted.has(id)) {
        emitted.delete(id);
        holes.delete(id);
        next = id;
        continue;
      }
      const since = holes.get(id) ?? now;
      holes.set(id, since);
      if (now - since < holeGraceMs && highest - id < MAX_HOLES) break;
      holes.delete(id);
      next = id;
    }
    return next;
  }

  async function poll(): Promise<void> {
    if (floor === undefined) return;
    for (let page = 0; page < 20 && listeners.size > 0; page++) {
      const { items } = await store.listEvents({ cursor: encodeCursor(floor), order: 'asc', limit: PAGE });
      const fresh = items.filter((event) => !emitted.has(event.id));
      for (const event of fresh) {
        emitted.add(event.id);
        for (const listener of listeners) listener(event);
      }
      const highest = items[items.length - 1]?.id ?? floor;
      floor = advanceFloor(floor, highest, Date.now());
      if (items.length < PAGE) return;
    }
  }

  function run(): void {
    if (closed || listeners.size === 0) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = poll()
      .catch(() => undefined) // the store is unreachable for now: the next poll tries again
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          run();
        } else if (!closed && listeners.size > 0) timer = setTimeout(run, pollMs);
      });
  }

  return {
    async subscribe(listener, onClose) {
      if (floor === undefined) {
        starting ??= latestId().finally(() => (starting = undefined));
        const latest = await starting;
        floor ??= latest;
      }
      listeners.add(listener);
      if (onClose) closers.set(listener, onClose);
      const position = [...emitted].reduce((max, id) => Math.max(max, id), floor);
      run();
      const unsubscribe = () => {
        closers.delete(listener);
        if (!listeners.delete(listener) || listeners.size > 0) return;
        clearTimeout(timer);
        // Nobody listens: start from the newest again next time rather than replay what came meanwhile.
        floor = undefined;
        emitted.clear();
        holes.clear();
      };
      return { position, unsubscribe };
    },
    wake: run,
    latestId,
    close() {
      closed = true;
      clearTimeout(timer);
      const ending = [...closers.values()];
      listeners.clear();
      closers.clear();
      for (const end of ending) end();
    },
  };
}
