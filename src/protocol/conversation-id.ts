import { CONVERSATION_TYPES } from './enums.js';
import type { ConversationCallback } from './conversation-callbacks.js';

/**
 * Go's `sort.Strings` compares UTF-8 bytes, and UTF-8 byte order is Unicode code point order. JavaScript's `<`
 * compares UTF-16 code units, which differs for characters above U+FFFF, so compare code points.
 */
export function compareGoStrings(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const diff = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (diff !== 0) return diff;
  }
}

function sortedPair(a: string, b: string): string {
  return compareGoStrings(a, b) <= 0 ? `${a}_${b}` : `${b}_${a}`;
}

/** `si_<min>_<max>`: the chat conversation of a single chat (session type 1). */
export function singleChatConversationId(sendID: string, recvID: string): string {
  return `si_${sortedPair(sendID, recvID)}`;
}

/** `sn_<min>_<max>`: the chat conversation of a notification chat (session type 4). */
export function notificationChatConversationId(sendID: string, recvID: string): string {
  return `sn_${sortedPair(sendID, recvID)}`;
}

/** `sg_<groupID>`: the chat conversation of a (read-diffusion) group, session type 3. */
export function groupChatConversationId(groupID: string): string {
  return `sg_${groupID}`;
}

/**
 * What OpenIM would have made of this payload's owner and peer, or undefined if the type has no rule.
 */
export function expectedConversationId(callback: ConversationCallback): string | undefined {
  if ('groupId' in callback) {
    return callback.conversationType === CONVERSATION_TYPES.group
      ? groupChatConversationId(callback.groupId)
      : undefined;
  }
  switch (callback.conversationType) {
    case CONVERSATION_TYPES.single:
      return singleChatConversationId(callback.ownerUserId, callback.userId);
    case CONVERSATION_TYPES.notification:
      return notificationChatConversationId(callback.ownerUserId, callback.userId);
    default:
      return undefined;
  }
}

/**
 * Inconsistencies worth a warning but never a rejection: OpenIM is the authority on its ids, and an after-callback
 * refused here would be lost for good (OpenIM never retries).
 */
export function conversationWarnings(callback: ConversationCallback): string[] {
  const warnings: string[] = [];
  const expected = expectedConversationId(callback);
  if (expected === undefined) {
    warnings.push(`conversationType ${callback.conversationType} is unusual for ${callback.callbackCommand}`);
  } else if (expected !== callback.conversationId) {
    warnings.push(
      `conversationId ${JSON.stringify(callback.conversationId)} does not match its pair: expected ${JSON.stringify(expected)}`,
    );
  }
  return warnings;
}
