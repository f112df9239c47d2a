import { encodeCursor } from '../../store/index.js';
import type { EventRecord, Store } from '../../store/index.js';
import type { ApiAnswer } from '../api/api-answer.js';
import type { ApiContext } from '../api/api-context.js';
import { QueryError } from '../query-params.js';

/** Which events a listener wants: the feed's filters, on the protocol's own names. */
export interface StreamFilter {
  command?: string;
  ownerUserId?: string;
  conversationId?: string;
}

export function matches(event: EventRecord, filter: StreamFilter): boolean {
  if (filter.command !== undefined && event.callbackCommand !== filter.command) return false;
  const payload = (event.payload ?? {}) as Record<string, unknown>;
  if (filter.ownerUserId !== undefined && payload['ownerUserId'] !== filter.ownerUserId) return false;
  if (filter.conversationId !== undefined && payload['conversationId'] !== filter.conversationId)
    return false;
  return true;
}

/** At most this many events are sent from before the connection (a backlog or a resume). */
const MAX_REPLAY = 1000;
/** A comment line this often keeps proxies and the client's idle timers from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

function message(event: EventRecord): string {
  return `id: ${event.id}\nevent: callback\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * The events with id in (after, upTo] that match, oldest first: at most `limit` of the newest when `newest`, else
 * the oldest. Looks through at most ten pages, so a rare filter cannot make it scan the whole log.
 */
async function replay(
  store: Store,
  filter: StreamFilter,
  range: { after: number; upTo: number; limit: number; newest: boolean },
): Promise<EventRecord[]> {
  const found: EventRecord[] = [];
  // Oldest first starts right after `after`; newest first starts at the top and skips what came after `upTo`.
  let cursor: string | undefined = range.newest ? undefined : encodeCursor(range.after);
  for (let page = 0; page < 10 && found.length < range.limit; page++) {
    const { items, nextCursor } = await store.listEvents({
      ...(filter.command !== undefined ? { command: filter.command } : {}),
      order: range.newest ? 'desc' : 'asc',
      limit: 500,
      ...(cursor !== undefined ? { cursor } : {}),
    });
    for (const event of items) {
      if (event.id > range.after && event.id <= range.upTo && matches(event, filter)) found.push(event);
    }
    if (nextCursor === null || items.some((e) => (range.newest ? e.id <= range.after : e.id > range.upTo)))
      break;
    cursor = nextCursor;
  }
  const chosen = found.slice(0, range.limit);
  return range.newest ? chosen.reverse() : chosen;
}

/**
 * GET /api/v1/events/stream: Server-Sent Events, one `callback` message per event (the same JSON as
 * /api/v1/events, `id:` the numeric event id). `backlog=N` first sends the N newest matching events; a
 * `Last-Event-ID` header (a reconnect) sends those after it instead. Filters: command, ownerUserId, conversationId.
 */
export async function streamEvents({ store, feed, query, headers }: ApiContext): Promise<ApiAnswer> {
  const filter: StreamFilter = {};
  const command = query.string('command');
  const ownerUserId = query.string('ownerUserId');
  const conversationId = query.string('conversationId');
  if (command !== undefined) filter.command = command;
  if (ownerUserId !== undefined) filter.ownerUserId = ownerUserId;
  if (conversationId !== undefined) filter.conversationId = conversationId;
  const backlog = query.integer('backlog', 0, MAX_REPLAY) ?? 0;
  query.rejectUnknown();
  const lastEventId = headers['last-event-id'];
  if (lastEventId !== undefined && !/^\d{1,15}$/.test(String(lastEventId)))
    throw new QueryError('Last-Event-ID must be a numeric event id');

  return {
    status: 200,
    stream(res) {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(': openim-hooks event stream\n\n');
      // Live events wait here until the replay is written, so the stream stays in order.
      let held: EventRecord[] | undefined = [];
      const send = (event: EventRecord) => {
        if (!matches(event, filter)) return;
        if (held) held.push(event);
        else res.write(message(event));
      };
      const keepalive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
      let unsubscribe: (() => void) | undefined;
      res.once('close', () => {
        clearInterval(keepalive);
        unsubscribe?.();
      });
      void (async () => {
        // A stopping service ends the stream, rather than wait for the client to leave.
        const subscription = await feed.subscribe(send, () => res.end());
        unsubscribe = subscription.unsubscribe;
        if (res.destroyed) return unsubscribe();
        const earlier =
          lastEventId !== undefined
            ? await replay(store, filter, {
                after: Number(lastEventId),
                upTo: subscription.position,
                limit: MAX_REPLAY,
                newest: false,
              })
            : backlog > 0
              ? await replay(store, filter, {
                  after: 0,
                  upTo: subscription.position,
                  limit: backlog,
                  newest: true,
                })
              : [];
        for (const event of earlier) res.write(message(event));
        for (const event of held ?? []) res.write(message(event));
        held = undefined;
      })().catch(() => res.end());
    },
  };
}
