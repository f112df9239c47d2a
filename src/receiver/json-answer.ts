import { ERROR_CODES, errorResponse } from '../protocol/index.js';
import type { ErrorName, ResponsePackage } from '../protocol/index.js';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' } as const;

export interface JsonAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A response package as an HTTP answer. */
export function packageAnswer(status: number, pkg: ResponsePackage): JsonAnswer {
  return { status, headers: JSON_HEADERS, body: JSON.stringify(pkg) };
}

/** The answer for a registered error: its HTTP status, and a package that lets OpenIM go on. */
export function errorAnswer(name: ErrorName, detail = ''): JsonAnswer {
  const { status, errCode, errMsg } = ERROR_CODES[name];
  return packageAnswer(status, errorResponse(errCode, errMsg, detail));
}
