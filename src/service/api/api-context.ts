import type { IncomingHttpHeaders } from 'node:http';
import { MAX_PAGE_SIZE } from '../../store/index.js';
import type { PageRequest, Store } from '../../store/index.js';
import type { Relay } from '../../sync/relay.js';
import type { EventFeed } from '../event-feed/event-feed.js';
import type { QueryParams } from '../query-params.js';
import type { ApiAnswer } from './api-answer.js';

/** What the service knows of a configured sink beyond the relay's status. */
export interface SinkInfo {
  readonly name: string;
  /** A Standard Webhooks secret this service generated and keeps in the database (none configured). */
  readonly generatedSecret?: string;
  /** Marked `unsigned: true`: sent without a signature on purpose. */
  readonly unsigned: boolean;
}

/** Everything a route may use. */
export interface ApiContext {
  readonly store: Store;
  readonly relay: Relay | undefined;
  readonly sinks: readonly SinkInfo[];
  readonly feed: EventFeed;
  readonly query: QueryParams;
  /** The path's `{name}` parameters, decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  /** The OpenAPI document of this service (its basePath is in it). */
  readonly openapi: () => unknown;
}

export interface ApiRoute {
  readonly method: 'GET' | 'POST';
  /** OpenAPI path template. */
  readonly path: string;
  handle(context: ApiContext): Promise<ApiAnswer>;
}

/** limit, cursor and order, as every list takes them. */
export function pageRequest(query: QueryParams): PageRequest {
  const page: PageRequest = {};
  const limit = query.integer('limit', 1, MAX_PAGE_SIZE);
  const cursor = query.string('cursor');
  const order = query.oneOf('order', ['asc', 'desc'] as const);
  if (limit !== undefined) page.limit = limit;
  if (cursor !== undefined) page.cursor = cursor;
  if (order !== undefined) page.order = order;
  return page;
}
