import { decodeSegment, normaliseBasePath, splitCallbackPath } from './callback-path.js';

export { normaliseBasePath } from './callback-path.js';

export type CallbackRoute =
  /** `{base}/{command}`: OpenIM v3.4.2 and later. */
  | { readonly kind: 'path'; readonly command: string }
  /** `{base}?command=…` (v3.0-v3.4.0) or the bare base with the command only in the body (v2.x). */
  | { readonly kind: 'base'; readonly command: string | undefined }
  | { readonly kind: 'outside' };

/**
 * Where a callback URL points. The query string is ignored (the docs' `?contenttype=json`, the `?key=` of message
 * callbacks), and so are empty segments: a trailing slash in OpenIM's `url` makes it post to `{base}//{command}`.
 */
export function routeCallback(url: string, basePath: string): CallbackRoute {
  const split = splitCallbackPath(url, normaliseBasePath(basePath));
  if (split === undefined) return { kind: 'outside' };
  const [first, ...more] = split.segments;
  if (first === undefined) {
    return { kind: 'base', command: new URLSearchParams(split.query.slice(1)).get('command') ?? undefined };
  }
  if (more.length > 0) return { kind: 'outside' };
  return { kind: 'path', command: decodeSegment(first) };
}
