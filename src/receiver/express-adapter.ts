import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Receiver } from './create-receiver.js';
import { handleNodeRequest } from './node-adapter.js';
import type { AdapterOptions, PrereadBody } from './node-adapter.js';
import { routeCallback } from './route-callback.js';

/** What Express adds to node's request that we read; no import of Express itself. */
export type ExpressLikeRequest = IncomingMessage & {
  originalUrl?: string;
  body?: unknown;
  /** Where a parser's `verify` hook (see keepRawBody) or another middleware left the exact bytes. */
  rawBody?: unknown;
};

/**
 * For `express.json({ verify: keepRawBody })` (or any body-parser): keeps the exact bytes beside the parsed body, so
 * that what is hashed and stored is what OpenIM sent.
 */
export function keepRawBody(req: IncomingMessage, _res: ServerResponse, buffer: Buffer): void {
  (req as ExpressLikeRequest).rawBody = buffer;
}

const RESERIALISED =
  'body re-serialised: a JSON body parser ran before openim-hooks without keepRawBody, the exact bytes are lost';

/**
 * The bytes of a request whose stream a body parser may already have read: its raw body if it kept one (`rawBody`,
 * or `express.raw()`'s Buffer, or `express.text()`'s string), else, for a parsed JSON body, its re-serialisation,
 * flagged in the event's warnings. Undefined when no parser ran: the stream is still there to read.
 */
function prereadBody(req: ExpressLikeRequest): PrereadBody | undefined {
  if (req.rawBody instanceof Uint8Array) return { body: req.rawBody };
  if (req.body instanceof Uint8Array) return { body: req.body };
  if (!req.readableEnded) return undefined;
  if (typeof req.body === 'string') return { body: Buffer.from(req.body, 'utf8') };
  if (req.body !== undefined)
    return { body: Buffer.from(JSON.stringify(req.body), 'utf8'), warnings: [RESERIALISED] };
  return { body: new Uint8Array(0) };
}

/**
 * Express middleware (4 or 5) for a receiver: answers everything under the receiver's base path and calls `next()`
 * for every other path. Mount it before any body parser and it reads the bytes itself; after one, give the parser
 * `verify: keepRawBody`, or it falls back to the parser's result (a JSON body is re-serialised and the event says so).
 *
 * @example
 * app.use(toExpressMiddleware(createReceiver({ recorder: store })));
 */
export function toExpressMiddleware(receiver: Receiver, options: AdapterOptions = {}) {
  return function openimCallbackMiddleware(
    req: ExpressLikeRequest,
    res: ServerResponse,
    next: (error?: unknown) => void,
  ): void {
    const url = req.originalUrl ?? req.url ?? '/';
    if (routeCallback(url, receiver.basePath).kind === 'outside') return next();
    handleNodeRequest(receiver, req, res, options, prereadBody(req)).catch(next);
  };
}
