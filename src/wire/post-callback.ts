import type { Agent } from 'node:http';
import { exchangeOnce } from './exchange-once.js';
import type { Exchange, ExchangeResult } from './exchange-once.js';
import { goTarget } from './go-target.js';
import type { GoTarget } from './go-target.js';
import type { PostResult } from './post-result.js';

export interface PostRequest {
  /** The full target, `url + "/" + command`. */
  readonly target: string;
  readonly operationID: string;
  readonly body: Buffer;
  readonly timeoutMs: number;
  /** Connection pool; one per emitter, like OpenIM's one http.Transport per process. */
  readonly agent?: Agent;
  /** Extra headers after OpenIM's, as [name, value, ...]. */
  readonly extraHeaders?: readonly string[];
  /**
   * Follow redirects as Go's client does (default true). A relay sink behind the SSRF guard answers false: a
   * redirect must not lead it to an address the guard never checked; the 3xx is then the answer.
   */
  readonly followRedirects?: boolean;
}

/** Go's client gives up after 10 redirects. */
const MAX_REDIRECTS = 10;

/**
 * One callback exactly as OpenIM's webhook client posts it: the whole exchange (connect, send, read the full body,
 * redirects included) bounded by `timeoutMs`; the HTTP status reported, never judged. Like Go's client it follows
 * redirects (301/302/303 as a GET without body, 307/308 re-posting the body, a Referer each time), and retries once
 * on a new connection when a kept-alive one turns out to be closed before anything came back.
 */
export async function postCallback(request: PostRequest): Promise<PostResult> {
  const started = performance.now();
  let target: GoTarget;
  try {
    target = goTarget(request.target);
  } catch {
    return {
      ok: false,
      kind: 'network',
      message: `invalid url ${request.target}`,
      status: null,
      durationMs: 0,
    };
  }
  let exchange: Exchange = {
    target,
    method: 'POST',
    body: request.body,
    operationID: request.operationID,
    referer: undefined,
    extraHeaders: request.extraHeaders,
    agent: request.agent,
    started,
    timeoutMs: request.timeoutMs,
  };
  for (let redirects = 0; ; redirects += 1) {
    let result = await exchangeOnce(exchange);
    if (!result.ok && result.reusedSocket && result.kind === 'connection-reset' && result.status === null) {
      result = await exchangeOnce(exchange);
    }
    const next = request.followRedirects === false ? undefined : redirected(exchange, result);
    if (next === undefined) return strip(result);
    // Go refuses the redirect once 10 requests were made (`len(via) >= 10`).
    if (redirects + 1 >= MAX_REDIRECTS) {
      return {
        ok: false,
        kind: 'network',
        message: 'stopped after 10 redirects',
        status: null,
        durationMs: performance.now() - started,
      };
    }
    exchange = next;
  }
}

function redirected(exchange: Exchange, result: ExchangeResult): Exchange | undefined {
  if (!result.ok || result.location === undefined || result.location === '') return undefined;
  const { status } = result;
  const keepsBody = status === 307 || status === 308;
  if (!keepsBody && status !== 301 && status !== 302 && status !== 303) return undefined;
  let target: GoTarget;
  try {
    target = goTarget(new URL(result.location, exchange.target.url).href);
  } catch {
    return undefined;
  }
  const previous = new URL(exchange.target.url.href);
  previous.username = '';
  previous.password = '';
  previous.hash = '';
  const downgrade = previous.protocol === 'https:' && target.url.protocol === 'http:';
  return {
    ...exchange,
    // A relative Location keeps the user info (and so the Authorization header), an absolute one without it drops it.
    target,
    method: keepsBody ? exchange.method : 'GET',
    body: keepsBody ? exchange.body : null,
    referer: downgrade ? undefined : previous.href,
  };
}

function strip(result: ExchangeResult): PostResult {
  if (result.ok) return { ok: true, status: result.status, body: result.body, durationMs: result.durationMs };
  return {
    ok: false,
    kind: result.kind,
    message: result.message,
    status: result.status,
    durationMs: result.durationMs,
  };
}
