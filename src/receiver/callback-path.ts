/** Normalises a base path: leading slash, no trailing slash; "/" and "" both mean the root. */
export function normaliseBasePath(basePath: string): string {
  const trimmed = basePath.replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** A callback URL cut at the base path: the segments after it, and the query string (with its `?`). */
export interface CallbackPath {
  readonly segments: readonly string[];
  readonly query: string;
}

/**
 * The one place a callback URL is split (the router and the path-secret check both read it). Empty segments are
 * dropped: a trailing slash in OpenIM's `url` makes it post to `{base}//{command}`. Undefined outside the base.
 * `base` is already normalised.
 */
export function splitCallbackPath(url: string, base: string): CallbackPath | undefined {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  if (path !== base && !path.startsWith(`${base}/`)) return undefined;
  return {
    segments: path
      .slice(base.length)
      .split('/')
      .filter((segment) => segment !== ''),
    query: queryStart === -1 ? '' : url.slice(queryStart),
  };
}

/** A path segment as OpenIM meant it; one that does not decode is taken as sent. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
