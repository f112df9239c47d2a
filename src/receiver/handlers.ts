import type {
  AcceptedCallback,
  ConversationCallbackOf,
  ConversationCommand,
  ConversationOverrides,
  Rejection,
} from '../protocol/index.js';
import type { BeforeCommand } from '../protocol/index.js';

/** What a before-callback handler decides: go on (possibly overriding fields), or stop the user's action. */
export type Decision =
  | { readonly action: 'continue'; readonly overrides?: ConversationOverrides }
  | ({ readonly action: 'reject' } & Rejection);

/** Go on; OpenIM applies `overrides` to the conversation it is about to create. */
export function continueWith(overrides: ConversationOverrides = {}): Decision {
  return { action: 'continue', overrides };
}

/** Stop the user's action. `errCode` must be non-zero (it becomes the error OpenIM's caller sees). */
export function reject(errCode: number, errMsg = '', errDlt = ''): Decision {
  return { action: 'reject', errCode, errMsg, errDlt };
}

/** The event a handler receives: the typed request package plus what the receiver knows of its delivery. */
export interface CallbackEvent<C extends ConversationCommand> {
  readonly command: C;
  readonly request: ConversationCallbackOf<C>;
  readonly accepted: AcceptedCallback;
  /** The store's event id, when a recorder is configured (none while the callback waits in a spool). */
  readonly eventId: number | undefined;
  readonly duplicate: boolean;
}

type HandlerResult<C extends ConversationCommand> = C extends BeforeCommand ? Decision | void : void;

/**
 * Handlers per conversation command. A before-callback handler may return a Decision (no return = continue);
 * an after-callback handler's return is ignored. Handlers run after the event is recorded and before the answer.
 */
export type CallbackHandlers = {
  [C in ConversationCommand]?: (event: CallbackEvent<C>) => HandlerResult<C> | Promise<HandlerResult<C>>;
};
