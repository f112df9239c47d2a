import type {
  AcceptedCallback,
  BeforeCommand,
  CallbackCommand,
  FieldError,
  OverridesOf,
  Rejection,
  RequestOf,
} from '../protocol/index.js';

/** Go on, and have OpenIM apply these fields of the answer. */
export interface ContinueDecision<O = unknown> {
  readonly action: 'continue';
  readonly overrides?: O;
}

export type RejectDecision = { readonly action: 'reject' } & Required<Rejection>;

/** What a before-callback handler decides: go on (possibly overriding fields), or stop the user's action. */
export type Decision<O = unknown> = ContinueDecision<O> | RejectDecision;

/**
 * Go on; OpenIM applies `overrides`. Their type comes from where the decision is returned (the handler of one
 * command): a field OpenIM does not apply for that command is a type error.
 *
 * @example
 * callbackBeforeMsgModifyCommand: ({ request }) => continueWith({ content: JSON.stringify({ content: 'redacted' }) }),
 */
export function continueWith<O = unknown>(overrides?: NoInfer<O>): ContinueDecision<O> {
  return overrides === undefined ? { action: 'continue' } : { action: 'continue', overrides };
}

/** Stop the user's action. `errCode` must be non-zero (it becomes the error OpenIM's caller sees). */
export function reject(errCode: number, errMsg = '', errDlt = ''): RejectDecision {
  return { action: 'reject', errCode, errMsg, errDlt };
}

/** The event a handler receives: the typed request package plus what the receiver knows of its delivery. */
export interface CallbackEvent<C extends CallbackCommand> {
  readonly command: C;
  readonly request: RequestOf<C>;
  /** The `operationID` header ("" when absent): OpenIM's key to its own logs. */
  readonly operationID: string;
  /** The store's event id, when a recorder is configured (none while the callback waits in a spool). */
  readonly eventId: number | undefined;
  /** An exact redelivery of an event already recorded. */
  readonly duplicate: boolean;
  /** The body exactly as it arrived. */
  readonly rawBody: Uint8Array;
  readonly accepted: AcceptedCallback;
}

/** Any callback's event; `command` (or `request.callbackCommand`) narrows it. */
export type AnyCallbackEvent = { [C in CallbackCommand]: CallbackEvent<C> }[CallbackCommand];

type HandlerResult<C extends CallbackCommand> = C extends BeforeCommand
  ? Decision<OverridesOf<C>> | void
  : void;

/** A handler of one command. Before-callbacks may return a Decision (no return = continue). */
export type CallbackHandler<C extends CallbackCommand> = (
  event: CallbackEvent<C>,
) => HandlerResult<C> | Promise<HandlerResult<C>>;

/**
 * Handlers per command, for all 52 of OpenIM's catalog. An after-callback handler's return is ignored. Handlers run
 * after the event is recorded and before the answer; a callback that fails validation reaches `onError` instead.
 */
export type CallbackHandlers = { [C in CallbackCommand]?: CallbackHandler<C> };

/** What went wrong with one callback, for `onError`. */
export type CallbackError =
  | {
      /** The body is well formed but not of OpenIM's types: recorded (flagged invalid) and answered 29009. */
      readonly kind: 'validation';
      readonly command: CallbackCommand;
      readonly operationID: string;
      readonly fieldErrors: readonly FieldError[];
      readonly eventId: number | undefined;
      readonly accepted: AcceptedCallback;
    }
  | {
      /** `onAny` or the handler threw, timed out, or answered something OpenIM cannot take: answered 29011. */
      readonly kind: 'handler';
      readonly command: CallbackCommand;
      readonly operationID: string;
      readonly error: Error;
      readonly eventId: number | undefined;
      readonly accepted: AcceptedCallback;
    };
