import { decodeCursor, encodeCursor } from './cursor.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './store.js';
import type { Page, PageRequest } from './store.js';

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
