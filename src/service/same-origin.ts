import type { IncomingHttpHeaders } from 'node:http';

/**
 * A write (POST) must come from this service's own pages or from a client that is not a browser. Browsers send
 * `Origin` (and `Sec-Fetch-Site`) with every POST: a page of another site, or of another local port, is refused even
 * on loopback, where the API has no token (the bearer token itself cannot be sent cross-site by a browser).
 * Returns why a write is refused, or undefined.
 */
export function crossOriginWrite(method: string, headers: IncomingHttpHeaders): string | undefined {
  if (method !== 'POST') return undefined;
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `a ${site} write is refused`;
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return 'the Origin header is not a URL';
  }
  return host === headers.host ? undefined : 'a write from another origin is refused';
}
