import type { FieldSpec } from './fields.js';
import { CONVERSATION_TYPES, GROUP_AT_TYPES, RECV_MSG_OPTS } from './enums.js';
import type { ConversationType, GroupAtType, RecvMsgOpt } from './enums.js';

/**
 * The four conversation-creation callbacks. Their JSON spells `ownerUserId`, `conversationId`, `userId` and
 * `groupId` with a lower-case "d", unlike `userID`/`groupID` everywhere else in OpenIM.
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

/** The fields a before-callback's answer may override, all optional (absent = keep OpenIM's value). */
export interface ConversationOverrides {
  recvMsgOpt?: RecvMsgOpt;
  isPinned?: boolean;
  isPrivateChat?: boolean;
  burnDuration?: number;
  groupAtType?: GroupAtType;
  attachedInfo?: string;
  ex?: string;
}

interface ConversationFields<C extends ConversationCommand> extends Required<ConversationOverrides> {
  callbackCommand: C;
  ownerUserId: string;
  conversationId: string;
  conversationType: ConversationType;
}

/** Request package of the single chat callbacks (the seed): one per owner, `userId` = the peer. */
export interface SingleChatConversationCallback<
  C extends SingleChatCommand = SingleChatCommand,
> extends ConversationFields<C> {
  userId: string;
}

/** Request package of the group chat callbacks: `ownerUserId` is always "" (OpenIM never fills it). */
export interface GroupChatConversationCallback<
  C extends GroupChatCommand = GroupChatCommand,
> extends ConversationFields<C> {
  groupId: string;
}

export type ConversationCallback = SingleChatConversationCallback | GroupChatConversationCallback;

/** The request package type of each conversation command. */
export type ConversationCallbackOf<C extends ConversationCommand> = C extends SingleChatCommand
  ? SingleChatConversationCallback<C>
  : C extends GroupChatCommand
    ? GroupChatConversationCallback<C>
    : never;

const OVERRIDE_FIELDS: readonly FieldSpec[] = [
  { name: 'recvMsgOpt', type: 'int32', oneOf: RECV_MSG_OPTS },
  { name: 'isPinned', type: 'bool' },
  { name: 'isPrivateChat', type: 'bool' },
  { name: 'burnDuration', type: 'int32' },
  { name: 'groupAtType', type: 'int32', oneOf: GROUP_AT_TYPES },
  { name: 'attachedInfo', type: 'string' },
  { name: 'ex', type: 'string' },
];

function conversationFields(peerField: 'userId' | 'groupId'): readonly FieldSpec[] {
  return [
    { name: 'callbackCommand', type: 'string' },
    { name: 'ownerUserId', type: 'string' },
    { name: 'conversationId', type: 'string' },
    { name: 'conversationType', type: 'int32', oneOf: Object.values(CONVERSATION_TYPES) },
    { name: peerField, type: 'string' },
    ...OVERRIDE_FIELDS,
  ];
}

/**
 * Fields in the order of OpenIM's Go structs, which is also the order its JSON encoder writes them in.
 * The emitter encodes from these lists; the receiver validates with them.
 */
export const SINGLE_CHAT_FIELDS = conversationFields('userId');
export const GROUP_CHAT_FIELDS = conversationFields('groupId');
export const OVERRIDE_FIELD_SPECS = OVERRIDE_FIELDS;

export function isSingleChatCommand(command: string): command is SingleChatCommand {
  return (SINGLE_CHAT_COMMANDS as readonly string[]).includes(command);
}

export function isGroupChatCommand(command: string): command is GroupChatCommand {
  return (GROUP_CHAT_COMMANDS as readonly string[]).includes(command);
}

export function isConversationCommand(command: string): command is ConversationCommand {
  return isSingleChatCommand(command) || isGroupChatCommand(command);
}

/** The field list that validates `command`, or undefined for commands that are recorded raw. */
export function fieldsOf(command: string): readonly FieldSpec[] | undefined {
  if (isSingleChatCommand(command)) return SINGLE_CHAT_FIELDS;
  if (isGroupChatCommand(command)) return GROUP_CHAT_FIELDS;
  return undefined;
}
