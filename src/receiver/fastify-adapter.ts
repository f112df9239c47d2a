import type { IncomingMessage } from 'node:http';
import type { Receiver } from './create-receiver.js';
import { errorAnswer } from './json-answer.js';
import type { AdapterOptions } from './node-adapter.js';
import { normaliseBasePath } from './route-callback.js';
import type { RawResponse } from './raw-exchange.js';

/** The parts of Fastify's request and reply the plugin uses; no import of Fastify itself. */
interface FastifyRequestLike {
  readonly method: string;
  readonly url: string;
  readonly body: unknown;
  readonly headers: IncomingMessage['headers'];
  readonly raw: IncomingMessage;
}
interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(payload: string): FastifyReplyLike;
}
type Handler = (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown>;
interface FastifyLike {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    type: string,
    options: { parseAs: 'buffer'; bodyLimit: number },
    parser: (request: unknown, body: Buffer, done: (error: Error | null, body?: Buffer) => void) => void,
  ): void;
  addHook(name: 'onRequest' | 'onResponse', hook: Handler): unknown;
  setErrorHandler(
    handler: (error: { code?: string }, request: unknown, reply: FastifyReplyLike) => unknown,
  ): unknown;
  route(options: { method: string[]; url: string; handler: Handler }): unknown;
}

const METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS'];

function header(request: FastifyRequestLike) {
  return (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
}

function send(reply: FastifyReplyLike, response: Pick<RawResponse, 'status' | 'headers' | 'body'>) {
  return reply.code(response.status).headers(response.headers).send(response.body);
}

/**
 * A Fastify (5) plugin for a receiver: routes `{basePath}` and `{basePath}/*` for every method, and, in its own
 * encapsulated context, takes every body as the raw Buffer (no JSON parser runs, so the bytes are exact). Fastify's
 * own refusals (a body over the limit) are answered with our package too.
 *
 * @example
 * await app.register(fastifyOpenimHooks(createReceiver({ recorder: store })));
 */
export function fastifyOpenimHooks(receiver: Receiver, options: AdapterOptions = {}) {
  const base = normaliseBasePath(receiver.basePath);
  const releases = new WeakMap<IncomingMessage, () => void>();
  return async function openimHooksPlugin(fastify: FastifyLike): Promise<void> {
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: receiver.maxBodyBytes },
      (_req, body, done) => done(null, body),
    );
    fastify.addHook('onRequest', async (request, reply) => {
      const admitted = receiver.admit({
        header: header(request),
        remoteAddress: request.raw.socket.remoteAddress,
      });
      if (admitted.ok) return void releases.set(request.raw, admitted.release);
      options.onOutcome?.(admitted.response.outcome);
      return send(reply, admitted.response);
    });
    fastify.addHook('onResponse', async (request) => {
      releases.get(request.raw)?.();
      releases.delete(request.raw);
    });
    fastify.setErrorHandler((error, _request, reply) => {
      const code = error.code ?? '';
      const name =
        code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? 'BODY_TOO_LARGE'
          : code.startsWith('FST_ERR_CTP_')
            ? 'INVALID_JSON'
            : 'HANDLER_FAILED';
      return send(reply, errorAnswer(name, `${error.code ?? 'error'} while reading the body`));
    });
    const handler: Handler = async (request, reply) => {
      const response = await receiver.handle({
        method: request.method,
        url: request.url,
        header: header(request),
        body: request.body instanceof Uint8Array ? request.body : new Uint8Array(0),
        remoteAddress: request.raw.socket.remoteAddress,
      });
      options.onOutcome?.(response.outcome);
      return send(reply, response);
    };
    for (const url of [base === '' ? '/' : base, `${base}/*`])
      fastify.route({ method: METHODS, url, handler });
  };
}
