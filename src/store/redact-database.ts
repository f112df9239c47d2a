/**
 * The `--database` value fit for logs and status pages: a URL's password, in its user part or as a `password`
 * parameter, becomes `***` (a file path stays as is).
 *
 * @example
 * redactDatabase('postgres://hooks:secret@db:5432/hooks'); // 'postgres://hooks:***@db:5432/hooks'
 */
export function redactDatabase(database: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(database)) return database;
  return database
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):[^/?#]*@/i, '$1:***@')
    .replace(/([?&]password=)[^&#]*/gi, '$1***');
}
