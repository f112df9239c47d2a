import type { Agent, IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { classifyNetworkError } from './classify-network-error.js';
import { goRequestHeaders } from './go-request-headers.js';
import type { GoTarget } from './go-target.js';
import type { PostResult } from './post-result.js';

const gunzipAsync = promisify(gunzip);

/**
 * node:http writes object headers in insertion order with their spelling kept; unlike a [name, value] array they
 * can still be edited before sending, which is what lets the Connection header go.
 */
function orderedHeaders(flat: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) headers[flat[i] ?? ''] = flat[i + 1] ?? '';
  return headers;
}

class TimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
}

export interface Exchange {
  readonly target: GoTarget;
  readonly method: 'POST' | 'GET';
  /** null: no body (a GET after a 301/302/303). */
  readonly body: Buffer | null;
  readonly operationID: string;
  readonly referer: string | undefined;
  readonly extraHeaders: readonly string[] | undefined;
  readonly agent: Agent | undefined;
  /** performance.now() at the start of the whole call: the timeout covers redirects too. */
  readonly started: number;
  readonly timeoutMs: number;
}

/** The result of one request/response, with what the caller needs to retry or follow a redirect. */
export type ExchangeResult = PostResult & {
  readonly reusedSocket?: boolean;
  readonly location?: string | undefined;
};

/**
 * One HTTP request and its full response body, within what is left of the timeout. A gzip body is inflated, as Go
 * does when it asked for gzip itself.
 */
export function exchangeOnce(exchange: Exchange): Promise<ExchangeResult> {
  return new Promise((resolve) => {
    const { target, timeoutMs, started } = exchange;
    const remaining = Math.max(1, timeoutMs - (performance.now() - started));
    let status: number | null = null;
    let settled = false;
    let timedOut = false;
    const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send({
      protocol: target.url.protocol,
      hostname: target.url.hostname.replace(/^\[|\]$/g, ''),
      port: target.url.port,
      method: exchange.method,
      path: target.path,
      headers: orderedHeaders(
        goRequestHeaders({
          host: target.host,
          contentLength: exchange.body === null ? null : exchange.body.length,
          operationID: exchange.operationID,
          authorization: target.authorization,
          referer: exchange.referer,
          extra: exchange.extraHeaders,
        }),
      ),
      ...(exchange.agent ? { agent: exchange.agent } : {}),
    });
    // Go sends no Connection header; without this Node adds `Connection: keep-alive` (the socket is still reused).
    req.removeHeader('Connection');
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new TimeoutError(`timeout after ${timeoutMs} ms`));
    }, remaining);
    const finish = (result: ExchangeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const fail = (error: unknown): void => {
      finish({
        ok: false,
        kind: timedOut ? 'timeout' : classifyNetworkError(error),
        message: timedOut
          ? `timeout after ${timeoutMs} ms`
          : error instanceof Error
            ? error.message
            : String(error),
        status,
        durationMs: performance.now() - started,
        reusedSocket: req.reusedSocket,
      });
    };
    req.on('error', fail);
    req.on('response', (res: IncomingMessage) => {
      status = res.statusCode ?? 0;
      const answered = status;
      const location = res.headers.location;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      res.on('aborted', () => fail(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const done = (body: Buffer): void =>
          finish({ ok: true, status: answered, body, durationMs: performance.now() - started, location });
        if (!/\bgzip\b/i.test(String(res.headers['content-encoding'] ?? ''))) done(raw);
        else gunzipAsync(raw).then(done, fail);
      });
    });
    if (exchange.body === null) req.end();
    else req.end(exchange.body);
  });
}
