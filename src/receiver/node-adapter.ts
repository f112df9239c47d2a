import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Receiver } from './create-receiver.js';
import type { Outcome, RawResponse } from './raw-exchange.js';
import { readNodeBody } from './read-limited-body.js';

export interface AdapterOptions {
  /** Called once per request with what happened (for logs and metrics). */
  onOutcome?: (outcome: Outcome) => void;
}

/** Reads the body (bounded by the receiver's limit, checked on Content-Length first), then lets the core answer. */
export async function handleNodeRequest(
  receiver: Receiver,
  req: IncomingMessage,
  res: ServerResponse,
  options: AdapterOptions = {},
): Promise<void> {
  const declared = Number(req.headers['content-length']);
  const read =
    declared > receiver.maxBodyBytes
      ? ({ ok: false, reason: 'too-large' } as const)
      : await readNodeBody(req, receiver.maxBodyBytes);
  const response = await receiver.handle({
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    header: (name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    body: read.ok ? read.body : null,
  });
  if (!read.ok) {
    // Stop reading an oversized body: answer, then close the connection rather than drain it into memory.
    req.resume();
    res.setHeader('connection', 'close');
  }
  writeRawResponse(res, response);
  options.onOutcome?.(response.outcome);
}

/** Content-Length is counted in bytes: an errMsg in Chinese is longer in UTF-8 than in UTF-16 code units. */
export function writeRawResponse(res: ServerResponse, response: Pick<RawResponse, 'status' | 'headers' | 'body'>): void {
  const body = Buffer.from(response.body, 'utf8');
  const headers: string[] = ['content-length', String(body.byteLength)];
  for (const [name, value] of Object.entries(response.headers)) headers.push(name, value);
  res.writeHead(response.status, headers);
  res.end(body);
}

/**
 * A node:http request listener for a receiver.
 *
 * @example
 * http.createServer(toNodeListener(createReceiver({ recorder: store }))).listen(10006, '127.0.0.1');
 */
export function toNodeListener(receiver: Receiver, options: AdapterOptions = {}) {
  return function openimCallbackListener(req: IncomingMessage, res: ServerResponse): void {
    void handleNodeRequest(receiver, req, res, options);
  };
}
