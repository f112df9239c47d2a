export interface GoHeaderInput {
  readonly host: string;
  /** null for a GET after a redirect: Go sends no Content-Length without a body. */
  readonly contentLength: number | null;
  readonly operationID: string;
  readonly authorization?: string | undefined;
  /** Set by Go on redirects: the URL of the previous request. */
  readonly referer?: string | undefined;
  /** What OpenIM never sends, such as reliable mode's event id, as [name, value, ...]. */
  readonly extra?: readonly string[] | undefined;
}

/**
 * The request headers of OpenIM's Go client, in the order and spelling Go's HTTP/1.1 writer uses: Host,
 * User-Agent, Content-Length, then the set headers sorted by name (`Authorization` from the URL's user info,
 * `Content-Type`, `Operationid` — Go's canonical form of `operationID`, sent even when empty — and `Referer` after a
 * redirect), then `Accept-Encoding: gzip`, and nothing else (no Connection header). As a flat [name, value, ...]
 * list.
 */
export function goRequestHeaders(input: GoHeaderInput): string[] {
  const headers = ['Host', input.host, 'User-Agent', 'Go-http-client/1.1'];
  if (input.contentLength !== null) headers.push('Content-Length', String(input.contentLength));
  if (input.authorization !== undefined) headers.push('Authorization', input.authorization);
  headers.push('Content-Type', 'application/json; charset=utf-8', 'Operationid', input.operationID);
  if (input.referer !== undefined) headers.push('Referer', input.referer);
  headers.push('Accept-Encoding', 'gzip', ...(input.extra ?? []));
  return headers;
}
