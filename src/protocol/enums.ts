/** OpenIM's conversation (session) types: 1 single chat, 3 group chat, 4 notification chat (docs/protocol.md §2). */
export const CONVERSATION_TYPES = { single: 1, group: 3, notification: 4 } as const;
export type ConversationType = (typeof CONVERSATION_TYPES)[keyof typeof CONVERSATION_TYPES];

/** 0 receive, 1 do not receive, 2 receive without notification. */
export const RECV_MSG_OPTS = [0, 1, 2] as const;
export type RecvMsgOpt = (typeof RECV_MSG_OPTS)[number];

/** 0 normal, 1 @me, 2 @all, 3 @all and @me, 4 group notification. */
export const GROUP_AT_TYPES = [0, 1, 2, 3, 4] as const;
export type GroupAtType = (typeof GROUP_AT_TYPES)[number];
