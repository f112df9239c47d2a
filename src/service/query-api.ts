import { InvalidCursorError, isConnectionError } from '../store/index.js';
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
    let pathMatched = false;
    for (const route of API_ROUTES) {
      const params = matchPath(route.path, url.pathname);
      if (!params) continue;
      pathMatched = true;
      if (route.method !== asked) continue;
      return await route.handle({ ...context, query: new QueryParams(url.searchParams), params });
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
