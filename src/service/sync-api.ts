import { defined } from '../store/index.js';
import type { Store } from '../store/index.js';
import type { Relay } from '../sync/relay.js';
import type { QueryParams } from './query-params.js';

export interface SyncAnswer {
  status: number;
  body: unknown;
}

/** GET /api/v1/sinks: each sink's state, backlog, age of its oldest pending delivery, last error. */
async function sinks(store: Store, relay: Relay | undefined): Promise<SyncAnswer> {
  const now = Date.now();
  const items = await Promise.all(
    (relay?.status() ?? []).map(async (status) => {
      const backlog = await store.sinkBacklog(status.name);
      return {
        ...status,
        backlog: backlog.pending,
        oldestPendingAgeMs: backlog.oldestPendingAt === null ? null : now - backlog.oldestPendingAt,
        delivered: backlog.delivered,
        dead: backlog.dead,
      };
    }),
  );
  return { status: 200, body: { items } };
}

/**
 * The operations routes of the relay; undefined when `rest` (the path after /api/v1/) is not one of them.
 * Replay is a POST whose selection is in the query: `eventId=…`, `receivedAfter=…&receivedBefore=…` or `dead=true`,
 * optionally `sink=…`; the chosen deliveries go back in the queue, due now, with fresh attempts.
 */
export async function answerSyncRequest(
  store: Store,
  relay: Relay | undefined,
  method: string,
  rest: string,
  query: QueryParams,
  pageRequest: (query: QueryParams) => object,
): Promise<SyncAnswer | undefined> {
  if (rest === 'sinks' && method === 'GET') {
    query.rejectUnknown();
    return sinks(store, relay);
  }
  if (rest === 'deliveries' && method === 'GET') {
    const status = query.oneOf('status', ['pending', 'delivered', 'dead'] as const);
    const sink = query.string('sink');
    const page = pageRequest(query);
    query.rejectUnknown();
    return {
      status: 200,
      body: await store.listDeliveries(defined({ ...page, status, sink })),
    };
  }
  if (rest === 'replay' && method === 'POST') {
    const eventId = query.integer('eventId', 1, Number.MAX_SAFE_INTEGER);
    const from = query.time('receivedAfter');
    const to = query.time('receivedBefore');
    const dead = query.oneOf('dead', ['true'] as const) === 'true';
    const sink = query.string('sink');
    query.rejectUnknown();
    if (eventId === undefined && from === undefined && to === undefined && !dead) {
      return undefined;
    }
    const replayed = await store.replay(defined({ sink, eventId, from, to, dead: dead || undefined }));
    relay?.wake();
    return { status: 200, body: { replayed } };
  }
  return undefined;
}
