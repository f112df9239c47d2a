import { embed, goBool, goString, int64, struct } from '../go-types.js';
import { USER_STATUS_REQ } from './shared-structs.js';
import { defineCallback } from './callback-spec.js';

const STATUS_EXAMPLE = {
  operationID: 'p_4012_17',
  platformID: 1,
  platform: 'iOS',
  userID: '2948571036',
  seq: 1767225600123,
};

export const GATEWAY_CALLBACKS = [
  defineCallback({
    command: 'callbackAfterUserOnlineCommand',
    configKey: 'afterUserOnline',
    kind: 'after',
    area: 'gateway',
    request: struct('CallbackUserOnlineReq', embed(USER_STATUS_REQ), {
      seq: int64,
      isAppBackground: goBool,
      connID: goString,
    }),
    notes: [
      'One per platform per status batch; operationID looks like `p_<pid>_<n>`.',
      '`seq` is the time in epoch milliseconds, not a sequence.',
    ],
    example: { ...STATUS_EXAMPLE, isAppBackground: false, connID: '3f2a9c1e' },
  }),
  defineCallback({
    command: 'callbackAfterUserOfflineCommand',
    configKey: 'afterUserOffline',
    kind: 'after',
    area: 'gateway',
    request: struct('CallbackUserOfflineReq', embed(USER_STATUS_REQ), { seq: int64, connID: goString }),
    notes: ['`seq` is the time in epoch milliseconds.'],
    example: { ...STATUS_EXAMPLE, connID: '3f2a9c1e' },
  }),
  defineCallback({
    command: 'callbackAfterUserKickOffCommand',
    configKey: 'afterUserKickOff',
    kind: 'after',
    area: 'gateway',
    request: struct('CallbackUserKickOffReq', embed(USER_STATUS_REQ), { seq: int64 }),
    notes: ['Declared by OpenIM but never sent.'],
    example: STATUS_EXAMPLE,
  }),
] as const;
