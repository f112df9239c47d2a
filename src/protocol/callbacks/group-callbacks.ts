import { embed, goString, int32, int64, mustSet, pointer, slice, struct, wrapper } from '../go-types.js';
import { GROUP_ADD_MEMBER_INFO, GROUP_INFO } from './shared-structs.js';
import { defineCallback } from './callback-spec.js';

const GROUP = '3928104756';
const ALICE = '2948571036';
const BOB = '8517239460';
const CAROL = '5102938476';

const NEW_GROUP = {
  groupID: GROUP,
  groupName: 'Climbing club 🧗',
  notification: 'Wednesday: <bouldering> & pizza',
  introduction: 'Weekly sessions',
  faceURL: 'https://example.com/groups/3928104756.png',
  ownerUserID: ALICE,
  createTime: 0,
  memberCount: 0,
  ex: '',
  status: 0,
  creatorUserID: ALICE,
  groupType: 2,
  needVerification: 0,
  lookMemberInfo: 0,
  applyMemberFriend: 0,
  notificationUpdateTime: 0,
  notificationUserID: '',
  initMemberList: [
    { userID: ALICE, roleLevel: 100 },
    { userID: BOB, roleLevel: 60 },
    { userID: CAROL, roleLevel: 20 },
  ],
};

const memberInfo = (name: string) =>
  struct(name, {
    callbackCommand: goString,
    groupID: goString,
    userID: goString,
    nickName: pointer(goString),
    faceURL: pointer(goString),
    roleLevel: pointer(int32),
    ex: pointer(goString),
  });

const SET_INFO_HEAD = { callbackCommand: goString, operationID: goString };
const GROUP_TEXTS = {
  groupID: goString,
  groupName: goString,
  notification: goString,
  introduction: goString,
  faceURL: goString,
};
/** What SetGroupInfo changes, nil when not being set (the after-callback, and the before-callback's answer). */
const SET_INFO_OPTIONAL = {
  ...GROUP_TEXTS,
  ex: pointer(goString),
  needVerification: pointer(int32),
  lookMemberInfo: pointer(int32),
  applyMemberFriend: pointer(int32),
};
/** What SetGroupInfoEx changes, as wrapperspb scalars: null when not being set (request and answer alike). */
const SET_INFO_EX = {
  groupID: goString,
  groupName: wrapper(goString),
  notification: wrapper(goString),
  introduction: wrapper(goString),
  faceURL: wrapper(goString),
  ex: wrapper(goString),
  needVerification: wrapper(int32),
  lookMemberInfo: wrapper(int32),
  applyMemberFriend: wrapper(int32),
};

const setInfo = (name: string) =>
  struct(name, SET_INFO_HEAD, {
    ...GROUP_TEXTS,
    ex: goString,
    needVerification: int32,
    lookMemberInfo: int32,
    applyMemberFriend: int32,
  });
const setInfoAfter = struct('CallbackAfterSetGroupInfoReq', SET_INFO_HEAD, SET_INFO_OPTIONAL);
const setInfoEx = (name: string) => struct(name, SET_INFO_HEAD, SET_INFO_EX);

// GroupInfo is an embedded *GroupInfo in OpenIM; it is never nil there (CreateGroup refuses a request without it).
const INIT_MEMBERS = { initMemberList: slice(pointer(GROUP_ADD_MEMBER_INFO)) };
const BEFORE_CREATE_GROUP = struct(
  'CallbackBeforeCreateGroupReq',
  { operationID: goString, callbackCommand: goString },
  embed(GROUP_INFO),
  INIT_MEMBERS,
);
const AFTER_CREATE_GROUP = struct(
  'CallbackAfterCreateGroupReq',
  { callbackCommand: goString },
  embed(GROUP_INFO),
  INIT_MEMBERS,
);

const MEMBER_INFO_EXAMPLE = { groupID: GROUP, userID: BOB, nickName: 'Bobby', roleLevel: 60 };

