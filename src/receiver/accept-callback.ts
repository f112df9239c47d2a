import {
  conversationWarnings,
  findCommand,
  isConversationCommand,
  validateRequest,
} from '../protocol/index.js';
import type { AcceptedCallback, ConversationCallback, ErrorName } from '../protocol/index.js';
import { isAcceptableContentType } from './content-type.js';
import { idempotencyKey } from './idempotency-key.js';
import { parseJsonObject } from './parse-json-object.js';
import type { RawRequest } from './raw-exchange.js';
import { routeCallback } from './route-callback.js';

export type Acceptance =
  | { ok: true; callback: AcceptedCallback }
  | { ok: false; error: ErrorName; detail: string; command: string | undefined; operationID: string };

export interface AcceptOptions {
  readonly basePath: string;
  readonly maxBodyBytes: number;
  /** The `operationid` header, read once by the receiver. */
  readonly operationID: string;
  readonly now: () => number;
}

/**
 * Every check between "bytes arrived" and "may be recorded", in the order that refuses cheapest first:
 * method, route, command, content type, size, UTF-8 + JSON, command match. Then the fields of the command's request
 * struct: a body that fails them is still accepted (to be recorded as invalid), with its field errors.
 */
export function acceptCallback(request: RawRequest, options: AcceptOptions): Acceptance {
  const { operationID } = options;
  const refuse = (error: ErrorName, detail: string, command?: string): Acceptance => ({
    ok: false,
    error,
    detail,
    command,
    operationID,
  });

  if (request.method !== 'POST')
    return refuse('METHOD_NOT_ALLOWED', `${request.method} is not allowed; use POST`);
  const route = routeCallback(request.url, options.basePath);
  if (route.kind === 'outside')
    return refuse('NOT_FOUND', `no callback route at ${request.url.split('?')[0]}`);
  if (route.command !== undefined && !findCommand(route.command)) {
    return refuse('UNKNOWN_COMMAND', `${JSON.stringify(route.command)} is not an OpenIM callback command`);
  }
  if (!isAcceptableContentType(request.header('content-type'))) {
    return refuse(
      'UNSUPPORTED_MEDIA_TYPE',
      `content type ${request.header('content-type')} is not JSON in UTF-8`,
    );
  }
  const rawBody = request.body;
  if (rawBody === null || rawBody.byteLength > options.maxBodyBytes) {
    return refuse('BODY_TOO_LARGE', `body exceeds ${options.maxBodyBytes} bytes`, route.command);
  }

  const parsed = parseJsonObject(rawBody);
  if (!parsed.ok) return refuse(parsed.error, parsed.detail, route.command);
  const body = parsed.value;
  const bodyCommand = body['callbackCommand'];
  // Old servers (v2.x) post to the bare base URL: the body's callbackCommand is then the only name there is.
  const command = route.command ?? (typeof bodyCommand === 'string' ? bodyCommand : undefined);
  const info = command === undefined ? undefined : findCommand(command);
  if (!info) return refuse('UNKNOWN_COMMAND', `no known callbackCommand in the path or the body`, command);
  if (bodyCommand !== info.command) {
    return refuse(
      'COMMAND_MISMATCH',
      `path says ${info.command}, body callbackCommand is ${JSON.stringify(bodyCommand ?? null)}`,
      info.command,
    );
  }

  const fieldErrors = validateRequest(info.command, body);
  const conversation =
    fieldErrors.length === 0 && isConversationCommand(info.command)
      ? (body as unknown as ConversationCallback)
      : null;

  return {
    ok: true,
    callback: {
      command: info.command,
      kind: info.kind,
      operationID,
      receivedAt: options.now(),
      idempotencyKey: idempotencyKey(info.command, operationID, rawBody),
      rawBody,
      payload: body,
      conversation,
      fieldErrors,
      warnings: [...(request.warnings ?? []), ...(conversation ? conversationWarnings(conversation) : [])],
    },
  };
}
