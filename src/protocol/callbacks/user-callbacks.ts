import { goString, pointer, struct, wrapper } from '../go-types.js';
import { USER_INFO_LIST } from './shared-structs.js';
import { defineCallback } from './callback-spec.js';

const NEW_USERS = [
  {
    userID: '6029384751',
    nickname: 'Dana',
    faceURL: 'https://example.com/avatars/6029384751.png',
    ex: '{"plan":"free"}',
    createTime: 0,
    appMangerLevel: 0,
    globalRecvMsgOpt: 0,
  },
];

const UPDATE = { userID: '2948571036', nickName: 'Alice Liddell', faceURL: 'https://example.com/a.png' };

const updateInfo = (name: string) =>
  struct(name, {
    callbackCommand: goString,
    userID: goString,
    nickName: pointer(goString),
    faceURL: pointer(goString),
    ex: pointer(goString),
  });

const updateInfoEx = (name: string) =>
  struct(name, {
    callbackCommand: goString,
    userID: goString,
    nickName: wrapper(goString),
    faceURL: wrapper(goString),
    ex: wrapper(goString),
  });

export const USER_CALLBACKS = [
  defineCallback({
    command: 'callbackBeforeUserRegisterCommand',
    configKey: 'beforeUserRegister',
    kind: 'before',
    area: 'user',
    request: struct('CallbackBeforeUserRegisterReq', { callbackCommand: goString, users: USER_INFO_LIST }),
    answer: struct('CallbackBeforeUserRegisterResp', { users: USER_INFO_LIST }),
    notes: ['A non-empty `users` replaces the whole list being registered; an empty one changes nothing.'],
    example: { users: NEW_USERS },
  }),
  defineCallback({
    command: 'callbackAfterUserRegisterCommand',
    configKey: 'afterUserRegister',
    kind: 'after',
    area: 'user',
    request: struct('CallbackAfterUserRegisterReq', { callbackCommand: goString, users: USER_INFO_LIST }),
    notes: [],
    example: { users: NEW_USERS },
  }),
  defineCallback({
    command: 'callbackBeforeUpdateUserInfoCommand',
    configKey: 'beforeUpdateUserInfo',
    kind: 'before',
    area: 'user',
    request: updateInfo('CallbackBeforeUpdateUserInfoReq'),
    answer: struct('CallbackBeforeUpdateUserInfoResp', {
      nickName: pointer(goString),
      faceURL: pointer(goString),
      ex: pointer(goString),
    }),
    notes: ['`nickName` (capital N, unlike UserInfo\u2019s `nickname`); `ex` is always null in the request.'],
    example: UPDATE,
  }),
  defineCallback({
    command: 'callbackAfterUpdateUserInfoCommand',
    configKey: 'afterUpdateUserInfo',
    kind: 'after',
    area: 'user',
    request: struct('CallbackAfterUpdateUserInfoReq', {
      callbackCommand: goString,
      userID: goString,
      nickName: goString,
      faceURL: goString,
      ex: goString,
    }),
    notes: ['`ex` is always "" (OpenIM does not fill it).'],
    example: UPDATE,
  }),
  defineCallback({
    command: 'callbackBeforeUpdateUserInfoExCommand',
    configKey: 'beforeUpdateUserInfoEx',
    kind: 'before',
    area: 'user',
    request: updateInfoEx('CallbackBeforeUpdateUserInfoExReq'),
    answer: struct('CallbackBeforeUpdateUserInfoExResp', {
      nickName: wrapper(goString),
      faceURL: wrapper(goString),
      ex: wrapper(goString),
    }),
    setOnlyIfSent: ['nickName', 'faceURL', 'ex'],
    notes: [
      'Fields not being changed are null; `ex` is always null.',
      'Overriding a field that is null in the request makes OpenIM dereference nil: the answer builder refuses it.',
    ],
    example: { userID: '2948571036', nickName: 'Alice L.' },
  }),
  defineCallback({
    command: 'callbackAfterUpdateUserInfoExCommand',
    configKey: 'afterUpdateUserInfoEx',
    kind: 'after',
    area: 'user',
    request: updateInfoEx('CallbackAfterUpdateUserInfoExReq'),
    notes: ['Fields not being changed are null.'],
    example: { userID: '2948571036', nickName: 'Alice L.' },
  }),
] as const;
