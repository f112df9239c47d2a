import { defined } from '../../store/index.js';
import { apiError, ok } from './api-answer.js';
import { pageRequest } from './api-context.js';
import type { ApiContext, ApiRoute } from './api-context.js';
import { eventIdFilter, resolveEventRef } from './event-ref.js';

/** GET /api/v1/sinks: each sink's state, backlog, age of its oldest pending delivery, last error. */
async function sinks({ store, relay, sinks: info }: ApiContext) {
  const now = Date.now();
  const items = await Promise.all(
    (relay?.status() ?? []).map(async (status) => {
      const backlog = await store.sinkBacklog(status.name);
      const known = info.find((sink) => sink.name === status.name);
      return {
        ...status,
        backlog: backlog.pending,
        oldestPendingAgeMs: backlog.oldestPendingAt === null ? null : now - backlog.oldestPendingAt,
        delivered: backlog.delivered,
        dead: backlog.dead,
        unsigned: known?.unsigned ?? false,
        ...(known?.generatedSecret ? { generatedSecret: known.generatedSecret } : {}),
      };
    }),
  );
  return ok({ items });
}

/** A sink this service relays to, or the 404 that says it is not. */
function relayedSink(context: ApiContext): { name: string } | { denied: ReturnType<typeof apiError> } {
  const name = context.params['name'] ?? '';
  const known = context.relay?.status().some((status) => status.name === name) ?? false;
  return known
    ? { name }
    : { denied: apiError('NOT_FOUND', `no sink ${JSON.stringify(name)} is relayed here`) };
}

/**
 * The operations routes of the relay. Replay is a POST whose selection is in the query: `eventId=…` (numeric or
 * `evt_…`), `receivedAfter=…&receivedBefore=…` or `dead=true`, optionally `sink=…`; the chosen deliveries go back in
 * the queue, due now, with fresh attempts. Retry makes held deliveries due now and keeps their attempts.
 */
export const SYNC_ROUTES: readonly ApiRoute[] = [
  {
    method: 'GET',
    path: '/api/v1/sinks',
    async handle(context) {
      context.query.rejectUnknown();
      return sinks(context);
    },
  },
  {
    method: 'POST',
    path: '/api/v1/sinks/{name}/retry',
    async handle(context) {
      const deliveryId = context.query.integer('deliveryId', 1, Number.MAX_SAFE_INTEGER);
      context.query.rejectUnknown();
      const sink = relayedSink(context);
      if ('denied' in sink) return sink.denied;
      const retried = await context.store.retryNow(defined({ sink: sink.name, deliveryId }), Date.now());
      context.relay?.wake();
      return ok({ retried });
    },
  },
  {
    method: 'POST',
    path: '/api/v1/sinks/{name}/enable',
    async handle(context) {
      context.query.rejectUnknown();
      const sink = relayedSink(context);
      if ('denied' in sink) return sink.denied;
      context.relay?.enable(sink.name);
      return ok({ name: sink.name, state: context.relay?.status().find((s) => s.name === sink.name)?.state });
    },
  },
  {
    method: 'GET',
    path: '/api/v1/deliveries',
    async handle({ store, query }) {
      const status = query.oneOf('status', ['pending', 'delivered', 'dead'] as const);
      const sink = query.string('sink');
      const eventId = await eventIdFilter(store, query);
      const page = pageRequest(query);
      query.rejectUnknown();
      return ok(await store.listDeliveries(defined({ ...page, status, sink, eventId })));
    },
  },
  {
    method: 'GET',
    path: '/api/v1/attempts',
    async handle({ store, query }) {
      const sink = query.string('sink');
      const deliveryId = query.integer('deliveryId', 1, Number.MAX_SAFE_INTEGER);
      const eventId = await eventIdFilter(store, query);
      const page = pageRequest(query);
      query.rejectUnknown();
      return ok(await store.listAttempts(defined({ ...page, sink, deliveryId, eventId })));
    },
  },
  {
    method: 'POST',
    path: '/api/v1/replay',
    async handle({ store, relay, query }) {
      const ref = query.string('eventId');
      const from = query.time('receivedAfter');
      const to = query.time('receivedBefore');
      const dead = query.oneOf('dead', ['true'] as const) === 'true';
      const sink = query.string('sink');
      query.rejectUnknown();
      if (ref === undefined && from === undefined && to === undefined && !dead) {
        return apiError('INVALID_QUERY', 'replay needs eventId, receivedAfter/receivedBefore or dead=true');
      }
      const eventId = ref === undefined ? undefined : await resolveEventRef(store, ref, 'eventId');
      if (ref !== undefined && eventId === undefined) return apiError('NOT_FOUND', 'no such event');
      const replayed = await store.replay(defined({ sink, eventId, from, to, dead: dead || undefined }));
      relay?.wake();
      return ok({ replayed });
    },
  },
];
