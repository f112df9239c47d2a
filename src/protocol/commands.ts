import { CONVERSATION_CALLBACKS } from './callbacks/conversation-callbacks.js';
import { FRIEND_CALLBACKS } from './callbacks/friend-callbacks.js';
import { GATEWAY_CALLBACKS } from './callbacks/gateway-callbacks.js';
import { GROUP_CALLBACKS } from './callbacks/group-callbacks.js';
import { MESSAGE_CALLBACKS } from './callbacks/message-callbacks.js';
import { PUSH_CALLBACKS } from './callbacks/push-callbacks.js';
import { USER_CALLBACKS } from './callbacks/user-callbacks.js';

/**
 * The catalog of every callback command OpenIMServer (HEAD, mid-2026) can send, one spec per command (see
 * callbacks/callback-spec.ts): routing, request types, validation, the emitter's encoding, the answer builder and the
 * README table all come from this one tuple. `configKey` is the key under `config/webhooks.yml`.
 *
 * Note `callbackBeforeAfterMsgCommand`: OpenIM's afterRevokeMsg really sends that string.
 */
export const COMMANDS = [
  ...MESSAGE_CALLBACKS,
  ...USER_CALLBACKS,
  ...FRIEND_CALLBACKS,
  ...GROUP_CALLBACKS,
  ...PUSH_CALLBACKS,
  ...GATEWAY_CALLBACKS,
  ...CONVERSATION_CALLBACKS,
] as const;

export type CommandInfo = (typeof COMMANDS)[number];
export type CallbackCommand = CommandInfo['command'];
export type CallbackKind = CommandInfo['kind'];
export type BeforeCommand = Extract<CommandInfo, { kind: 'before' }>['command'];
export type AfterCommand = Extract<CommandInfo, { kind: 'after' }>['command'];

const byName: ReadonlyMap<string, CommandInfo> = new Map(COMMANDS.map((info) => [info.command, info]));

/** The catalog entry of `name`, or undefined when OpenIM never sends such a command. */
export function findCommand(name: string): CommandInfo | undefined {
  return byName.get(name);
}

export function isCallbackCommand(name: string): name is CallbackCommand {
  return byName.has(name);
}

/** The spec of a command known at compile time, with its exact types. */
export function commandSpec<C extends CallbackCommand>(command: C): Extract<CommandInfo, { command: C }> {
  return byName.get(command) as Extract<CommandInfo, { command: C }>;
}
