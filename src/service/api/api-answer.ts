import type { ServerResponse } from 'node:http';
import { ERROR_CODES } from '../../protocol/index.js';
import type { ErrorName } from '../../protocol/index.js';

export interface JsonApiAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** A JSON answer of the API, or a stream (Server-Sent Events) that writes to the response itself. */
export type ApiAnswer =
  JsonApiAnswer | { readonly status: 200; readonly stream: (res: ServerResponse) => void };

/** Every error answer: a JSON package with the registry's errCode and HTTP status, and the reason in errDlt. */
export function apiError(name: ErrorName, errDlt: string): JsonApiAnswer {
  const { status, errCode, errMsg } = ERROR_CODES[name];
  return { status, body: { errCode, errMsg, errDlt } };
}

export const ok = (body: unknown): JsonApiAnswer => ({ status: 200, body });
