import { CONVERSATION_TYPES, notificationChatConversationId } from '../../protocol/index.js';
import { applyOverrides } from '../apply-overrides.js';
import { conversationPayload } from './conversation-payload.js';
import type { Emitter } from '../emitter-types.js';
import { issueAfter } from './issue-after.js';
import { issueBefore } from './issue-before.js';
import { newOperationId } from '../../wire/new-operation-id.js';
import { overridesOf } from '../overrides-of.js';
import type { PairInput, SimulationResult, SimulationStep } from './simulation-types.js';
import { stopsOperation } from './stops-operation.js';

const BEFORE = 'callbackBeforeCreateSingleChatConversationsCommand';
const AFTER = 'callbackAfterCreateSingleChatConversationsCommand';

/**
 * The first message of a notification chat (session type 4): one before and one after, owner = the receiver,
 * userId = the sender (the notification account), `sn_` id, conversationType 4 (docs/protocol.md §2).
 *
 * @example
 * await simulateNotificationChatCreation(emitter, { sendID: 'notice-bot', recvID: 'bob' });
 */
export async function simulateNotificationChatCreation(
  emitter: Emitter,
  input: PairInput,
): Promise<SimulationResult> {
  const operationID = input.operationID ?? newOperationId();
  const conversationId = notificationChatConversationId(input.sendID, input.recvID);
  const steps: SimulationStep[] = [];
  let conversation = conversationPayload({
    ownerUserId: input.recvID,
    conversationId,
    conversationType: CONVERSATION_TYPES.notification,
    peer: { userId: input.sendID },
  });
  const before = await issueBefore(emitter, steps, 'before', BEFORE, conversation, operationID);
  if (stopsOperation(before)) return { operationID, conversationId, steps, stoppedAt: steps.at(-1) ?? null };
  conversation = applyOverrides(conversation, overridesOf(before));
  await issueAfter(emitter, steps, 'after', AFTER, conversation, operationID);
  return { operationID, conversationId, steps, stoppedAt: null };
}
