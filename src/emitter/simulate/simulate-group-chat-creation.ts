import { CONVERSATION_TYPES, groupChatConversationId } from '../../protocol/index.js';
import { applyOverrides } from '../apply-overrides.js';
import { conversationPayload } from './conversation-payload.js';
import type { Emitter } from '../emitter-types.js';
import { issueAfter } from './issue-after.js';
import { issueBefore } from './issue-before.js';
import { newOperationId } from '../../wire/new-operation-id.js';
import { overridesOf } from '../overrides-of.js';
import type { GroupInput, SimulationResult, SimulationStep } from './simulation-types.js';
import { stopsOperation } from './stops-operation.js';

const BEFORE = 'callbackBeforeCreateGroupChatConversationsCommand';
const AFTER = 'callbackAfterCreateGroupChatConversationsCommand';

/**
 * A group's conversations being created (first message, direct join, accepted invitation or application): one
 * before and one after per call whatever the number of members, `sg_` id, conversationType 3, `groupId` set and
 * `ownerUserId` always "" (docs/protocol.md §2). No member list goes over the wire.
 *
 * @example
 * await simulateGroupChatCreation(emitter, { groupID: '3171489208' });
 */
export async function simulateGroupChatCreation(
  emitter: Emitter,
  input: GroupInput,
): Promise<SimulationResult> {
  const operationID = input.operationID ?? newOperationId();
  const conversationId = groupChatConversationId(input.groupID);
  const steps: SimulationStep[] = [];
  let conversation = conversationPayload({
    ownerUserId: '',
    conversationId,
    conversationType: CONVERSATION_TYPES.group,
    peer: { groupId: input.groupID },
  });
  const before = await issueBefore(emitter, steps, 'before', BEFORE, conversation, operationID);
  if (stopsOperation(before)) return { operationID, conversationId, steps, stoppedAt: steps.at(-1) ?? null };
  conversation = applyOverrides(conversation, overridesOf(before));
  await issueAfter(emitter, steps, 'after', AFTER, conversation, operationID);
  return { operationID, conversationId, steps, stoppedAt: null };
}
