import {
  describeFieldErrors,
  ERROR_CODES,
  errorResponse,
  findCommand,
  rejectResponse,
} from '../protocol/index.js';
import type {
  AcceptedCallback,
  ErrorName,
  Recorder,
  RecordResult,
  SpooledResult,
} from '../protocol/index.js';
import { acceptCallback } from './accept-callback.js';
import { createAuthenticator } from './auth/index.js';
import type { AuthOptions } from './auth/index.js';
import { createAdmission } from './limits/create-admission.js';
import { decisionPackage } from './decision-package.js';
import type { AnyCallbackEvent, CallbackError, CallbackHandlers, Decision } from './handlers.js';
import { errorAnswer, packageAnswer } from './json-answer.js';
import type { JsonAnswer } from './json-answer.js';
import type { Outcome, RawRequest, RawResponse } from './raw-exchange.js';
import { withDeadline } from './with-deadline.js';

export interface ReceiverOptions {
  /** The path of OpenIM's `url`; callbacks arrive at `{basePath}/{command}`. Default `/callbackExample`. */
  basePath?: string;
  /** Where callbacks are recorded before they are answered (a store). Without one, only handlers run. */
  recorder?: Recorder;
  /** One handler per command; before-callback handlers decide (continue with overrides, or reject). */
  handlers?: CallbackHandlers;
  /** Runs for every valid callback, before its command's handler; its return is ignored, a throw fails the callback. */
  onAny?: (event: AnyCallbackEvent) => void | Promise<void>;
  /**
   * Told of every callback that failed validation (recorded, flagged invalid, answered 29009, no handler ran) or
   * whose `onAny`/handler failed (answered 29011). Not awaited; what it throws is ignored.
   */
  onError?: (error: CallbackError) => void | Promise<void>;
  /** Default 1 MiB. */
  maxBodyBytes?: number;
  /** How long a before-callback may take (record + handler) before the failure answer goes out. Default 1000. */
  beforeDeadlineMs?: number;
  /**
   * What a before-callback answers when recording or the handler fails: `open` lets the user's action go on
   * (OpenIM's own `failedContinue` is dead since v3.7.0), `closed` rejects it. Default `open`.
   */
  beforeFailure?: 'open' | 'closed';
  /**
   * Who may call: secret path segment, HTTP Basic, IP allow-list (with trusted proxies), OpenIM commercial
   * signature, body HMAC. Every configured check must pass; a failure answers 401 and records nothing. Default none.
   */
  auth?: AuthOptions;
  /** Requests in flight at once; more are answered 503 with the JSON package (adapters call `admit`). Default 256. */
  maxConcurrentRequests?: number;
  /** Requests per second per client address; 0 = unlimited (default). */
  rateLimitPerIp?: number;
  now?: () => number;
}

/** Whether a request may start, decided before its body is read. */
export type Admitted =
  { readonly ok: true; release(): void } | { readonly ok: false; readonly response: RawResponse };

export interface Receiver {
  readonly basePath: string;
  readonly maxBodyBytes: number;
  /** True when some authentication is configured. */
  readonly authenticates: boolean;
  /**
   * Concurrency cap and rate limit, checked before the body is read; call `release()` after answering. Adapters do
   * not call it: `receiveCallback` does, around `handle`.
   */
  admit(request: Pick<RawRequest, 'header' | 'remoteAddress'>): Admitted;
  /**
   * From one request whose body is in hand (or null: it was too large) to its answer: authenticate, accept, record,
   * let a handler decide. Never throws: every outcome is a JSON response package. Adapters reach it through
   * `receiveCallback`, which reads the body; tests and in-process callers may call it directly.
   */
  handle(request: RawRequest): Promise<RawResponse>;
}

type Stage = 'record' | 'handler';

