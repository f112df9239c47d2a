import { goString, int32, slice, struct } from '../go-types.js';
import { defineCallback } from './callback-spec.js';

const ALICE = '2948571036';
const BOB = '8517239460';

const FROM_TO = { callbackCommand: goString, fromUserID: goString, toUserID: goString, reqMsg: goString };

// `blackUserID` carries the friend (toUserID) and `HandleResult`/`HandleMsg` are capitalised, as OpenIM declares them.
const agree = (name: string) =>
  struct(name, {
    callbackCommand: goString,
    fromUserID: goString,
    blackUserID: goString,
    HandleResult: int32,
    HandleMsg: goString,
  });

const ownerFriend = (name: string) =>
  struct(name, { callbackCommand: goString, ownerUserID: goString, friendUserID: goString });

const remark = (name: string) =>
  struct(name, {
    callbackCommand: goString,
    ownerUserID: goString,
    friendUserID: goString,
    remark: goString,
  });

const importFriends = (name: string) =>
  struct(name, { callbackCommand: goString, ownerUserID: goString, friendUserIDs: slice(goString) });

const ownerBlack = (name: string) =>
  struct(name, { callbackCommand: goString, ownerUserID: goString, blackUserID: goString });

const AGREE_EXAMPLE = { fromUserID: ALICE, blackUserID: BOB, HandleResult: 1, HandleMsg: 'Nice to meet you' };

export const FRIEND_CALLBACKS = [
  defineCallback({
    command: 'callbackBeforeAddFriendCommand',
    configKey: 'beforeAddFriend',
    kind: 'before',
    area: 'friend',
    request: struct('CallbackBeforeAddFriendReq', FROM_TO, { ex: goString }),
    notes: ['Continue or reject only.'],
    example: { fromUserID: ALICE, toUserID: BOB, reqMsg: 'Hi, it\u2019s Alice from the meetup', ex: '' },
  }),
  defineCallback({
    command: 'callbackAfterAddFriendCommand',
    configKey: 'afterAddFriend',
    kind: 'after',
    area: 'friend',
    request: struct('CallbackAfterAddFriendReq', FROM_TO),
    notes: ['Fires when the friend *application* is stored, not when it is accepted.'],
    example: { fromUserID: ALICE, toUserID: BOB, reqMsg: 'Hi, it\u2019s Alice from the meetup' },
  }),
  defineCallback({
    command: 'callbackBeforeAddFriendAgreeCommand',
    configKey: 'beforeAddFriendAgree',
    kind: 'before',
    area: 'friend',
    request: agree('CallbackBeforeAddFriendAgreeReq'),
    notes: [
      'Continue or reject only; sent only when handleResult is 1 (agree).',
      '`blackUserID` holds the toUserID (misnamed by OpenIM).',
    ],
    example: AGREE_EXAMPLE,
  }),
  defineCallback({
    command: 'callbackAfterAddFriendAgreeCommand',
    configKey: 'afterAddFriendAgree',
    kind: 'after',
    area: 'friend',
    request: agree('CallbackAfterAddFriendAgreeReq'),
    notes: ['`blackUserID` holds the toUserID (misnamed by OpenIM).'],
    example: AGREE_EXAMPLE,
  }),
  defineCallback({
    command: 'callbackAfterDeleteFriendCommand',
    configKey: 'afterDeleteFriend',
    kind: 'after',
    area: 'friend',
    request: ownerFriend('CallbackAfterDeleteFriendReq'),
    notes: [],
    example: { ownerUserID: ALICE, friendUserID: BOB },
  }),
  defineCallback({
    command: 'callbackBeforeImportFriendsCommand',
    configKey: 'beforeImportFriends',
    kind: 'before',
    area: 'friend',
    request: importFriends('CallbackBeforeImportFriendsReq'),
    answer: struct('CallbackBeforeImportFriendsResp', { friendUserIDs: slice(goString) }),
    notes: ['A non-empty `friendUserIDs` replaces the list; an empty one changes nothing.'],
    example: { ownerUserID: ALICE, friendUserIDs: [BOB, '5102938476'] },
  }),
  defineCallback({
    command: 'callbackAfterImportFriendsCommand',
    configKey: 'afterImportFriends',
    kind: 'after',
    area: 'friend',
    request: importFriends('CallbackAfterImportFriendsReq'),
    notes: [],
    example: { ownerUserID: ALICE, friendUserIDs: [BOB, '5102938476'] },
  }),
  defineCallback({
    command: 'callbackBeforeSetFriendRemarkCommand',
    configKey: 'beforeSetFriendRemark',
    kind: 'before',
    area: 'friend',
    request: remark('CallbackBeforeSetFriendRemarkReq'),
    answer: struct('CallbackBeforeSetFriendRemarkResp', { remark: goString }),
    notes: ['A non-empty `remark` replaces the one being set; an answer cannot clear it.'],
    example: { ownerUserID: ALICE, friendUserID: BOB, remark: 'Bob (climbing)' },
  }),
  defineCallback({
    command: 'callbackAfterSetFriendRemarkCommand',
    configKey: 'afterSetFriendRemark',
    kind: 'after',
    area: 'friend',
    request: remark('CallbackAfterSetFriendRemarkReq'),
    notes: [],
    example: { ownerUserID: ALICE, friendUserID: BOB, remark: 'Bob (climbing)' },
  }),
  defineCallback({
    command: 'callbackBeforeAddBlackCommand',
    configKey: 'beforeAddBlack',
    kind: 'before',
    area: 'friend',
    request: ownerBlack('CallbackBeforeAddBlackReq'),
    notes: ['Continue or reject only.'],
    example: { ownerUserID: ALICE, blackUserID: BOB },
  }),
  defineCallback({
    command: 'callbackAfterRemoveBlackCommand',
    configKey: 'afterRemoveBlack',
    kind: 'after',
    area: 'friend',
    request: ownerBlack('CallbackAfterRemoveBlackReq'),
    notes: [],
    example: { ownerUserID: ALICE, blackUserID: BOB },
  }),
] as const;
