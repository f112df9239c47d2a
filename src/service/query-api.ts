import { ERROR_CODES } from '../protocol/index.js';
import type { ErrorName } from '../protocol/index.js';
import { defined, InvalidCursorError, isConnectionError, MAX_PAGE_SIZE } from '../store/index.js';
import type { PageRequest, Store } from '../store/index.js';
import { QueryError, QueryParams } from './query-params.js';
import { answerSyncRequest } from './sync-api.js';
import type { Relay } from '../sync/relay.js';

export interface ApiAnswer {
  status: number;
  body: unknown;
}

const PREFIX = '/api/v1/';

function apiError(name: ErrorName, errDlt: string): ApiAnswer {
  const { status, errCode, errMsg } = ERROR_CODES[name];
  return { status, body: { errCode, errMsg, errDlt } };
}

function pageRequest(query: QueryParams): PageRequest {
  const page: PageRequest = {};
  const limit = query.integer('limit', 1, MAX_PAGE_SIZE);
  const cursor = query.string('cursor');
  const order = query.oneOf('order', ['asc', 'desc'] as const);
  if (limit !== undefined) page.limit = limit;
  if (cursor !== undefined) page.cursor = cursor;
  if (order !== undefined) page.order = order;
  return page;
}

async function route(store: Store, path: string, query: QueryParams): Promise<ApiAnswer> {
  const rest = path.slice(PREFIX.length);
  if (rest === 'conversations') {
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
    return { status: 200, body: await store.listConversations(filter) };
  }
  if (rest.startsWith('conversations/')) {
    // Group rows have an empty ownerUserId: /api/v1/conversations//sg_123 is their address.
    const key = rest.slice('conversations/'.length);
    const slash = key.indexOf('/');
    if (slash === -1)
      return apiError('NOT_FOUND', 'use /api/v1/conversations/{ownerUserId}/{conversationId}');
    query.rejectUnknown();
    const [ownerUserId, conversationId] = [key.slice(0, slash), key.slice(slash + 1)].map(decodeURIComponent);
    const found = await store.getConversation(ownerUserId ?? '', conversationId ?? '');
    return found ? { status: 200, body: found } : apiError('NOT_FOUND', 'no such conversation');
  }
  if (rest === 'events') {
    const filter = defined({
      ...pageRequest(query),
      command: query.string('command'),
      operationID: query.string('operationID'),
      receivedAfter: query.time('receivedAfter'),
      receivedBefore: query.time('receivedBefore'),
    });
    query.rejectUnknown();
    return { status: 200, body: await store.listEvents(filter) };
  }
  if (rest === 'commands') {
    query.rejectUnknown();
    return { status: 200, body: { items: await store.listCommands() } };
  }
  return apiError('NOT_FOUND', `no API route ${path}`);
}

/** How long a `consistent=true` read waits for the projection. */
const CONSISTENT_WAIT_MS = 10_000;

async function caughtUpWithin(store: Store, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([store.caughtUp().then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The read-only query API under /api/v1/. Answers use OpenIM's JSON names, never column names. */
export async function answerApiRequest(
  store: Store,
  method: string,
  url: URL,
  relay?: Relay,
): Promise<ApiAnswer> {
  try {
    const query = new QueryParams(url.searchParams);
    // Reads see the projections, which trail the acknowledgements a little; `consistent=true` waits until they
    // hold everything acknowledged before this request. A replay always does: it selects among recorded events.
    const consistent = query.oneOf('consistent', ['true', 'false'] as const) === 'true';
    if (consistent || url.pathname === `${PREFIX}replay`) {
      if (!(await caughtUpWithin(store, CONSISTENT_WAIT_MS))) {
        return apiError('PROJECTION_BEHIND', `not caught up after ${CONSISTENT_WAIT_MS / 1000} s`);
      }
    }
    const synced = await answerSyncRequest(
      store,
      relay,
      method,
      url.pathname.slice(PREFIX.length),
      query,
      pageRequest,
    );
    if (synced) return synced;
    if (url.pathname === `${PREFIX}replay`) {
      return method === 'POST'
        ? apiError('INVALID_QUERY', 'replay needs eventId, receivedAfter/receivedBefore or dead=true')
        : apiError('METHOD_NOT_ALLOWED', 'replay is a POST');
    }
    if (method !== 'GET' && method !== 'HEAD')
      return apiError('METHOD_NOT_ALLOWED', 'the query API is read-only: GET');
    return await route(store, url.pathname, query);
  } catch (error) {
    if (error instanceof QueryError || error instanceof InvalidCursorError || error instanceof URIError) {
      return apiError('INVALID_QUERY', error.message);
    }
    // PostgreSQL unreachable: a clear 503 (callbacks are still acknowledged from the spool meanwhile).
    if (isConnectionError(error)) return apiError('STORAGE_UNAVAILABLE', (error as Error).message);
    throw error;
  }
}

export function isApiPath(pathname: string): boolean {
  return pathname.startsWith(PREFIX);
}