export const GROUP_CALLBACKS = [
  defineCallback({
    command: 'callbackBeforeCreateGroupCommand',
    configKey: 'beforeCreateGroup',
    kind: 'before',
    area: 'group',
    request: BEFORE_CREATE_GROUP,
    answer: struct('CallbackBeforeCreateGroupResp', {
      groupID: pointer(goString),
      groupName: pointer(goString),
      notification: pointer(goString),
      introduction: pointer(goString),
      faceURL: pointer(goString),
      ownerUserID: pointer(goString),
      ex: pointer(goString),
      status: pointer(int32),
      creatorUserID: pointer(goString),
      groupType: pointer(int32),
      needVerification: pointer(int32),
      lookMemberInfo: pointer(int32),
      applyMemberFriend: pointer(int32),
    }),
    ignored: ['applyMemberFriend'],
    notes: [
      'operationID comes first here, then the flattened GroupInfo.',
      'initMemberList: the owner (roleLevel 100), admins (60), members (20).',
      '`applyMemberFriend` is decoded but never applied.',
    ],
    example: NEW_GROUP,
  }),
  defineCallback({
    command: 'callbackAfterCreateGroupCommand',
    configKey: 'afterCreateGroup',
    kind: 'after',
    area: 'group',
    request: AFTER_CREATE_GROUP,
    notes: [],
    example: NEW_GROUP,
  }),
  defineCallback({
    command: 'callbackBeforeMembersJoinGroupCommand',
    configKey: 'beforeMemberJoinGroup',
    kind: 'before',
    area: 'group',
    request: struct('CallbackBeforeMembersJoinGroupReq', {
      callbackCommand: goString,
      groupID: goString,
      memberList: slice(pointer(struct('CallbackGroupMember', { userID: goString, ex: goString }))),
      groupEx: goString,
    }),
    answer: struct('CallbackBeforeMembersJoinGroupResp', {
      memberCallbackList: slice(
        pointer(
          struct('MemberJoinGroupCallBack', {
            userID: mustSet(goString),
            nickname: pointer(goString),
            faceURL: pointer(goString),
            roleLevel: pointer(int32),
            muteEndTime: pointer(int64),
            ex: pointer(goString),
          }),
        ),
      ),
    }),
    notes: [
      'Fires on group creation (all members), invitation, direct join and accepted application.',
      'Each memberCallbackList entry needs `userID` (OpenIM dereferences it); entries for users not joining are skipped.',
      '`muteEndTime` is in epoch milliseconds.',
    ],
    example: {
      groupID: GROUP,
      memberList: [
        { userID: BOB, ex: '' },
        { userID: CAROL, ex: '{"invitedBy":"2948571036"}' },
      ],
      groupEx: '',
    },
  }),
  defineCallback({
    command: 'callbackBeforeSetGroupMemberInfoCommand',
    configKey: 'beforeSetGroupMemberInfo',
    kind: 'before',
    area: 'group',
    request: memberInfo('CallbackBeforeSetGroupMemberInfoReq'),
    answer: struct('CallbackBeforeSetGroupMemberInfoResp', {
      ex: pointer(goString),
      nickName: pointer(goString),
      faceURL: pointer(goString),
      roleLevel: pointer(int32),
    }),
    notes: ['One call per member of the batch; fields not being set are null.'],
    example: MEMBER_INFO_EXAMPLE,
  }),
  defineCallback({
    command: 'callbackAfterSetGroupMemberInfoCommand',
    configKey: 'afterSetGroupMemberInfo',
    kind: 'after',
    area: 'group',
    request: memberInfo('CallbackAfterSetGroupMemberInfoReq'),
    notes: ['Fields not being set are null.'],
    example: MEMBER_INFO_EXAMPLE,
  }),
  defineCallback({
    command: 'callbackAfterQuitGroupCommand',
    configKey: 'afterQuitGroup',
    kind: 'after',
    area: 'group',
    request: struct('CallbackQuitGroupReq', {
      callbackCommand: goString,
      groupID: goString,
      userID: goString,
    }),
    notes: [],
    example: { groupID: GROUP, userID: CAROL },
  }),
  defineCallback({
    command: 'callbackAfterKickGroupCommand',
    configKey: 'afterKickGroupMember',
    kind: 'after',
    area: 'group',
    request: struct('CallbackKillGroupMemberReq', {
      callbackCommand: goString,
      groupID: goString,
      kickedUserIDs: slice(goString),
      reason: goString,
    }),
    notes: [],
    example: { groupID: GROUP, kickedUserIDs: [CAROL], reason: 'spam' },
  }),
  defineCallback({
    command: 'callbackAfterDisMissGroupCommand',
    configKey: 'afterDismissGroup',
    kind: 'after',
    area: 'group',
    request: struct('CallbackDisMissGroupReq', {
      callbackCommand: goString,
      groupID: goString,
      ownerID: goString,
      groupType: goString,
      membersID: slice(goString),
    }),
    notes: ['`groupType` is Go `string(int32)`: one control character ("\\u0002" for type 2), not "2".'],
    example: { groupID: GROUP, ownerID: ALICE, groupType: '\u0002', membersID: [ALICE, BOB, CAROL] },
  }),
  defineCallback({
    command: 'callbackBeforeJoinGroupCommand',
    configKey: 'beforeApplyJoinGroup',
    kind: 'before',
    area: 'group',
    request: struct('CallbackJoinGroupReq', {
      callbackCommand: goString,
      groupID: goString,
      groupType: goString,
      applyID: goString,
      reqMessage: goString,
      ex: goString,
    }),
    notes: [
      'Continue or reject only; fires for every join request.',
      '`groupType` is Go `string(int32)`: one control character, not a digit. `applyID` is the joining user.',
    ],
    example: { groupID: GROUP, groupType: '\u0002', applyID: CAROL, reqMessage: 'Can I join?', ex: '' },
  }),
  defineCallback({
    command: 'callbackAfterJoinGroupCommand',
    configKey: 'afterJoinGroup',
    kind: 'after',
    area: 'group',
    request: struct('CallbackAfterJoinGroupReq', {
      callbackCommand: goString,
      operationID: goString,
      groupID: goString,
      reqMessage: goString,
      joinSource: int32,
      inviterUserID: goString,
    }),
    notes: ['Only for groups without verification; `inviterUserID` is the joining user.'],
    example: { groupID: GROUP, reqMessage: 'Hello all', joinSource: 3, inviterUserID: CAROL },
  }),
  defineCallback({
    command: 'callbackBeforeInviteJoinGroupCommand',
    configKey: 'beforeInviteUserToGroup',
    kind: 'before',
    area: 'group',
    request: struct('CallbackBeforeInviteUserToGroupReq', {
      callbackCommand: goString,
      operationID: goString,
      groupID: goString,
      reason: goString,
      invitedUserIDs: slice(goString),
    }),
    answer: struct('CallbackBeforeInviteUserToGroupResp', { refusedMembersAccount: slice(goString) }),
    ignored: ['refusedMembersAccount'],
    notes: ['Continue or reject only: `refusedMembersAccount` is decoded but ignored.'],
    example: { groupID: GROUP, reason: 'Join us', invitedUserIDs: [BOB, CAROL] },
  }),
  defineCallback({
    command: 'callbackAfterTransferGroupOwnerCommand',
    configKey: 'afterTransferGroupOwner',
    kind: 'after',
    area: 'group',
    request: struct('CallbackTransferGroupOwnerReq', {
      callbackCommand: goString,
      groupID: goString,
      oldOwnerUserID: goString,
      newOwnerUserID: goString,
    }),
    notes: [],
    example: { groupID: GROUP, oldOwnerUserID: ALICE, newOwnerUserID: BOB },
  }),
  defineCallback({
    command: 'callbackBeforeSetGroupInfoCommand',
    configKey: 'beforeSetGroupInfo',
    kind: 'before',
    area: 'group',
    request: setInfo('CallbackBeforeSetGroupInfoReq'),
    answer: struct('CallbackBeforeSetGroupInfoResp', SET_INFO_OPTIONAL),
    ignored: ['notification'],
    echo: ['groupID', 'groupName', 'introduction', 'faceURL'],
    notes: [
      'operationID is always "" and unset fields are "" / 0.',
      'OpenIM copies groupID, groupName, introduction and faceURL back whatever the answer says (no groupID: the update fails): the answer builder fills them from the request.',
      '`notification` in the answer is ignored.',
    ],
    example: { groupID: GROUP, groupName: 'Climbing club', notification: 'New time: 19:00' },
  }),
  defineCallback({
    command: 'callbackAfterSetGroupInfoCommand',
    configKey: 'afterSetGroupInfo',
    kind: 'after',
    area: 'group',
    request: setInfoAfter,
    notes: ['Unlike the before-callback, ex and the three settings are null when not being set.'],
    example: { groupID: GROUP, groupName: 'Climbing club', notification: 'New time: 19:00' },
  }),
  defineCallback({
    command: 'callbackBeforeSetGroupInfoExCommand',
    configKey: 'beforeSetGroupInfoEx',
    kind: 'before',
    area: 'group',
    request: setInfoEx('CallbackBeforeSetGroupInfoExReq'),
    answer: struct('CallbackBeforeSetGroupInfoExResp', SET_INFO_EX),
    ignored: ['notification'],
    echo: [
      'groupID',
      'groupName',
      'introduction',
      'faceURL',
      'ex',
      'needVerification',
      'lookMemberInfo',
      'applyMemberFriend',
    ],
    notes: [
      'operationID is always ""; fields not being set are null.',
      'OpenIM copies all answer fields but notification back unconditionally (absent = null = that change dropped; no groupID = the update fails): the answer builder fills them from the request.',
    ],
    example: { groupID: GROUP, groupName: 'Climbing club', needVerification: 1 },
  }),
  defineCallback({
    command: 'callbackAfterSetGroupInfoExCommand',
    configKey: 'afterSetGroupInfoEx',
    kind: 'after',
    area: 'group',
    request: setInfoEx('CallbackAfterSetGroupInfoExReq'),
    notes: ['Fields not being set are null.'],
    example: { groupID: GROUP, groupName: 'Climbing club', needVerification: 1 },
  }),
] as const;
