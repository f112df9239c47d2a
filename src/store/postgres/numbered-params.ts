/**
 * PostgreSQL numbers its parameters (`$1`, `$2`…) where the shared page queries (page-query.ts) write `?`.
 * Safe because our SQL never holds a literal `?`: values always travel as parameters.
 */
export function numberedParams(sql: string, offset = 0): string {
  let n = offset;
  return sql.replace(/\?/g, () => `$${++n}`);
}
