import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BodyRead, AdapterRequest } from './adapter-request.js';
import type { Receiver } from './create-receiver.js';
import type { Outcome, RawResponse } from './raw-exchange.js';
import { readNodeBody } from './read-limited-body.js';
import { receiveCallback } from './receive-callback.js';

export interface AdapterOptions {
  /** Called once per request with what happened (for logs and metrics). */
  onOutcome?: (outcome: Outcome) => void;
  /** Web adapter only: the client's socket address (Request has none), for allow-lists and rate limits. */
  remoteAddress?: (request: Request) => string | undefined;
}

/** A body some earlier middleware already read, with what to record about how it was obtained. */
export interface PrereadBody {
  readonly body: Uint8Array;
  readonly warnings?: readonly string[];
}

/**
 * A node:http request as the receiver reads it. `preread`: the stream was consumed by a body parser; these are its
 * bytes, and there is nothing left to stop.
 */
export function nodeAdapterRequest(
  req: IncomingMessage,
  res: ServerResponse,
  preread?: PrereadBody,
): AdapterRequest {
  return {
    method: req.method ?? 'GET',
    // Express mounts rewrite req.url; originalUrl is what was asked for.
    url: (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/',
    header(name) {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    remoteAddress: req.socket.remoteAddress,
    readBody: preread
      ? async (limit): Promise<BodyRead> =>
          preread.body.byteLength > limit ? { ok: false, reason: 'too-large' } : { ok: true, ...preread }
      : (limit) => readNodeBody(req, limit),
    discardBody() {
      if (preread) return;
      // Stop reading a refused or oversized body: answer, then close the connection rather than drain it.
      res.setHeader('connection', 'close');
      closeAfterAnswer(req, res, 64 * 1024);
    },
  };
}

/** Lets the receiver answer one node:http request, and writes the answer. */
export async function handleNodeRequest(
  receiver: Receiver,
  req: IncomingMessage,
  res: ServerResponse,
  options: AdapterOptions = {},
  preread?: PrereadBody,
): Promise<void> {
  const response = await receiveCallback(receiver, nodeAdapterRequest(req, res, preread));
  writeRawResponse(res, response);
  options.onOutcome?.(response.outcome);
}

/**
 * After answering a refused or oversized request: read and drop at most `budget` more bytes, then cut the
 * connection after a second (a client still writing its body gets to read our answer first instead of a reset).
 */
function closeAfterAnswer(req: IncomingMessage, res: ServerResponse, budget: number): void {
  res.once('finish', () => {
    let drained = 0;
    const cut = () => {
      clearTimeout(timer);
      req.socket.destroy();
    };
    const timer = setTimeout(cut, 1000);
    timer.unref();
    req.on('data', (chunk: Buffer) => {
      drained += chunk.byteLength;
      // Past the budget, stop reading; the timer cuts the connection, leaving the client time to read our answer.
      if (drained > budget) req.pause();
    });
    req.once('end', () => clearTimeout(timer));
    req.resume();
  });
}

/** Content-Length is counted in bytes: an errMsg in Chinese is longer in UTF-8 than in UTF-16 code units. */
export function writeRawResponse(
  res: ServerResponse,
  response: Pick<RawResponse, 'status' | 'headers' | 'body'>,
): void {
  const body = response.body;
  const headers: string[] = ['content-length', String(Buffer.byteLength(body, 'utf8'))];
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
