import type { OverridesOf, RequestOf } from './callback-types.js';

/**
 * The four conversation-creation callbacks, which also feed the conversations table. Their JSON spells
 * `ownerUserId`, `conversationId`, `userId` and `groupId` with a lower-case "d", unlike `userID`/`groupID` everywhere
 * else in OpenIM. Their specs are in callbacks/conversation-callbacks.ts; these are names kept for them.
 */
export const SINGLE_CHAT_COMMANDS = [
  'callbackBeforeCreateSingleChatConversationsCommand',
  'callbackAfterCreateSingleChatConversationsCommand',
] as const;
export const GROUP_CHAT_COMMANDS = [
  'callbackBeforeCreateGroupChatConversationsCommand',
  'callbackAfterCreateGroupChatConversationsCommand',
] as const;
export type SingleChatCommand = (typeof SINGLE_CHAT_COMMANDS)[number];
export type GroupChatCommand = (typeof GROUP_CHAT_COMMANDS)[number];
export type ConversationCommand = SingleChatCommand | GroupChatCommand;

/** The fields a conversation before-callback's answer may override, all optional (absent = keep OpenIM's value). */
export type ConversationOverrides = OverridesOf<'callbackBeforeCreateSingleChatConversationsCommand'>;

/** Request package of the single chat callbacks (the seed): one per owner, `userId` = the peer. */
export type SingleChatConversationCallback<C extends SingleChatCommand = SingleChatCommand> = RequestOf<C>;

/** Request package of the group chat callbacks: `ownerUserId` is always "" (OpenIM never fills it). */
export type GroupChatConversationCallback<C extends GroupChatCommand = GroupChatCommand> = RequestOf<C>;

export type ConversationCallback = SingleChatConversationCallback | GroupChatConversationCallback;

/** The request package type of each conversation command. */
export type ConversationCallbackOf<C extends ConversationCommand> = RequestOf<C>;

export function isSingleChatCommand(command: string): command is SingleChatCommand {
  return (SINGLE_CHAT_COMMANDS as readonly string[]).includes(command);
}

export function isGroupChatCommand(command: string): command is GroupChatCommand {
  return (GROUP_CHAT_COMMANDS as readonly string[]).includes(command);
}

export function isConversationCommand(command: string): command is ConversationCommand {
  return isSingleChatCommand(command) || isGroupChatCommand(command);
}
