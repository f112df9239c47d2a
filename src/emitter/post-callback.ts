import type { Agent as HttpAgent } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { classifyNetworkError } from './classify-network-error.js';
import type { CallbackErrorKind } from './callback-error-kind.js';
import { goRequestHeaders } from './go-request-headers.js';

const gunzipAsync = promisify(gunzip);

export interface PostRequest {
  /** The full target, `url + "/" + command`. */
  readonly target: string;
  readonly operationID: string;
  readonly body: Buffer;
  readonly timeoutMs: number;
  /** Connection pool; one per emitter, like OpenIM's one http.Transport per process. */
  readonly agent?: HttpAgent;
  /** Extra headers after OpenIM's, as [name, value, ...]. */
  readonly extraHeaders?: readonly string[];
}

export type PostResult =
  | { readonly ok: true; readonly status: number; readonly body: Buffer; readonly durationMs: number }
  | {
      readonly ok: false;
      readonly kind: CallbackErrorKind;
      readonly message: string;
      /** The status line, when the failure came after it (a body cut short). */
      readonly status: number | null;
      readonly durationMs: number;
    };

class TimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
}

/**
 * One POST exactly as OpenIM's webhook client sends it, the whole exchange (connect, send, read the full body)
 * bounded by `timeoutMs`. The HTTP status is reported, never judged. A gzip answer is inflated, as Go does when it
 * asked for gzip itself. A keep-alive connection the server closed while idle is retried once on a new one, as Go
 * does when nothing was written.
 */
export async function postCallback(request: PostRequest): Promise<PostResult> {
  const started = performance.now();
  const first = await postOnce(request, started);
  if (!first.ok && first.reusedSocket && first.kind === 'connection-reset' && first.status === null) {
    return stripReused(await postOnce(request, started));
  }
  return stripReused(first);
}

type AttemptResult = PostResult & { readonly reusedSocket?: boolean };

function stripReused(result: AttemptResult): PostResult {
  if (result.ok) return { ok: true, status: result.status, body: result.body, durationMs: result.durationMs };
  return {
    ok: false,
    kind: result.kind,
    message: result.message,
    status: result.status,
    durationMs: result.durationMs,
  };
}

function postOnce(request: PostRequest, started: number): Promise<AttemptResult> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(request.target);
    } catch {
      resolve({
        ok: false,
        kind: 'network',
        message: `invalid url ${request.target}`,
        status: null,
        durationMs: 0,
      });
      return;
    }
    const remaining = Math.max(1, request.timeoutMs - (performance.now() - started));
    let status: number | null = null;
    let settled = false;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send({
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port,
      method: 'POST',
      path: `${url.pathname}${url.search}`,
      headers: goRequestHeaders(url.host, request.body.length, request.operationID, request.extraHeaders),
      ...(request.agent ? { agent: request.agent } : {}),
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new TimeoutError(`timeout after ${request.timeoutMs} ms`));
    }, remaining);
    const finish = (result: AttemptResult): void => {
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
          ? `timeout after ${request.timeoutMs} ms`
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
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      res.on('aborted', () => fail(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const answered = status ?? 0;
        if (!/\bgzip\b/i.test(String(res.headers['content-encoding'] ?? ''))) {
          finish({ ok: true, status: answered, body: raw, durationMs: performance.now() - started });
          return;
        }
        gunzipAsync(raw).then(
          (body) => finish({ ok: true, status: answered, body, durationMs: performance.now() - started }),
          fail,
        );
      });
    });
    req.end(request.body);
  });
}
