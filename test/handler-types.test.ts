import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { continueWith, createReceiver, reject } from '../src/receiver/index.js';
import type { CallbackHandlers } from '../src/receiver/index.js';
import type { OverridesOf, RequestOf } from '../src/protocol/index.js';

/**
 * The types are the API: `npm test` type-checks this file, and each `@ts-expect-error` fails the build if the line
 * under it stops being an error. The handlers also run, so the file checks what it types.
 */
const handlers: CallbackHandlers = {
  callbackBeforeMsgModifyCommand: ({ request }) =>
    continueWith({ content: request.content.replace('12:30', '13:00'), atUserIDList: [] }),
  callbackBeforeUpdateUserInfoCommand: () => continueWith({ nickName: 'x', faceURL: 'y', ex: 'z' }),
  callbackBeforeSetGroupInfoExCommand: async () => continueWith({ needVerification: 1 }),
  callbackBeforeMembersJoinGroupCommand: ({ request }) =>
    continueWith({
      memberCallbackList: (request.memberList ?? []).map((m) => ({ userID: m?.userID ?? '' })),
    }),
  // @ts-expect-error OpenIM applies nothing of a before-send answer: continue or reject only
  callbackBeforeSendSingleMsgCommand: () => continueWith({ content: '{}' }),
  // @ts-expect-error refusedMembersAccount is decoded by OpenIM but never applied
  callbackBeforeInviteJoinGroupCommand: () => continueWith({ refusedMembersAccount: ['u2'] }),
  callbackBeforeCreateSingleChatConversationsCommand: ({ request }) =>
    // @ts-expect-error recvMsgOpt takes 0, 1 or 2
    request.userId === 'x' ? continueWith({ recvMsgOpt: 7 }) : reject(20001, 'no'),
  callbackAfterQuitGroupCommand: ({ request }) => {
    // @ts-expect-error the request's types are OpenIM's: userID is a string
    const n: number = request.userID;
    void n;
  },
};

const wrong: CallbackHandlers = {
  // @ts-expect-error msgDataList is decoded by OpenIM but never applied
  callbackBeforeMsgModifyCommand: () => continueWith({ msgDataList: '' }),
  // @ts-expect-error each memberCallbackList entry needs its userID (OpenIM dereferences it)
  callbackBeforeMembersJoinGroupCommand: () => continueWith({ memberCallbackList: [{ nickname: 'n' }] }),
  // @ts-expect-error an after-callback decides nothing
  callbackAfterSendSingleMsgCommand: () => reject(20001),
};

describe('handler types', () => {
  it('typed requests and overrides: a wrong field or type does not compile, and the typed ones answer', async () => {
    const request: RequestOf<'callbackBeforeOfflinePushCommand'> = {
      callbackCommand: 'callbackBeforeOfflinePushCommand',
      operationID: '',
      platformID: 1,
      platform: 'iOS',
      userIDList: null,
      clientMsgID: '',
      sendID: '',
      groupID: '',
      contentType: 101,
      sessionType: 1,
      atUserIDList: null,
      content: '{}',
    };
    const overrides: OverridesOf<'callbackBeforeOfflinePushCommand'> = {
      userIDList: ['u1'],
      offlinePushInfo: { title: 't' },
    };
    assert.equal(request.title, undefined, 'the offline push info is absent when the message has none');
    assert.equal(Object.keys(wrong).length, 3);
    const receiver = createReceiver({
      handlers: { ...handlers, callbackBeforeOfflinePushCommand: () => continueWith(overrides) },
    });
    const body = JSON.stringify({ ...request });
    const response = await receiver.handle({
      method: 'POST',
      url: '/callbackExample/callbackBeforeOfflinePushCommand',
      header: () => undefined,
      body: new TextEncoder().encode(body),
    });
    assert.deepEqual(JSON.parse(response.body), {
      actionCode: 0,
      errCode: 0,
      errMsg: '',
      errDlt: '',
      nextCode: 0,
      userIDList: ['u1'],
      offlinePushInfo: { title: 't' },
    });
  });
});
