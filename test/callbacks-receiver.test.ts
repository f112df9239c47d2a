import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { COMMANDS, encodeGoJson, isBlocking } from '../src/protocol/index.js';
import { continueWith, createReceiver, reject } from '../src/receiver/index.js';
import type { AnyCallbackEvent, CallbackError, CallbackHandlers, RawRequest } from '../src/receiver/index.js';
import { exampleRequest } from '../src/emitter/index.js';
import { openSqliteStore } from '../src/store/index.js';
import { SEED_BODY, SEED_COMMAND, SUCCESS_BODY } from './fixtures/seed.js';
import { tempDir } from './helpers/temp-dir.js';

const store = openSqliteStore(join(tempDir(), 'callbacks.db'));
after(() => store.close());

function post(command: string, body: string, operationID = 'op-typed'): RawRequest {
  return {
    method: 'POST',
    url: `/callbackExample/${command}`,
    header: (name) =>
      name === 'operationid'
        ? operationID
        : name === 'content-type'
          ? 'application/json; charset=utf-8'
          : undefined,
    body: new TextEncoder().encode(body),
  };
}

function pkg(body: string): { actionCode: number; errCode: number; errDlt: string; nextCode: number } {
  return JSON.parse(body) as { actionCode: number; errCode: number; errDlt: string; nextCode: number };
}

describe('every command of the catalog, typed', () => {
  it('accepts a valid OpenIM body of each of the 52; its handler and onAny see the typed request', async () => {
    const seen = new Map<string, AnyCallbackEvent>();
    const any: string[] = [];
    const handlers: Record<string, (event: AnyCallbackEvent) => void> = {};
    for (const info of COMMANDS) handlers[info.command] = (event) => void seen.set(info.command, event);
    const receiver = createReceiver({
      recorder: store,
      handlers: handlers as CallbackHandlers,
      onAny: (event) => void any.push(event.request.callbackCommand),
    });
    for (const info of COMMANDS) {
      const body = encodeGoJson(exampleRequest(info.command, 'op-typed'), info.request);
      const response = await receiver.handle(post(info.command, body));
      assert.equal(response.status, 200, `${info.command}: ${response.body}`);
      assert.equal(response.body.startsWith(SUCCESS_BODY.slice(0, -1)), true, response.body);
      const event = seen.get(info.command);
      assert.deepEqual(event?.request, JSON.parse(body), info.command);
      assert.equal(event?.command, info.command);
      assert.equal(event?.operationID, 'op-typed');
      assert.equal(typeof event?.eventId, 'number');
      assert.equal(event?.duplicate, false);
      assert.equal(Buffer.from(event?.rawBody ?? []).toString('utf8'), body);
    }
    assert.deepEqual(
      any,
      COMMANDS.map((c) => c.command),
    );
  });
});

describe('a callback that fails validation (never lose what OpenIM sent)', () => {
  it('is recorded with its field errors, answered 29009 naming them, reaches onError and not the handler', async () => {
    const errors: CallbackError[] = [];
    let handled = 0;
    const receiver = createReceiver({
      recorder: store,
      handlers: { [SEED_COMMAND]: () => void (handled += 1) },
      onError: (error) => void errors.push(error),
    });
    const body = SEED_BODY.replace('"conversationType":1', '"conversationType":"1"').replace(
      '"isPinned":false',
      '"isPinned":"no"',
    );
    const response = await receiver.handle(post(SEED_COMMAND, body, 'op-invalid'));
    const answer = pkg(response.body);
    assert.equal(response.status, 400);
    assert.equal(answer.errCode, 29009);
    assert.equal(isBlocking(answer), false);
    assert.match(answer.errDlt, /conversationType: must be an integer/);
    assert.match(answer.errDlt, /isPinned: must be a boolean/);
    assert.equal(handled, 0);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(errors.length, 1);
    const [error] = errors;
    assert.equal(error?.kind, 'validation');
    assert.deepEqual(error?.kind === 'validation' ? error.fieldErrors.map((e) => e.field) : [], [
      'conversationType',
      'isPinned',
    ]);
    const events = await store.listEvents({ operationID: 'op-invalid' });
    assert.equal(events.items.length, 1, 'kept in the event log');
    assert.equal(events.items[0]?.rawBody, body);
    assert.equal(events.items[0]?.invalid, true, 'flagged invalid');
    assert.deepEqual(
      events.items[0]?.fieldErrors.map((e) => e.field),
      ['conversationType', 'isPinned'],
    );
    assert.equal(response.outcome.eventId, events.items[0]?.id);
    const rows = await store.listConversations({
      conversationId: 'si_123228123_622925731',
      ownerUserId: '123228123',
    });
    assert.equal(
      rows.items.some((row) => row.lastEventId === events.items[0]?.id),
      false,
      'no conversation row from an invalid callback',
    );
  });

  it('garbage is still refused and never stored', async () => {
    const receiver = createReceiver({ recorder: store });
    for (const body of ['not json', '[1]', '{"callbackCommand":"callbackAfterQuitGroupCommand"']) {
      const response = await receiver.handle(
        post('callbackAfterQuitGroupCommand', body, `op-garbage-${body.length}`),
      );
      assert.equal(pkg(response.body).errCode, 29006);
      assert.equal((await store.listEvents({ operationID: `op-garbage-${body.length}` })).items.length, 0);
    }
  });
});

