import { InvalidCursorError, isConnectionError } from '../store/index.js';
import type { Store } from '../store/index.js';
import { apiError } from './api/api-answer.js';
import type { ApiAnswer } from './api/api-answer.js';
import type { ApiContext, ApiRoute } from './api/api-context.js';
import { QUERY_ROUTES } from './api/query-routes.js';
import { matchPath } from './api/route-match.js';
import { SYNC_ROUTES } from './api/sync-routes.js';
import { QueryError, QueryParams } from './query-params.js';

const PREFIX = '/api/v1/';

/** Every route of the query and sync API; the OpenAPI document must describe each (a test holds them together). */
export const API_ROUTES: readonly ApiRoute[] = [
  ...QUERY_ROUTES,
  ...SYNC_ROUTES,
  {
    method: 'GET',
    path: '/api/v1/openapi.json',
    async handle({ query, openapi }) {
      query.rejectUnknown();
      return { status: 200, body: openapi() };
    },
  },
];

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

/**
 * The query API under /api/v1/: reads with GET, operations (replay, retry, enable) with POST. Answers use OpenIM's
 * JSON names, never column names; every error is a JSON package with a non-zero errCode.
 */
export async function answerApiRequest(
  context: Omit<ApiContext, 'query' | 'params'>,
  method: string,
  url: URL,
): Promise<ApiAnswer> {
  try {
    const asked = method === 'HEAD' ? 'GET' : method;
    const query = new QueryParams(url.searchParams);
    // Reads see the projections, which trail the acknowledgements a little; `consistent=true` waits until they
    // hold everything acknowledged before this request. A replay always does: it selects among recorded events.
    const consistent = query.oneOf('consistent', ['true', 'false'] as const) === 'true';
    if (consistent || url.pathname === `${PREFIX}replay`) {
      if (!(await caughtUpWithin(context.store, CONSISTENT_WAIT_MS))) {
        return apiError('PROJECTION_BEHIND', `not caught up after ${CONSISTENT_WAIT_MS / 1000} s`);
      }
    }
    let pathMatched = false;
    for (const route of API_ROUTES) {
      const params = matchPath(route.path, url.pathname);
      if (!params) continue;
      pathMatched = true;
      if (route.method !== asked) continue;
      return await route.handle({ ...context, query, params });
    }
    if (pathMatched) {
      const allowed = API_ROUTES.filter((r) => matchPath(r.path, url.pathname)).map((r) => r.method);
      return apiError('METHOD_NOT_ALLOWED', `${url.pathname} takes ${[...new Set(allowed)].join(', ')}`);
    }
    return apiError('NOT_FOUND', `no API route ${url.pathname}`);
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
