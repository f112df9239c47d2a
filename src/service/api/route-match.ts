/**
 * Matches a path against an OpenAPI-style template (`/api/v1/events/{eventId}`): literal segments must be equal,
 * `{name}` takes one segment, possibly empty (a group's conversation has an empty owner: `conversations//sg_1`).
 * Resolves with the decoded parameters, or undefined. Throws URIError on a malformed escape.
 */
export function matchPath(template: string, pathname: string): Record<string, string> | undefined {
  const want = template.split('/');
  const got = pathname.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const [pattern, segment] = [want[i] ?? '', got[i] ?? ''];
    const name = /^\{(\w+)\}$/.exec(pattern)?.[1];
    if (name !== undefined) params[name] = decodeURIComponent(segment);
    else if (pattern !== segment) return undefined;
  }
  return params;
}
