import { ERROR_CODES } from '../protocol/index.js';
import { matchesAny } from '../receiver/index.js';
import type { ServiceConfig } from './config.js';
import { isLoopbackHost } from './service-auth.js';

export interface ApiDenial {
  status: number;
  body: { errCode: number; errMsg: string; errDlt: string };
}

/** `127.0.0.1:10006`, `localhost`, `[::1]:10006`: a Host header (or an Origin's host) naming this machine. */
export function namesLoopback(hostHeader: string): boolean {
  const host = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader)?.[1] ?? hostHeader.replace(/:\d+$/, '');
  return isLoopbackHost(host.toLowerCase());
}

function originIsLoopback(origin: string): boolean {
  try {
    return namesLoopback(new URL(origin).host);
  } catch {
    return false;
  }
}

/**
 * The query API reads user data. With tokens configured it always wants `Authorization: Bearer <token>`; without,
 * it is open only on a loopback address, and closed (every request 401) elsewhere. Open on loopback, it still
 * refuses a Host or Origin that is not this machine: a web page the user visits could otherwise reach it through
 * DNS rebinding or a cross-site POST.
 */
export function apiAuthorization(config: Pick<ServiceConfig, 'apiTokens' | 'host'>) {
  const open = config.apiTokens.length === 0 && isLoopbackHost(config.host);
  const deny = (errDlt: string): ApiDenial => {
    const { status, errCode, errMsg } = ERROR_CODES.UNAUTHORIZED;
    return { status, body: { errCode, errMsg, errDlt } };
  };
  return function authorizeApi(
    authorization: string | undefined,
    host?: string | undefined,
    origin?: string | undefined,
  ): ApiDenial | undefined {
    if (open) {
      if (host !== undefined && !namesLoopback(host))
        return deny('Host is not this machine (DNS rebinding?)');
      if (origin !== undefined && !originIsLoopback(origin)) return deny('cross-origin request refused');
      return undefined;
    }
    if (config.apiTokens.length === 0)
      return deny('the query API needs apiTokens when not listening on loopback');
    const token = /^Bearer\s+(\S{1,4096})\s*$/i.exec(authorization ?? '')?.[1];
    if (token === undefined || !matchesAny(token, config.apiTokens))
      return deny('missing or wrong bearer token');
    return undefined;
  };
}
