/** What Go's client makes of a target URL: where to connect and what goes into the request line and headers. */
export interface GoTarget {
  readonly url: URL;
  /** The Host header: the authority as written (Go keeps an explicit default port and the letter case). */
  readonly host: string;
  /** `Basic …` when the URL carries user info: Go's client sets it from the URL (docs/protocol.md §1.2). */
  readonly authorization: string | undefined;
  /** Request-target: path and query. */
  readonly path: string;
}

const AUTHORITY = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]*)/i;

const CACHE = new Map<string, GoTarget>();
const CACHE_SIZE = 256;

/**
 * Parses `target` as Go's http.NewRequest + Client do; throws on a URL that cannot be parsed. The last few targets
 * are remembered: a load run posts to the same one thousands of times a second.
 */
export function goTarget(target: string): GoTarget {
  const cached = CACHE.get(target);
  if (cached !== undefined) return cached;
  const parsed = parseGoTarget(target);
  if (CACHE.size >= CACHE_SIZE) CACHE.clear();
  CACHE.set(target, parsed);
  return parsed;
}

function parseGoTarget(target: string): GoTarget {
  const url = new URL(target);
  const host = AUTHORITY.exec(target)?.[1] ?? url.host;
  const hasUser =
    url.username !== '' || url.password !== '' || /^[a-z][a-z0-9+.-]*:\/\/[^@/?#]*@/i.test(target);
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return {
    url,
    host,
    authorization: hasUser ? `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` : undefined,
    path: `${url.pathname}${url.search}`,
  };
}
