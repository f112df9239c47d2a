import { goBool, goString, int32, int32Enum, pointer, struct } from '../go-types.js';
import { CONVERSATION_TYPES, GROUP_AT_TYPES, RECV_MSG_OPTS } from '../enums.js';
import { defineCallback } from './callback-spec.js';

/** The seven settings of a conversation, which the before-callbacks may override. */
const SETTINGS = {
  recvMsgOpt: int32Enum(RECV_MSG_OPTS),
  isPinned: goBool,
  isPrivateChat: goBool,
  burnDuration: int32,
  groupAtType: int32Enum(GROUP_AT_TYPES),
  attachedInfo: goString,
  ex: goString,
};

const OVERRIDES = {
  recvMsgOpt: pointer(SETTINGS.recvMsgOpt),
  isPinned: pointer(goBool),
  isPrivateChat: pointer(goBool),
  burnDuration: pointer(int32),
  groupAtType: pointer(SETTINGS.groupAtType),
  attachedInfo: pointer(goString),
  ex: pointer(goString),
};

// The JSON spells ownerUserId, conversationId, userId and groupId with a lower-case "d" here only.
const HEAD = {
  callbackCommand: goString,
  ownerUserId: goString,
  conversationId: goString,
  conversationType: int32Enum(Object.values(CONVERSATION_TYPES)),
};
const single = (name: string) => struct(name, HEAD, { userId: goString }, SETTINGS);
const group = (name: string) => struct(name, HEAD, { groupId: goString }, SETTINGS);

const SINGLE_EXAMPLE = {
  ownerUserId: '123228123',
  conversationId: 'si_123228123_622925731',
  conversationType: 1,
  userId: '622925731',
  ex: 'Extra conversation data',
} as const;

const GROUP_EXAMPLE = {
  ownerUserId: '',
  conversationId: 'sg_3928104756',
  conversationType: 3,
  groupId: '3928104756',
} as const;

export const CONVERSATION_CALLBACKS = [
  defineCallback({
    command: 'callbackBeforeCreateSingleChatConversationsCommand',
    configKey: 'beforeCreateSingleChatConversations',
    kind: 'before',
    area: 'conversation',
    request: single('CallbackBeforeCreateSingleChatConversationsReq'),
    answer: struct('CallbackBeforeCreateSingleChatConversationsResp', OVERRIDES),
    notes: [
      'Sent on the first message of a chat, for the sender\u2019s conversation, then (OpenIM bug) for the same one again instead of the peer\u2019s: the second answer\u2019s overrides are lost.',
      'conversationType 1 (`si_`) or 4 (`sn_`, notification chats).',
    ],
    example: SINGLE_EXAMPLE,
  }),
  defineCallback({
    command: 'callbackAfterCreateSingleChatConversationsCommand',
    configKey: 'afterCreateSingleChatConversations',
    kind: 'after',
    area: 'conversation',
    request: single('CallbackAfterCreateSingleChatConversationsReq'),
    notes: ['Normally twice per new chat, one per owner; fired even when the insert failed.'],
    example: SINGLE_EXAMPLE,
  }),
  defineCallback({
    command: 'callbackBeforeCreateGroupChatConversationsCommand',
    configKey: 'beforeCreateGroupChatConversations',
    kind: 'before',
    area: 'conversation',
    request: group('CallbackBeforeCreateGroupChatConversationsReq'),
    answer: struct('CallbackBeforeCreateGroupChatConversationsResp', OVERRIDES),
    notes: ['`ownerUserId` is always ""; one call per RPC, repeated on every join with the same `sg_` id.'],
    example: GROUP_EXAMPLE,
  }),
  defineCallback({
    command: 'callbackAfterCreateGroupChatConversationsCommand',
    configKey: 'afterCreateGroupChatConversations',
    kind: 'after',
    area: 'conversation',
    request: group('CallbackAfterCreateGroupChatConversationsReq'),
    notes: ['`ownerUserId` is always ""; no member list in the payload.'],
    example: GROUP_EXAMPLE,
  }),
] as const;
