import {
  embed,
  embedPointer,
  goString,
  int32,
  int64,
  jsonText,
  pointer,
  slice,
  struct,
} from '../go-types.js';
import { OFFLINE_PUSH_INFO, USER_STATUS_BASE } from './shared-structs.js';
import { defineCallback } from './callback-spec.js';

const PUSH_FIELDS = {
  clientMsgID: goString,
  sendID: goString,
  groupID: goString,
  contentType: int32,
  sessionType: int32,
  atUserIDList: slice(goString),
  content: jsonText,
};

/** The answer fields of the three push callbacks (OpenIM applies some of them, see each). */
const PUSH_ANSWER = { userIDList: slice(goString), offlinePushInfo: pointer(OFFLINE_PUSH_INFO) };

const USER_STATUS_BATCH = struct('UserStatusBatchCallbackReq', embed(USER_STATUS_BASE), {
  userIDList: slice(goString),
});

/** Online and offline push share one struct; the offline push info is an embedded pointer, nil for online pushes. */
const BEFORE_PUSH = struct(
  'CallbackBeforePushReq',
  embed(USER_STATUS_BATCH),
  embedPointer(OFFLINE_PUSH_INFO),
  PUSH_FIELDS,
);

const PUSH_EXAMPLE = {
  platformID: 2,
  platform: 'Android',
  userIDList: ['8517239460'],
  clientMsgID: '7f3d2a91c5e64b8aa0d1e2f3a4b5c6d7',
  sendID: '2948571036',
  groupID: '',
  contentType: 101,
  sessionType: 1,
  content: '{"content":"Lunch at 12:30?"}',
};

export const PUSH_CALLBACKS = [
  defineCallback({
    command: 'callbackBeforeOnlinePushCommand',
    configKey: 'beforeOnlinePush',
    kind: 'before',
    area: 'push',
    request: BEFORE_PUSH,
    answer: struct('CallbackBeforePushResp', PUSH_ANSWER),
    ignored: ['userIDList', 'offlinePushInfo'],
    notes: [
      'Single and notification chats; continue or reject only (a rejection aborts that online push).',
      'platformID/platform are the sender\u2019s; no offline push info fields.',
    ],
    example: PUSH_EXAMPLE,
  }),
  defineCallback({
    command: 'callbackBeforeOfflinePushCommand',
    configKey: 'beforeOfflinePush',
    kind: 'before',
    area: 'push',
    request: BEFORE_PUSH,
    answer: struct('CallbackBeforePushResp', PUSH_ANSWER),
    notes: [
      'The message\u2019s offline push info is flattened into the request (title \u2026 signalInfo), absent when it has none.',
      'A non-empty `userIDList` replaces the targets; `offlinePushInfo` replaces the push info.',
    ],
    example: {
      ...PUSH_EXAMPLE,
      title: 'Alice',
      desc: 'Lunch at 12:30?',
      ex: '',
      iOSPushSound: 'default',
      iOSBadgeCount: true,
      signalInfo: '',
    },
  }),
  defineCallback({
    command: 'callbackBeforeGroupOnlinePushCommand',
    configKey: 'beforeGroupOnlinePush',
    kind: 'before',
    area: 'push',
    request: struct('CallbackBeforeSuperGroupOnlinePushReq', embed(USER_STATUS_BASE), PUSH_FIELDS, {
      seq: int64,
    }),
    answer: struct('CallbackBeforeSuperGroupOnlinePushResp', PUSH_ANSWER),
    ignored: ['offlinePushInfo'],
    notes: ['A non-empty `userIDList` replaces the push targets; `offlinePushInfo` is ignored.'],
    example: {
      platformID: 1,
      platform: 'iOS',
      clientMsgID: '7f3d2a91c5e64b8aa0d1e2f3a4b5c6d7',
      sendID: '2948571036',
      groupID: '3928104756',
      contentType: 101,
      sessionType: 3,
      content: '{"content":"大家好 👋"}',
      seq: 42,
    },
  }),
] as const;
