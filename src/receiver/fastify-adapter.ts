import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Receiver } from './create-receiver.js';
import { errorAnswer } from './json-answer.js';
import { nodeAdapterRequest } from './node-adapter.js';
import type { AdapterOptions } from './node-adapter.js';
import { receiveCallback } from './receive-callback.js';
import { normaliseBasePath } from './route-callback.js';
import type { RawResponse } from './raw-exchange.js';

/** The parts of Fastify's request and reply the plugin uses; no import of Fastify itself. */
interface FastifyRequestLike {
  readonly raw: IncomingMessage;
}
interface FastifyReplyLike {
  readonly raw: ServerResponse;
  code(status: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(payload: string): FastifyReplyLike;
}
type Handler = (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown>;
interface FastifyLike {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    type: string,
    parser: (request: unknown, payload: unknown, done: (error: Error | null) => void) => void,
  ): void;
  setErrorHandler(
    handler: (error: { code?: string }, request: unknown, reply: FastifyReplyLike) => unknown,
  ): unknown;
  route(options: { method: string[]; url: string; handler: Handler }): unknown;
}

const METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS'];

function send(reply: FastifyReplyLike, response: Pick<RawResponse, 'status' | 'headers' | 'body'>) {
  return reply.code(response.status).headers(response.headers).send(response.body);
}

/**
 * A Fastify (5) plugin for a receiver: routes `{basePath}` and `{basePath}/*` for every method, and, in its own
 * encapsulated context, leaves every body unparsed: the receiver reads the request's stream itself, as the node
 * adapter does, so the bytes are exact and the size limit is the receiver's. Fastify's own refusals are answered
 * with our package too.
 *
 * @example
 * await app.register(fastifyOpenimHooks(createReceiver({ recorder: store })));
 */
export function fastifyOpenimHooks(receiver: Receiver, options: AdapterOptions = {}) {
  const base = normaliseBasePath(receiver.basePath);
  return async function openimHooksPlugin(fastify: FastifyLike): Promise<void> {
    fastify.removeAllContentTypeParsers();
    // No parser: the stream stays unread for the handler.
    fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
    fastify.setErrorHandler((error, _request, reply) =>
      send(reply, errorAnswer('HANDLER_FAILED', `${error.code ?? 'error'} while answering`)),
    );
    const handler: Handler = async (request, reply) => {
      const response = await receiveCallback(receiver, nodeAdapterRequest(request.raw, reply.raw));
      options.onOutcome?.(response.outcome);
      return send(reply, response);
    };
    for (const url of [base === '' ? '/' : base, `${base}/*`])
      fastify.route({ method: METHODS, url, handler });
  };
}
