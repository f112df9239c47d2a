import { defined } from '../../store/index.js';
import { QueryError } from '../query-params.js';
import { apiError, ok } from './api-answer.js';
import { pageRequest } from './api-context.js';
import type { ApiRoute } from './api-context.js';
import { eventDetail } from './event-detail.js';
import { resolveEventRef } from './event-ref.js';
import { streamEvents } from '../event-feed/stream-events.js';

const HOUR = 3_600_000;

/** The read-only routes over what arrived: conversations, events (one, a list, a live stream), commands, counts. */
export const QUERY_ROUTES: readonly ApiRoute[] = [
  {
    method: 'GET',
    path: '/api/v1/conversations',
    async handle({ store, query }) {
      const filter = defined({
        ...pageRequest(query),
        ownerUserId: query.string('ownerUserId'),
        userId: query.string('userId'),
        groupId: query.string('groupId'),
        conversationId: query.string('conversationId'),
        conversationType: query.integer('conversationType', -(2 ** 31), 2 ** 31 - 1),
        seenAfter: query.time('seenAfter'),
        seenBefore: query.time('seenBefore'),
      });
      query.rejectUnknown();
      return ok(await store.listConversations(filter));
    },
  },
  {
    // Group rows have an empty ownerUserId: /api/v1/conversations//sg_123 is their address.
    method: 'GET',
    path: '/api/v1/conversations/{ownerUserId}/{conversationId}',
    async handle({ store, query, params }) {
      query.rejectUnknown();
      const found = await store.getConversation(params['ownerUserId'] ?? '', params['conversationId'] ?? '');
      return found ? ok(found) : apiError('NOT_FOUND', 'no such conversation');
    },
  },
  {
    method: 'GET',
    path: '/api/v1/events',
    async handle({ store, query }) {
      const filter = defined({
        ...pageRequest(query),
        command: query.string('command'),
        operationID: query.string('operationID'),
        receivedAfter: query.time('receivedAfter'),
        receivedBefore: query.time('receivedBefore'),
      });
      query.rejectUnknown();
      return ok(await store.listEvents(filter));
    },
  },
  {
    method: 'GET',
    path: '/api/v1/events/stream',
    async handle(context) {
      return streamEvents(context);
    },
  },
  {
    method: 'GET',
    path: '/api/v1/events/{eventId}',
    async handle({ store, query, params }) {
      query.rejectUnknown();
      const id = await resolveEventRef(store, params['eventId'] ?? '', 'eventId');
      const detail = id === undefined ? undefined : await eventDetail(store, id);
      return detail ? ok(detail) : apiError('NOT_FOUND', 'no such event');
    },
  },
  {
    method: 'GET',
    path: '/api/v1/commands',
    async handle({ store, query }) {
      query.rejectUnknown();
      return ok({ items: await store.listCommands() });
    },
  },
  {
    method: 'GET',
    path: '/api/v1/stats/minutes',
    async handle({ store, query }) {
      const now = Date.now();
      const since = query.time('since') ?? now - 3 * HOUR;
      query.rejectUnknown();
      // A bound on the scan: the chart is about the last hours, and each minute is counted from the event log.
      if (since < now - 24 * HOUR) throw new QueryError('since must be within the last 24 hours');
      return ok({ since: new Date(since).toISOString(), items: await store.minuteCounts(since) });
    },
  },
];
