import { decodeCursor, encodeCursor } from './cursor.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './store.js';
import type {
  AttemptFilter,
  ConversationFilter,
  DeliveryFilter,
  EventFilter,
  Page,
  PageRequest,
} from './store.js';

/** A WHERE clause built from named conditions; values always travel as parameters, never inside the SQL. */
export interface Condition {
  readonly sql: string;
  readonly value: unknown;
}

export class InvalidCursorError extends Error {}

/** The keyset-pagination part of a query: conditions, ORDER BY and LIMIT for one page of rows ordered by id. */
export function pageQuery(page: PageRequest, conditions: Condition[]) {
  const limit = Math.min(Math.max(page.limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  const descending = page.order === 'desc';
  const all = [...conditions];
  if (page.cursor !== undefined) {
    const lastId = decodeCursor(page.cursor);
    if (lastId === undefined) throw new InvalidCursorError('cursor is not one this server made');
    all.push({ sql: descending ? 'id < ?' : 'id > ?', value: lastId });
  }
  const where = all.length > 0 ? `WHERE ${all.map((c) => c.sql).join(' AND ')}` : '';
  return {
    // One row more than asked tells whether a next page exists without a COUNT.
    clause: `${where} ORDER BY id ${descending ? 'DESC' : 'ASC'} LIMIT ${limit + 1}`,
    params: all.map((c) => c.value),
    limit,
  };
}

export function toPage<Row extends { id: number }, T>(
  rows: Row[],
  limit: number,
  map: (row: Row) => T,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(map), nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}

/** Conditions for the filters that are set, skipping undefined ones. */
export function conditions(entries: [sql: string, value: unknown][]): Condition[] {
  return entries.filter(([, value]) => value !== undefined).map(([sql, value]) => ({ sql, value }));
}

/** One page of conversations: the same SQL (with `?` placeholders) for both backends. */
export function conversationsPage(filter: ConversationFilter) {
  const page = pageQuery(
    filter,
    conditions([
      ['owner_user_id = ?', filter.ownerUserId],
      ['user_id = ?', filter.userId],
      ['group_id = ?', filter.groupId],
      ['conversation_id = ?', filter.conversationId],
      ['conversation_type = ?', filter.conversationType],
      ['last_seen_at >= ?', filter.seenAfter],
      ['last_seen_at < ?', filter.seenBefore],
    ]),
  );
  return { ...page, sql: `SELECT * FROM conversations ${page.clause}` };
}

/** One page of the event log. */
export function eventsPage(filter: EventFilter) {
  const page = pageQuery(
    filter,
    conditions([
      ['command = ?', filter.command],
      ['operation_id = ?', filter.operationID],
      ['received_at >= ?', filter.receivedAfter],
      ['received_at < ?', filter.receivedBefore],
    ]),
  );
  return { ...page, sql: `SELECT * FROM events ${page.clause}` };
}

/** One page of deliveries. */
export function deliveriesPage(filter: DeliveryFilter) {
  const page = pageQuery(
    filter,
    conditions([
      ['sink = ?', filter.sink],
      ['status = ?', filter.status],
      ['event_id = ?', filter.eventId],
    ]),
  );
  return { ...page, sql: `SELECT * FROM deliveries ${page.clause}` };
}

/** One page of the attempt history. */
export function attemptsPage(filter: AttemptFilter) {
  const page = pageQuery(
    filter,
    conditions([
      ['sink = ?', filter.sink],
      ['delivery_id = ?', filter.deliveryId],
      ['event_id = ?', filter.eventId],
    ]),
  );
  return { ...page, sql: `SELECT * FROM delivery_attempts ${page.clause}` };
}
