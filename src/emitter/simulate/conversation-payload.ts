import type { ConversationType } from '../../protocol/index.js';

export interface ConversationPayloadInput {
  readonly ownerUserId: string;
  readonly conversationId: string;
  readonly conversationType: ConversationType;
  /** `userId` for single and notification chats, `groupId` for groups. */
  readonly peer: { readonly userId: string } | { readonly groupId: string };
}

/**
 * A conversation row as OpenIM fills it before any override: every setting at its zero value
 * (docs/protocol.md §2).
 */
export function conversationPayload(input: ConversationPayloadInput): Record<string, unknown> {
  return {
    ownerUserId: input.ownerUserId,
    conversationId: input.conversationId,
    conversationType: input.conversationType,
    ...input.peer,
    recvMsgOpt: 0,
    isPinned: false,
    isPrivateChat: false,
    burnDuration: 0,
    groupAtType: 0,
    attachedInfo: '',
    ex: '',
  };
}
