/**
 * The request headers of OpenIM's Go client, in the order and spelling Go's HTTP/1.1 writer uses: Host, User-Agent,
 * Content-Length, then the set headers sorted (`Content-Type`, `Operationid`, Go's canonical form of `operationID`,
 * sent even when empty), then `Accept-Encoding: gzip`. As a flat [name, value, ...] list for node:http.
 * Node adds one line Go does not send: `Connection: keep-alive`. `extra` ([name, value, ...]) is for what OpenIM
 * never sends, such as reliable mode's event id.
 */
export function goRequestHeaders(
  host: string,
  contentLength: number,
  operationID: string,
  extra: readonly string[] = [],
): string[] {
  return [
    'Host',
    host,
    'User-Agent',
    'Go-http-client/1.1',
    'Content-Length',
    String(contentLength),
    'Content-Type',
    'application/json; charset=utf-8',
    'Operationid',
    operationID,
    'Accept-Encoding',
    'gzip',
    ...extra,
  ];
}
