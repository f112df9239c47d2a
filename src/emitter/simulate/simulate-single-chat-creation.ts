import { CONVERSATION_TYPES, singleChatConversationId } from '../../protocol/index.js';
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
 * The conversation callbacks of the first message of a single chat, in OpenIM's exact sequence
 * (docs/protocol.md §2): before(A), after(A), before(A again) — OpenIM passes the sender's conversation twice and
 * loses the second answer's overrides; with `fixOpenimBugs` it is before(B) and its overrides apply to B — then
 * after(B). B is a copy of A (overrides included) with owner and peer swapped. A failed before-callback stops the sequence where OpenIM
 * stops it.
 *
 * @example
 * const { steps } = await simulateSingleChatCreation(emitter, { sendID: 'alice', recvID: 'bob' });
 */
export async function simulateSingleChatCreation(
  emitter: Emitter,
  input: PairInput,
): Promise<SimulationResult> {
  const operationID = input.operationID ?? newOperationId();
  const conversationId = singleChatConversationId(input.sendID, input.recvID);
  const steps: SimulationStep[] = [];
  const stop = (): SimulationResult => ({
    operationID,
    conversationId,
    steps,
    stoppedAt: steps.at(-1) ?? null,
  });

  let a = conversationPayload({
    ownerUserId: input.sendID,
    conversationId,
    conversationType: CONVERSATION_TYPES.single,
    peer: { userId: input.recvID },
  });
  const first = await issueBefore(emitter, steps, 'before(A)', BEFORE, a, operationID);
  if (stopsOperation(first)) return stop();
  a = applyOverrides(a, overridesOf(first));
  await issueAfter(emitter, steps, 'after(A)', AFTER, a, operationID);

  let b: Record<string, unknown> = { ...a, ownerUserId: input.recvID, userId: input.sendID };
  const second = emitter.fixOpenimBugs
    ? await issueBefore(emitter, steps, 'before(B)', BEFORE, b, operationID)
    : await issueBefore(emitter, steps, 'before(A again)', BEFORE, a, operationID);
  if (stopsOperation(second)) return stop();
  if (emitter.fixOpenimBugs) b = applyOverrides(b, overridesOf(second));
  await issueAfter(emitter, steps, 'after(B)', AFTER, b, operationID);
  return { operationID, conversationId, steps, stoppedAt: null };
}
