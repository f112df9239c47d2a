/**
 * The catalog of every callback command OpenIMServer (HEAD, mid-2026) can send, as data: routing, types and the
 * README table all come from this one tuple. `configKey` is the key under `config/webhooks.yml`.
 *
 * Note `callbackBeforeAfterMsgCommand`: OpenIM's afterRevokeMsg really sends that string (PROTOCOL.md §4.8).
 */
export const COMMANDS = [
  // messages
  {
    command: 'callbackBeforeSendSingleMsgCommand',
    configKey: 'beforeSendSingleMsg',
    kind: 'before',
    area: 'msg',
  },
  {
    command: 'callbackAfterSendSingleMsgCommand',
    configKey: 'afterSendSingleMsg',
    kind: 'after',
    area: 'msg',
  },
  {
    command: 'callbackBeforeSendGroupMsgCommand',
    configKey: 'beforeSendGroupMsg',
    kind: 'before',
    area: 'msg',
  },
  { command: 'callbackAfterSendGroupMsgCommand', configKey: 'afterSendGroupMsg', kind: 'after', area: 'msg' },
  { command: 'callbackBeforeMsgModifyCommand', configKey: 'beforeMsgModify', kind: 'before', area: 'msg' },
  { command: 'callbackAfterMsgSaveDBCommand', configKey: 'afterMsgSaveDB', kind: 'after', area: 'msg' },
  {
    command: 'callbackAfterSingleMsgReadCommand',
    configKey: 'afterSingleMsgRead',
    kind: 'after',
    area: 'msg',
  },
  { command: 'callbackAfterGroupMsgReadCommand', configKey: 'afterGroupMsgRead', kind: 'after', area: 'msg' },
  { command: 'callbackBeforeAfterMsgCommand', configKey: 'afterRevokeMsg', kind: 'after', area: 'msg' },
  // users
  {
    command: 'callbackBeforeUserRegisterCommand',
    configKey: 'beforeUserRegister',
    kind: 'before',
    area: 'user',
  },
  {
    command: 'callbackAfterUserRegisterCommand',
    configKey: 'afterUserRegister',
    kind: 'after',
    area: 'user',
  },
  {
    command: 'callbackBeforeUpdateUserInfoCommand',
    configKey: 'beforeUpdateUserInfo',
    kind: 'before',
    area: 'user',
  },
  {
    command: 'callbackAfterUpdateUserInfoCommand',
    configKey: 'afterUpdateUserInfo',
    kind: 'after',
    area: 'user',
  },
  {
    command: 'callbackBeforeUpdateUserInfoExCommand',
    configKey: 'beforeUpdateUserInfoEx',
    kind: 'before',
    area: 'user',
  },
  {
    command: 'callbackAfterUpdateUserInfoExCommand',
    configKey: 'afterUpdateUserInfoEx',
    kind: 'after',
    area: 'user',
  },
  // friends
  { command: 'callbackBeforeAddFriendCommand', configKey: 'beforeAddFriend', kind: 'before', area: 'friend' },
  { command: 'callbackAfterAddFriendCommand', configKey: 'afterAddFriend', kind: 'after', area: 'friend' },
  {
    command: 'callbackBeforeAddFriendAgreeCommand',
    configKey: 'beforeAddFriendAgree',
    kind: 'before',
    area: 'friend',
  },
  {
    command: 'callbackAfterAddFriendAgreeCommand',
    configKey: 'afterAddFriendAgree',
    kind: 'after',
    area: 'friend',
  },
  {
    command: 'callbackAfterDeleteFriendCommand',
    configKey: 'afterDeleteFriend',
    kind: 'after',
    area: 'friend',
  },
  {
    command: 'callbackBeforeImportFriendsCommand',
    configKey: 'beforeImportFriends',
    kind: 'before',
    area: 'friend',
  },
  {
    command: 'callbackAfterImportFriendsCommand',
    configKey: 'afterImportFriends',
    kind: 'after',
    area: 'friend',
  },
  {
    command: 'callbackBeforeSetFriendRemarkCommand',
    configKey: 'beforeSetFriendRemark',
    kind: 'before',
    area: 'friend',
  },
  {
    command: 'callbackAfterSetFriendRemarkCommand',
    configKey: 'afterSetFriendRemark',
    kind: 'after',
    area: 'friend',
  },
  { command: 'callbackBeforeAddBlackCommand', configKey: 'beforeAddBlack', kind: 'before', area: 'friend' },
  {
    command: 'callbackAfterRemoveBlackCommand',
    configKey: 'afterRemoveBlack',
    kind: 'after',
    area: 'friend',
  },
  // groups
  {
    command: 'callbackBeforeCreateGroupCommand',
    configKey: 'beforeCreateGroup',
    kind: 'before',
    area: 'group',
  },
  { command: 'callbackAfterCreateGroupCommand', configKey: 'afterCreateGroup', kind: 'after', area: 'group' },
  {
    command: 'callbackBeforeMembersJoinGroupCommand',
    configKey: 'beforeMemberJoinGroup',
    kind: 'before',
    area: 'group',
  },
  {
    command: 'callbackBeforeSetGroupMemberInfoCommand',
    configKey: 'beforeSetGroupMemberInfo',
    kind: 'before',
    area: 'group',
  },
  {
    command: 'callbackAfterSetGroupMemberInfoCommand',
    configKey: 'afterSetGroupMemberInfo',
    kind: 'after',
    area: 'group',
  },
  { command: 'callbackAfterQuitGroupCommand', configKey: 'afterQuitGroup', kind: 'after', area: 'group' },
  {
    command: 'callbackAfterKickGroupCommand',
    configKey: 'afterKickGroupMember',
    kind: 'after',
    area: 'group',
  },
  {
    command: 'callbackAfterDisMissGroupCommand',
    configKey: 'afterDismissGroup',
    kind: 'after',
    area: 'group',
  },
  {
    command: 'callbackBeforeJoinGroupCommand',
    configKey: 'beforeApplyJoinGroup',
    kind: 'before',
    area: 'group',
  },
  { command: 'callbackAfterJoinGroupCommand', configKey: 'afterJoinGroup', kind: 'after', area: 'group' },
  {
    command: 'callbackBeforeInviteJoinGroupCommand',
    configKey: 'beforeInviteUserToGroup',
    kind: 'before',
    area: 'group',
  },
  {
    command: 'callbackAfterTransferGroupOwnerCommand',
    configKey: 'afterTransferGroupOwner',
    kind: 'after',
    area: 'group',
  },
  {
    command: 'callbackBeforeSetGroupInfoCommand',
    configKey: 'beforeSetGroupInfo',
    kind: 'before',
    area: 'group',
  },
  {
    command: 'callbackAfterSetGroupInfoCommand',
    configKey: 'afterSetGroupInfo',
    kind: 'after',
    area: 'group',
  },
  {
    command: 'callbackBeforeSetGroupInfoExCommand',
    configKey: 'beforeSetGroupInfoEx',
    kind: 'before',
    area: 'group',
  },
  {
    command: 'callbackAfterSetGroupInfoExCommand',
    configKey: 'afterSetGroupInfoEx',
    kind: 'after',
    area: 'group',
  },
  // push
  { command: 'callbackBeforeOnlinePushCommand', configKey: 'beforeOnlinePush', kind: 'before', area: 'push' },
  {
    command: 'callbackBeforeOfflinePushCommand',
    configKey: 'beforeOfflinePush',
    kind: 'before',
    area: 'push',
  },
  {
    command: 'callbackBeforeGroupOnlinePushCommand',
    configKey: 'beforeGroupOnlinePush',
    kind: 'before',
    area: 'push',
  },
  // gateway
  { command: 'callbackAfterUserOnlineCommand', configKey: 'afterUserOnline', kind: 'after', area: 'gateway' },
  {
    command: 'callbackAfterUserOfflineCommand',
    configKey: 'afterUserOffline',
    kind: 'after',
    area: 'gateway',
  },
  {
    command: 'callbackAfterUserKickOffCommand',
    configKey: 'afterUserKickOff',
    kind: 'after',
    area: 'gateway',
  },
  // conversations: modelled in depth (see conversation-callbacks.ts)
  {
    command: 'callbackBeforeCreateSingleChatConversationsCommand',
    configKey: 'beforeCreateSingleChatConversations',
    kind: 'before',
    area: 'conversation',
  },
  {
    command: 'callbackAfterCreateSingleChatConversationsCommand',
    configKey: 'afterCreateSingleChatConversations',
    kind: 'after',
    area: 'conversation',
  },
  {
    command: 'callbackBeforeCreateGroupChatConversationsCommand',
    configKey: 'beforeCreateGroupChatConversations',
    kind: 'before',
    area: 'conversation',
  },
  {
    command: 'callbackAfterCreateGroupChatConversationsCommand',
    configKey: 'afterCreateGroupChatConversations',
    kind: 'after',
    area: 'conversation',
  },
] as const;

export type CommandInfo = (typeof COMMANDS)[number];
export type CallbackCommand = CommandInfo['command'];
export type CallbackKind = CommandInfo['kind'];
export type BeforeCommand = Extract<CommandInfo, { kind: 'before' }>['command'];
export type AfterCommand = Extract<CommandInfo, { kind: 'after' }>['command'];

const byName: ReadonlyMap<string, CommandInfo> = new Map(COMMANDS.map((info) => [info.command, info]));

/** The catalog entry of `name`, or undefined when OpenIM never sends such a command. */
export function findCommand(name: string): CommandInfo | undefined {
  return byName.get(name);
}

export function isCallbackCommand(name: string): name is CallbackCommand {
  return byName.has(name);
}
