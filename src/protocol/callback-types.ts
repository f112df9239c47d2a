import type { CallbackCommand, CommandInfo } from './commands.js';
import type { InputOf, TsOf } from './go-types.js';

/** The spec of one command (see callbacks/callback-spec.ts). */
export type SpecOf<C extends CallbackCommand> = Extract<CommandInfo, { command: C }>;

type WithCommand<T, C> = { [K in keyof T]: K extends 'callbackCommand' ? C : T[K] };

/** The request package of a command as OpenIM sends it: every field present, nil as null. */
export type RequestOf<C extends CallbackCommand> = C extends CallbackCommand
  ? WithCommand<TsOf<SpecOf<C>['request']>, C>
  : never;

/** Any callback's request package; `callbackCommand` tells which. */
export type CallbackRequest = RequestOf<CallbackCommand>;

type AnswerOf<C extends CallbackCommand> = NonNullable<SpecOf<C>['answer']>;
type IgnoredOf<C extends CallbackCommand> =
  SpecOf<C> extends { readonly ignored?: readonly (infer I)[] } ? I : never;

/**
 * What a before-callback's answer may override: exactly the fields OpenIM applies for that command, all optional
 * (absent = keep OpenIM's value). Empty for commands OpenIM only lets continue or stops.
 */
export type OverridesOf<C extends CallbackCommand> = C extends CallbackCommand
  ? [AnswerOf<C>] extends [never]
    ? NoOverrides
    : Applied<Omit<InputOf<AnswerOf<C>>, Extract<IgnoredOf<C>, string>>>
  : never;

/** Continue or reject only: any field is an error (an empty object type would take anything). */
type NoOverrides = { readonly [field: string]: never };
type Applied<O> = [keyof O] extends [never] ? NoOverrides : O;
