import { encodeGoJson } from '../protocol/index.js';

/** The three message callbacks OpenIM posts with `?key=` (since Feb 2025, #3151 and #3578). */
export const KEYED_COMMANDS: ReadonlySet<string> = new Set([
  'callbackAfterSendSingleMsgCommand',
  'callbackAfterSendGroupMsgCommand',
  'callbackAfterMsgSaveDBCommand',
]);

/** Go's url.QueryEscape: everything but letters, digits and `-_.~` percent-encoded, a space as `+`. */
function queryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Go's url.ParseQuery of a raw query, kept as ordered pairs of decoded strings. */
function parseQuery(raw: string): [string, string][] {
  const decode = (part: string): string => {
    try {
      return decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      return part;
    }
  };
  return raw
    .split('&')
    .filter((pair) => pair !== '' && !pair.includes(';'))
    .map((pair) => {
      const at = pair.indexOf('=');
      return at < 0 ? [decode(pair), ''] : [decode(pair.slice(0, at)), decode(pair.slice(at + 1))];
    });
}

/**
 * The target of a keyed message callback as OpenIM builds it: `url/command`, parsed, its query re-encoded by Go's
 * `Values.Encode` (keys sorted, values escaped) with `key` set to the standard base64 of the JSON
 * `{"sendID","recvID","groupID"}` taken from the body. Other commands: `url/command` unchanged.
 */
export function messageKeyTarget(target: string, command: string, requestBody: string): string {
  if (!KEYED_COMMANDS.has(command)) return target;
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(requestBody) as Record<string, unknown>;
  } catch {
    // not JSON: the ids stay empty
  }
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const json = encodeGoJson({
    sendID: text(body['sendID']),
    recvID: text(body['recvID']),
    groupID: text(body['groupID']),
  }).trimEnd();
  const key = Buffer.from(json, 'utf8').toString('base64');
  const hash = target.indexOf('#');
  const base = hash < 0 ? target : target.slice(0, hash);
  const question = base.indexOf('?');
  const path = question < 0 ? base : base.slice(0, question);
  const pairs = parseQuery(question < 0 ? '' : base.slice(question + 1)).filter(([name]) => name !== 'key');
  pairs.push(['key', key]);
  const names = [...new Set(pairs.map(([name]) => name))].sort();
  const query = names
    .flatMap((name) =>
      pairs.filter(([n]) => n === name).map(([, value]) => `${queryEscape(name)}=${queryEscape(value)}`),
    )
    .join('&');
  return `${path}?${query}`;
}