describe('handlers decide before-callbacks of every kind', () => {
  const message = (command: 'callbackBeforeSendSingleMsgCommand' | 'callbackBeforeMsgModifyCommand') =>
    encodeGoJson(exampleRequest(command, 'op'), COMMANDS.find((c) => c.command === command)?.request);

  it('a handler that throws answers 29011 (never blocking) and tells onError', async () => {
    const errors: CallbackError[] = [];
    const receiver = createReceiver({
      handlers: {
        callbackBeforeSendSingleMsgCommand: () => {
          throw new Error('boom');
        },
      },
      onError: (error) => void errors.push(error),
    });
    const response = await receiver.handle(
      post('callbackBeforeSendSingleMsgCommand', message('callbackBeforeSendSingleMsgCommand')),
    );
    assert.equal(pkg(response.body).errCode, 29011);
    assert.equal(isBlocking(pkg(response.body)), false);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(errors[0]?.kind, 'handler');
    assert.equal(errors[0]?.kind === 'handler' ? errors[0].error.message : '', 'boom');
  });

  it('overrides OpenIM would not apply, or a content that is not a JSON object, are not sent (29011)', async () => {
    const receiver = createReceiver({
      handlers: {
        // A JavaScript caller, or a cast, can still try: the receiver refuses what the types refuse.
        callbackBeforeSendSingleMsgCommand: () => continueWith({ content: '{}' } as never),
        callbackBeforeMsgModifyCommand: () => continueWith({ content: 'plain text' }),
      },
    });
    const single = await receiver.handle(
      post('callbackBeforeSendSingleMsgCommand', message('callbackBeforeSendSingleMsgCommand')),
    );
    assert.equal(pkg(single.body).errCode, 29011);
    assert.match(pkg(single.body).errDlt, /content: OpenIM does not apply it/);
    const modify = await receiver.handle(
      post('callbackBeforeMsgModifyCommand', message('callbackBeforeMsgModifyCommand')),
    );
    assert.equal(pkg(modify.body).errCode, 29011);
    assert.match(pkg(modify.body).errDlt, /content: must be a JSON object as text/);
  });

  it('a rejection of any before-callback is the one blocking answer', async () => {
    const receiver = createReceiver({
      handlers: { callbackBeforeAddFriendCommand: () => reject(20001, 'not now') },
    });
    const info = COMMANDS.find((c) => c.command === 'callbackBeforeAddFriendCommand');
    const response = await receiver.handle(
      post(
        'callbackBeforeAddFriendCommand',
        encodeGoJson(exampleRequest('callbackBeforeAddFriendCommand', 'op'), info?.request),
      ),
    );
    assert.deepEqual(JSON.parse(response.body), {
      actionCode: 0,
      errCode: 20001,
      errMsg: 'not now',
      errDlt: '',
      nextCode: 1,
    });
  });

  it('beforeSetGroupInfo: what OpenIM copies back is filled from the request, so omitting groupID breaks nothing', async () => {
    const receiver = createReceiver({
      handlers: { callbackBeforeSetGroupInfoCommand: () => continueWith({ ex: '{"moderated":true}' }) },
    });
    const request = {
      ...exampleRequest('callbackBeforeSetGroupInfoCommand', ''),
      faceURL: 'https://example.com/g.png',
    };
    const info = COMMANDS.find((c) => c.command === 'callbackBeforeSetGroupInfoCommand');
    const response = await receiver.handle(
      post('callbackBeforeSetGroupInfoCommand', encodeGoJson(request, info?.request)),
    );
    const answer = JSON.parse(response.body) as Record<string, unknown>;
    assert.equal(answer['ex'], '{"moderated":true}');
    assert.equal(answer['groupID'], '3928104756');
    assert.equal(answer['groupName'], 'Climbing club');
    assert.equal(answer['faceURL'], 'https://example.com/g.png');
    assert.equal(answer['introduction'], '');
    assert.equal('notification' in answer, false, 'OpenIM ignores it');
  });
});
