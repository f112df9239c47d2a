import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  COMMANDS,
  compareGoStrings,
  conversationWarnings,
  ERROR_CODES,
  errorResponse,
  findCommand,
  groupChatConversationId,
  isBlocking,
  notificationChatConversationId,
  rejectResponse,
  validateRequest,
  singleChatConversationId,
} from '../src/protocol/index.js';
import type { SingleChatConversationCallback } from '../src/protocol/index.js';
import { SEED_BODY, SEED_COMMAND } from './fixtures/seed.js';

describe('command catalog', () => {
  it('lists the 52 commands of OpenIM HEAD once each, with unique config keys', () => {
    assert.equal(COMMANDS.length, 52);
    assert.equal(new Set(COMMANDS.map((c) => c.command)).size, 52);
    assert.equal(new Set(COMMANDS.map((c) => c.configKey)).size, 52);
  });

  it("keeps OpenIM's odd revoke command string", () => {
    assert.equal(findCommand('callbackBeforeAfterMsgCommand')?.configKey, 'afterRevokeMsg');
    assert.equal(findCommand('callbackAfterCreateSingleChatConversationsCommand')?.kind, 'after');
    assert.equal(findCommand('callbackAfterSendSingleMsg'), undefined);
  });
});

describe('conversation ids', () => {
  it('sorts the pair like Go sort.Strings: byte-wise, so "10" < "9"', () => {
    assert.equal(singleChatConversationId('9', '10'), 'si_10_9');
    assert.equal(singleChatConversationId('622925731', '123228123'), 'si_123228123_622925731');
    assert.equal(notificationChatConversationId('b', 'a'), 'sn_a_b');
    assert.equal(groupChatConversationId('g1'), 'sg_g1');
  });

  it('compares code points, not UTF-16 units (U+1F600 sorts after U+FFFD, as in UTF-8)', () => {
    assert.ok(compareGoStrings('\u{1F600}', '\uFFFD') > 0);
    assert.ok('\u{1F600}' < '\uFFFD', 'JavaScript alone would get this wrong');
    assert.equal(singleChatConversationId('\u{1F600}', '\uFFFD'), 'si_\uFFFD_\u{1F600}');
  });

  it('flags, never rejects, an id that does not match its pair', () => {
    const seed = JSON.parse(SEED_BODY) as SingleChatConversationCallback;
    assert.deepEqual(conversationWarnings(seed), []);
    const wrong = { ...seed, conversationId: 'si_622925731_123228123' };
    assert.equal(conversationWarnings(wrong).length, 1);
    assert.match(conversationWarnings(wrong)[0] ?? '', /expected "si_123228123_622925731"/);
  });
});

describe('field validation', () => {
  it('accepts the seed package', () => {
    assert.deepEqual(validateRequest(SEED_COMMAND, JSON.parse(SEED_BODY) as Record<string, unknown>), []);
  });

  it('names every failing field, with its kind', () => {
    const body: Record<string, unknown> = {
      ...(JSON.parse(SEED_BODY) as Record<string, unknown>),
      conversationType: 2,
      recvMsgOpt: '0',
      isPinned: 0,
      burnDuration: 2 ** 31,
      groupAtType: 1.5,
      ex: null,
    };
    delete body['userId'];
    const fields = validateRequest(SEED_COMMAND, body).map((e) => [e.field, e.kind]);
    assert.deepEqual(fields, [
      ['conversationType', 'undocumented'],
      ['userId', 'missing'],
      ['recvMsgOpt', 'type'],
      ['isPinned', 'type'],
      ['burnDuration', 'range'],
      ['groupAtType', 'type'],
      ['ex', 'type'],
    ]);
  });
});

describe('response package', () => {
  it('blocks only on actionCode 0 with nextCode 1', () => {
    assert.equal(isBlocking({ actionCode: 0, nextCode: 1 }), true);
    assert.equal(isBlocking({ actionCode: 1, nextCode: 1 }), false);
    assert.equal(isBlocking({ actionCode: 0, nextCode: 0 }), false);
  });

  it('refuses a rejection without a non-zero errCode, which OpenIM would lose', () => {
    assert.throws(() => rejectResponse({ errCode: 0 }), RangeError);
    assert.deepEqual(rejectResponse({ errCode: 20001, errMsg: 'no' }), {
      actionCode: 0,
      errCode: 20001,
      errMsg: 'no',
      errDlt: '',
      nextCode: 1,
    });
  });

  it('registers unique, non-zero error codes', () => {
    const codes = Object.values(ERROR_CODES).map((e) => e.errCode);
    assert.equal(new Set(codes).size, codes.length);
    assert.ok(codes.every((code) => code >= 29001 && code <= 29099));
  });

  it('answers every registered error with a package that lets OpenIM go on', () => {
    for (const { errCode, errMsg } of Object.values(ERROR_CODES))
      assert.equal(isBlocking(errorResponse(errCode, errMsg)), false, `${errCode} must not block`);
  });
});
