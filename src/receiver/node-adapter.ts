import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Receiver } from './create-receiver.js';
import type { Outcome, RawResponse } from './raw-exchange.js';
import { readNodeBody } from './read-limited-body.js';

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
 * Reads the body (bounded by the receiver's limit, checked on Content-Length first), then lets the core answer.
 * `preread`: the stream was consumed by a body parser; these are its bytes.
 */
export async function handleNodeRequest(
  receiver: Receiver,
  req: IncomingMessage,
  res: ServerResponse,
  options: AdapterOptions = {},
  preread?: PrereadBody,
): Promise<void> {
  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  const remoteAddress = req.socket.remoteAddress;
  const admitted = receiver.admit({ header, remoteAddress });
  if (!admitted.ok) {
    // Refused before reading: close rather than drain whatever body follows.
    res.setHeader('connection', 'close');
    writeRawResponse(res, admitted.response);
    options.onOutcome?.(admitted.response.outcome);
    return;
  }
  try {
    await answer(receiver, req, res, header, remoteAddress, options, preread);
  } finally {
    admitted.release();
  }
}

async function answer(
  receiver: Receiver,
  req: IncomingMessage,
  res: ServerResponse,
  header: (name: string) => string | undefined,
  remoteAddress: string | undefined,
  options: AdapterOptions,
  preread: PrereadBody | undefined,
): Promise<void> {
  const declared = Number(req.headers['content-length']);
  const read = preread
    ? preread.body.byteLength > receiver.maxBodyBytes
      ? ({ ok: false, reason: 'too-large' } as const)
      : ({ ok: true, body: preread.body } as const)
    : declared > receiver.maxBodyBytes
      ? ({ ok: false, reason: 'too-large' } as const)
      : await readNodeBody(req, receiver.maxBodyBytes);
  const response = await receiver.handle({
    method: req.method ?? 'GET',
    // Express mounts rewrite req.url; originalUrl is what was asked for.
    url: (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/',
    header,
    body: read.ok ? read.body : null,
    remoteAddress,
    ...(preread?.warnings ? { warnings: preread.warnings } : {}),
  });
  if (!read.ok && !preread) {
    // Stop reading an oversized body: answer, then close the connection rather than drain it into memory.
    res.setHeader('connection', 'close');
    closeAfterAnswer(req, res, 64 * 1024);
  }
  writeRawResponse(res, response);
  options.onOutcome?.(response.outcome);
}

/**
 * After answering an oversized request: read and drop at most `budget` more bytes, then cut the connection after a
 * second (a client still writing its body gets to read our answer first instead of a reset).
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
