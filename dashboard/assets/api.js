// @ts-check
const TOKEN_KEY = 'openim-hooks-api-token';

/** An answer of the API that was an error package: its errCode says what (see the README's error codes). */
export class ApiError extends Error {
  /** @param {number} status @param {{ errCode?: number, errMsg?: string, errDlt?: string }} body */
  constructor(status, body) {
    super(`${body.errMsg ?? 'error'}${body.errDlt ? `: ${body.errDlt}` : ''}`);
    this.status = status;
    this.errCode = body.errCode ?? 0;
  }
}

/** The bearer token, kept in this tab's session storage only: never in a URL, gone when the tab closes. */
export function token() {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** @param {string} value */
export function setToken(value) {
  sessionStorage.setItem(TOKEN_KEY, value);
}

/** @type {Set<() => void>} */
const unauthorizedListeners = new Set();
/** @param {() => void} listener */
export function onUnauthorized(listener) {
  unauthorizedListeners.add(listener);
}

/** @param {RequestInit} [init] */
export function withToken(init = {}) {
  const headers = new Headers(init.headers);
  if (token()) headers.set('authorization', `Bearer ${token()}`);
  return { ...init, headers };
}

/**
 * A call of this service's API: JSON back, or an ApiError (a 401 also asks for the token).
 * @param {string} path
 * @param {RequestInit} [init]
 * @returns {Promise<any>}
 */
export async function api(path, init) {
  const response = await fetch(path, withToken({ ...init, credentials: 'same-origin' }));
  const body = await response.json().catch(() => ({ errMsg: `HTTP ${response.status}` }));
  if (!response.ok) {
    if (body.errCode === 29013) unauthorizedListeners.forEach((listener) => listener());
    throw new ApiError(response.status, body);
  }
  return body;
}

/**
 * A write: a same-origin POST (the service refuses writes from other origins).
 * @param {string} path
 */
export function post(path) {
  return api(path, { method: 'POST' });
}

/** @param {Record<string, string | number | undefined | null>} params */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
