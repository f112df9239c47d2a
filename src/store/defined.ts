/**
 * The entries of `value` that are set. Filters come from optional flags and query parameters, and with
 * `exactOptionalPropertyTypes` an optional filter field must be absent, not undefined.
 */
export function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}
