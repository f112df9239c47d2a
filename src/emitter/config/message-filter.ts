import type { CallbackConfig } from './webhooks-config.js';

const MESSAGE_COMMANDS: ReadonlySet<string> = new Set([
  'callbackBeforeSendSingleMsgCommand',
  'callbackAfterSendSingleMsgCommand',
  'callbackBeforeSendGroupMsgCommand',
  'callbackAfterSendGroupMsgCommand',
  'callbackBeforeMsgModifyCommand',
  'callbackAfterMsgSaveDBCommand',
]);

/** Where OpenIM compares attentionIds with recvID (for group messages recvID is normally "", so it suppresses). */
const ATTENTION_COMMANDS: ReadonlySet<string> = new Set([
  'callbackAfterSendSingleMsgCommand',
  'callbackAfterSendGroupMsgCommand',
]);

/**
 * Why OpenIM would not send this message callback (docs/protocol.md §3), or undefined when it would: typing (113)
 * and notification (1000–5000) content types never call back, `deniedTypes` match contentType exactly, and for the
 * after-send callbacks a non-empty `attentionIds` must contain recvID. Other commands are never filtered.
 */
export function messageFilterReason(
  command: string,
  settings: CallbackConfig,
  payload: Readonly<Record<string, unknown>>,
): string | undefined {
  if (!MESSAGE_COMMANDS.has(command)) return undefined;
  const contentType = payload['contentType'];
  if (typeof contentType === 'number') {
    if (contentType === 113) return 'content type 113 (typing) never calls back';
    if (contentType >= 1000 && contentType <= 5000) return `content type ${contentType} is a notification`;
    if (settings.deniedTypes.includes(contentType)) return `content type ${contentType} is in deniedTypes`;
  }
  if (ATTENTION_COMMANDS.has(command) && settings.attentionIds.length > 0) {
    const recvID = typeof payload['recvID'] === 'string' ? payload['recvID'] : '';
    if (!settings.attentionIds.includes(recvID))
      return `recvID ${JSON.stringify(recvID)} is not in attentionIds`;
  }
  return undefined;
}
