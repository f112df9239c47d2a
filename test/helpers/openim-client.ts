import { SEED_COMMAND, SUCCESS_BODY, singleChatBody } from '../fixtures/seed.js';
import { request } from 'node:http';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * POSTs the way OpenIM's Go client does: `url + "/" + command`, its headers in Go's order and spelling
 * (`Operationid`, `User-Agent: Go-http-client/1.1`, `Accept-Encoding: gzip`), the body bytes untouched.
 */
export function postLikeOpenIM(
  url: string,
  body: string | Uint8Array,
  options: { operationID?: string; headers?: Record<string, string>; method?: string } = {},
): Promise<Answer> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  const headers: Record<string, string> = {
    'User-Agent': 'Go-http-client/1.1',
    'Content-Length': String(bytes.byteLength),
    'Content-Type': 'application/json; charset=utf-8',
    Operationid: options.operationID ?? '',
    'Accept-Encoding': 'gzip',
    ...options.headers,
  };
  return sendRequest(url, { method: options.method ?? 'POST', headers, body: bytes });
}

/**
 * One HTTP request with exactly the headers given (a Host or an Origin that fetch would not let a test set), the
 * whole answer read; the helper under postLikeOpenIM. Gives up after `timeoutMs` (default 10 s).
 */
export function sendRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Uint8Array; timeoutMs?: number } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(options.timeoutMs ?? 10_000, () => req.destroy(new Error('no answer in time')));
    req.end(options.body);
  });
}

/**
 * Posts `count` distinct after-callbacks (owners `<prefix>0`, `<prefix>1`, …, operationIDs `<prefix>-<i>`) one after
 * another, as OpenIM would for new chats; resolves with how many were acknowledged with the success package.
 */
export async function sendUniqueCallbacks(
  serviceUrl: string,
  prefix: string,
  count: number,
): Promise<number> {
  let acked = 0;
  for (let i = 0; i < count; i++) {
    const body = singleChatBody(`${prefix}${i}`, 'peer');
    const answer = await postLikeOpenIM(`${serviceUrl}/callbackExample/${SEED_COMMAND}`, body, {
      operationID: `${prefix}-${i}`,
    }).catch(() => undefined); // refused or cut (a service being killed): not acknowledged
    if (answer?.body === SUCCESS_BODY) acked += 1;
  }
  return acked;
}