class StageError extends Error {
  constructor(
    readonly stage: Stage,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

const STAGE_ERRORS: Record<Stage, ErrorName> = { record: 'STORAGE_UNAVAILABLE', handler: 'HANDLER_FAILED' };

/**
 * The framework-agnostic core: validate, record durably, let a handler decide, answer. Adapters describe a request
 * (its head and a `readBody(limit)`) to `receiveCallback`, which admits it, reads it and hands it to `handle`.
 *
 * @example
 * const receiver = createReceiver({ recorder: store, handlers: {
 *   callbackBeforeCreateSingleChatConversationsCommand: ({ request }) =>
 *     request.userId === 'blocked' ? reject(20001, 'peer is blocked') : continueWith({ isPinned: true }),
 * } });
 * http.createServer(toNodeListener(receiver)).listen(10006);
 */
export function createReceiver(options: ReceiverOptions = {}): Receiver {
  const basePath = options.basePath ?? '/callbackExample';
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const beforeDeadlineMs = options.beforeDeadlineMs ?? 1000;
  const failClosed = options.beforeFailure === 'closed';
  const now = options.now ?? Date.now;
  const { recorder, handlers = {} } = options;
  const authenticator = createAuthenticator({ ...options.auth, now: options.auth?.now ?? now }, basePath);
  const admission = createAdmission({
    ...(options.maxConcurrentRequests === undefined
      ? {}
      : { maxConcurrentRequests: options.maxConcurrentRequests }),
    ...(options.rateLimitPerIp === undefined ? {} : { rateLimitPerIp: options.rateLimitPerIp }),
    now,
  });

  function refusal(error: ErrorName, detail: string, operationID: string, command?: string): RawResponse {
    const answer = errorAnswer(error, detail);
    return { ...answer, outcome: outcomeOf(command, operationID, answer.status, { error, detail }) };
  }

  function admit(request: Pick<RawRequest, 'header' | 'remoteAddress'>): Admitted {
    const admitted = admission.admit(authenticator.clientOf(request.remoteAddress, request.header));
    if (admitted.ok) return admitted;
    return {
      ok: false,
      response: refusal(admitted.error, admitted.detail, request.header('operationid') ?? ''),
    };
  }

  function report(error: CallbackError): void {
    if (!options.onError) return;
    void Promise.resolve()
      .then(() => options.onError?.(error))
      .catch(() => undefined);
  }

  async function process(
    callback: AcceptedCallback,
  ): Promise<{ record?: RecordResult | SpooledResult; decision?: Decision | void }> {
    const valid = callback.fieldErrors.length === 0;
    const handler = valid
      ? (handlers[callback.command] as ((event: AnyCallbackEvent) => unknown) | undefined)
      : undefined;
    const handled = handler !== undefined || (valid && options.onAny !== undefined);
    let record: RecordResult | SpooledResult | undefined;
    try {
      // A handler sees `duplicate` before OpenIM is answered: it must be exact, not only what is cheap to know.
      if (recorder) record = await recorder.record(callback, handled ? { exactDuplicate: true } : {});
    } catch (error) {
      throw new StageError('record', error);
    }
    // Invalid: recorded as it came, but no handler sees a request its types would misdescribe.
    if (!handled) return record ? { record } : {};
    const event = {
      command: callback.command,
      request: callback.payload,
      operationID: callback.operationID,
      eventId: record?.eventId,
      duplicate: record?.duplicate ?? false,
      rawBody: callback.rawBody,
      accepted: callback,
    } as AnyCallbackEvent;
    try {
      await options.onAny?.(event);
      const decision = (await handler?.(event)) as Decision | void;
      return record ? { record, decision } : { decision };
    } catch (error) {
      throw new StageError('handler', error);
    }
  }

  /** onError for a failed handler (or a deadline that passed); not for the store, which has its own answer. */
  function reportHandlerFailure(callback: AcceptedCallback, error: unknown, eventId?: number): void {
    if (error instanceof StageError && error.stage === 'record') return;
    const cause = error instanceof StageError ? error.cause : error;
    report({
      kind: 'handler',
      command: callback.command,
      operationID: callback.operationID,
      error: cause instanceof Error ? cause : new Error(String(cause)),
      eventId,
      accepted: callback,
    });
  }

  function failure(
    callback: AcceptedCallback,
    error: unknown,
  ): { answer: JsonAnswer; name: ErrorName; detail: string } {
    const stage: Stage = error instanceof StageError ? error.stage : 'handler';
    const name = STAGE_ERRORS[stage];
    const detail = error instanceof Error ? error.message : String(error);
    const { status, errCode, errMsg } = ERROR_CODES[name];
    if (callback.kind === 'before' && failClosed) {
      return {
        answer: packageAnswer(status, rejectResponse({ errCode, errMsg, errDlt: detail })),
        name,
        detail,
      };
    }
    return { answer: packageAnswer(status, errorResponse(errCode, errMsg, detail)), name, detail };
  }

  async function handle(request: RawRequest): Promise<RawResponse> {
    const operationID = request.header('operationid') ?? '';
    let url = request.url;
    if (authenticator.configured) {
      const auth = authenticator.authenticate(request);
      if (!auth.ok) return refusal('UNAUTHORIZED', auth.detail, operationID);
      url = auth.url;
    }
    const acceptance = acceptCallback(url === request.url ? request : { ...request, url }, {
      basePath,
      maxBodyBytes,
      operationID,
      now,
    });
    if (!acceptance.ok) {
      const answer = errorAnswer(acceptance.error, acceptance.detail);
      return {
        ...answer,
        outcome: outcomeOf(acceptance.command, acceptance.operationID, answer.status, {
          error: acceptance.error,
          detail: acceptance.detail,
        }),
      };
    }
    const callback = acceptance.callback;
    const work = process(callback);
    const result =
      callback.kind === 'before' ? await withDeadline(work, beforeDeadlineMs) : await settle(work);
    if (!result.ok) {
      reportHandlerFailure(callback, result.error);
      const { answer, name, detail } = failure(callback, result.error);
      return {
        ...answer,
        outcome: outcomeOf(callback.command, callback.operationID, answer.status, {
          error: name,
          detail,
          warnings: callback.warnings,
        }),
      };
    }
    const { record, decision } = result.value;
    if (callback.fieldErrors.length > 0) return invalidAnswer(callback, record);
    const decided = decisionPackage(findCommand(callback.command) ?? never(), callback.payload, decision);
    if (!decided.ok) {
      const error = new StageError('handler', new Error(decided.detail));
      reportHandlerFailure(callback, error, record?.eventId);
      const { answer, name, detail } = failure(callback, error);
      return {
        ...answer,
        outcome: outcomeOf(callback.command, callback.operationID, answer.status, {
          error: name,
          detail,
          record,
        }),
      };
    }
    return {
      ...packageAnswer(200, decided.pkg),
      outcome: outcomeOf(callback.command, callback.operationID, 200, {
        record,
        warnings: callback.warnings,
      }),
    };
  }

  /** Recorded, flagged invalid: the answer names the failing fields, and lets OpenIM go on (nextCode 0). */
  function invalidAnswer(
    callback: AcceptedCallback,
    record: RecordResult | SpooledResult | undefined,
  ): RawResponse {
    const detail = describeFieldErrors(callback.fieldErrors);
    report({
      kind: 'validation',
      command: callback.command,
      operationID: callback.operationID,
      fieldErrors: callback.fieldErrors,
      eventId: record?.eventId,
      accepted: callback,
    });
    const answer = errorAnswer('VALIDATION_FAILED', detail);
    return {
      ...answer,
      outcome: outcomeOf(callback.command, callback.operationID, answer.status, {
        error: 'VALIDATION_FAILED',
        detail,
        record,
        warnings: callback.warnings,
      }),
    };
  }

  return { basePath, maxBodyBytes, authenticates: authenticator.configured, admit, handle };
}

async function settle<T>(work: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await work };
  } catch (error) {
    return { ok: false, error };
  }
}

function never(): never {
  throw new Error('an accepted callback always has a catalog command');
}

function outcomeOf(
  command: string | undefined,
  operationID: string,
  status: number,
  extra: {
    error?: ErrorName;
    detail?: string;
    record?: RecordResult | SpooledResult | undefined;
    warnings?: readonly string[];
  },
): Outcome {
  return {
    command,
    operationID,
    status,
    error: extra.error,
    detail: extra.detail,
    eventId: extra.record?.eventId,
    duplicate: extra.record?.duplicate ?? false,
    ...(extra.record && 'spooled' in extra.record ? { spooled: true } : {}),
    warnings: extra.warnings ?? [],
  };
}
