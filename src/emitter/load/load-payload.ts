import {
  CONVERSATION_TYPES,
  groupChatConversationId,
  singleChatConversationId,
} from '../../protocol/index.js';
import { conversationPayload } from '../simulate/conversation-payload.js';

/**
 * The n-th callback of a load run: a conversation nobody has seen before (`runId` is unique per run). IDs avoid
 * "_" so that the `si_` pair stays parseable.
 */
export function loadPayload(command: string, runId: string, n: number): Record<string, unknown> {
  if (command.includes('GroupChat')) {
    const groupID = `lg${runId}x${n}`;
    return {
      callbackCommand: command,
      ...conversationPayload({
        ownerUserId: '',
        conversationId: groupChatConversationId(groupID),
        conversationType: CONVERSATION_TYPES.group,
        peer: { groupId: groupID },
      }),
    };
  }
  const owner = `l${runId}x${n}a`;
  const peer = `l${runId}x${n}b`;
  return {
    callbackCommand: command,
    ...conversationPayload({
      ownerUserId: owner,
      conversationId: singleChatConversationId(owner, peer),
      conversationType: CONVERSATION_TYPES.single,
      peer: { userId: peer },
    }),
  };
}
