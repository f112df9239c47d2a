export type CallbackRoute =
  /** `{base}/{command}`: OpenIM v3.4.2 and later. */
  | { readonly kind: 'path'; readonly command: string }
  /** `{base}?command=…` (v3.0-v3.4.0) or the bare base with the command only in the body (v2.x). */
  | { readonly kind: 'base'; readonly command: string | undefined }
  | { readonly kind: 'outside' };

/** Normalises a base path: leading slash, no trailing slash; "/" and "" both mean the root. */
export function normaliseBasePath(basePath: string): string {
  const trimmed = basePath.replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/**
 * Where a callback URL points. The query string is ignored (the docs' `?contenttype=json`, the `?key=` of message
 * callbacks), and so are empty segments: a trailing slash in OpenIM's `url` makes it post to `{base}//{command}`.
 */
export function routeCallback(url: string, basePath: string): CallbackRoute {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const base = normaliseBasePath(basePath);
  if (path !== base && !path.startsWith(`${base}/`)) return { kind: 'outside' };
  const segments = path
    .slice(base.length)
    .split('/')
    .filter((segment) => segment !== '');
  if (segments.length === 0) {
    const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
    return { kind: 'base', command: query.get('command') ?? undefined };
  }
  if (segments.length > 1) return { kind: 'outside' };
  return { kind: 'path', command: decodeSegment(segments[0] ?? '') };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
