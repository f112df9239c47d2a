import {
  embed,
  goBool,
  goInt,
  goString,
  int32,
  int64,
  jsonText,
  pointer,
  slice,
  struct,
  uint32,
} from '../go-types.js';

/**
 * Structs that several callbacks share, as OpenIM declares them (pkg/callbackstruct, and openimsdk/protocol's sdkws
 * and the server's apistruct). Their README short names: MSG, ST, GI, UI, OPI.
 */

/** MSG: the message base request (`CommonCallbackReq`). `atUserList` is a nil slice (null) without @-mentions. */
export const COMMON_CALLBACK_REQ = struct('CommonCallbackReq', {
  sendID: goString,
  callbackCommand: goString,
  serverMsgID: goString,
  clientMsgID: goString,
  operationID: goString,
  senderPlatformID: int32,
  senderNickname: goString,
  sessionType: int32,
  msgFrom: int32,
  contentType: int32,
  status: int32,
  sendTime: int64,
  createTime: int64,
  content: jsonText,
  seq: uint32,
  atUserList: slice(goString),
  faceURL: goString,
  ex: goString,
});

/** ST: the user-status base of gateway and push callbacks (`UserStatusBaseCallback`); platformID is Go `int`. */
export const USER_STATUS_BASE = struct('UserStatusBaseCallback', {
  callbackCommand: goString,
  operationID: goString,
  platformID: goInt,
  platform: goString,
});

export const USER_STATUS_REQ = struct('UserStatusCallbackReq', embed(USER_STATUS_BASE), { userID: goString });

/** GI: sdkws.GroupInfo. */
export const GROUP_INFO = struct('GroupInfo', {
  groupID: goString,
  groupName: goString,
  notification: goString,
  introduction: goString,
  faceURL: goString,
  ownerUserID: goString,
  createTime: int64,
  memberCount: uint32,
  ex: goString,
  status: int32,
  creatorUserID: goString,
  groupType: int32,
  needVerification: int32,
  lookMemberInfo: int32,
  applyMemberFriend: int32,
  notificationUpdateTime: int64,
  notificationUserID: goString,
});

/** UI: sdkws.UserInfo. */
export const USER_INFO = struct('UserInfo', {
  userID: goString,
  nickname: goString,
  faceURL: goString,
  ex: goString,
  createTime: int64,
  appMangerLevel: int32,
  globalRecvMsgOpt: int32,
});

/** OPI: sdkws.OfflinePushInfo. */
export const OFFLINE_PUSH_INFO = struct('OfflinePushInfo', {
  title: goString,
  desc: goString,
  ex: goString,
  iOSPushSound: goString,
  iOSBadgeCount: goBool,
  signalInfo: goString,
});

/** apistruct.GroupAddMemberInfo: roleLevel 100 owner, 60 admin, 20 member. */
export const GROUP_ADD_MEMBER_INFO = struct('GroupAddMemberInfo', { userID: goString, roleLevel: int32 });

export const USER_INFO_LIST = slice(pointer(USER_INFO));
