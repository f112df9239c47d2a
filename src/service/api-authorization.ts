import { ERROR_CODES } from '../protocol/index.js';
import { matchesAny } from '../receiver/index.js';
import type { ServiceConfig } from './config.js';
import { isLoopbackHost } from './service-auth.js';

export interface ApiDenial {
  status: number;
  body: { errCode: number; errMsg: string; errDlt: string };
}

/**
 * The query API reads user data. With tokens configured it always wants `Authorization: Bearer <token>`; without,
 * it is open only on a loopback address, and closed (every request 401) elsewhere.
 */
export function apiAuthorization(config: Pick<ServiceConfig, 'apiTokens' | 'host'>) {
  const open = config.apiTokens.length === 0 && isLoopbackHost(config.host);
  const deny = (errDlt: string): ApiDenial => {
    const { status, errCode, errMsg } = ERROR_CODES.UNAUTHORIZED;
    return { status, body: { errCode, errMsg, errDlt } };
  };
  return function authorizeApi(authorization: string | undefined): ApiDenial | undefined {
    if (open) return undefined;
    if (config.apiTokens.length === 0)
      return deny('the query API needs apiTokens when not listening on loopback');
    const token = /^Bearer\s+(\S{1,4096})\s*$/i.exec(authorization ?? '')?.[1];
    if (token === undefined || !matchesAny(token, config.apiTokens))
      return deny('missing or wrong bearer token');
    return undefined;
  };
}
