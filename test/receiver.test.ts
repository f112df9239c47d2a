import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ERROR_CODES, isBlocking } from '../src/protocol/index.js';
import type { ErrorName, Recorder } from '../src/protocol/index.js';
import {
  continueWith,
  createReceiver,
  receiveCallback,
  reject,
  toFetchHandler,
} from '../src/receiver/index.js';
import type { AdapterRequest, RawRequest } from '../src/receiver/index.js';
import { openSqliteStore } from '../src/store/index.js';
import { SEED_BODY, SEED_COMMAND, SUCCESS_BODY, groupChatBody, singleChatBody } from './fixtures/seed.js';
import { tempDir } from './helpers/temp-dir.js';
import { consistently } from './helpers/consistent-store.js';

const store = consistently(openSqliteStore(join(tempDir(), 'receiver.db')));
after(() => store.close());
const receiver = createReceiver({ recorder: store });

function rawRequest(
  body: string | Uint8Array | null,
  options: Partial<Omit<RawRequest, 'body'>> & { headers?: Record<string, string> } = {},
): RawRequest {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    operationid: 'op',
    ...options.headers,
  };
  return {
    method: options.method ?? 'POST',
    url: options.url ?? `/callbackExample/${SEED_COMMAND}`,
    header: (name) => headers[name],
    body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
  };
}

async function eventCount(): Promise<number> {
  return (await store.listEvents({ limit: 1000 })).items.length;
}

describe('receiver core: refusals', () => {
  const cases: [string, RawRequest, ErrorName][] = [
    ['GET', rawRequest(SEED_BODY, { method: 'GET' }), 'METHOD_NOT_ALLOWED'],
    ['a path outside the base', rawRequest(SEED_BODY, { url: `/elsewhere/${SEED_COMMAND}` }), 'NOT_FOUND'],
    [
      'a command OpenIM never sends',
      rawRequest(SEED_BODY, { url: '/callbackExample/callbackNoSuchCommand' }),
      'UNKNOWN_COMMAND',
    ],
    [
      'a form body',
      rawRequest(SEED_BODY, { headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a latin-1 body',
      rawRequest(SEED_BODY, { headers: { 'content-type': 'application/json; charset=iso-8859-1' } }),
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['a body over the limit', rawRequest(null), 'BODY_TOO_LARGE'],
    ['truncated JSON', rawRequest(SEED_BODY.slice(0, 40)), 'INVALID_JSON'],
    ['invalid UTF-8', rawRequest(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d])), 'INVALID_JSON'],
    ['a JSON array', rawRequest('[1]'), 'INVALID_JSON'],
    ['a __proto__ key', rawRequest('{"__proto__":{"admin":true}}'), 'FORBIDDEN_KEY'],
    ['an escaped __proto__ key', rawRequest('{"\\u005f_proto__":{"admin":true}}'), 'FORBIDDEN_KEY'],
    ['a nested constructor key', rawRequest('{"a":{"constructor":{"prototype":{}}}}'), 'FORBIDDEN_KEY'],
    [
      'another command in the body',
      rawRequest(singleChatBody('a', 'b', 'callbackBeforeCreateSingleChatConversationsCommand')),
      'COMMAND_MISMATCH',
    ],
  ];

  for (const [name, request, error] of cases) {
    it(`answers ${name} with ${error} and records nothing`, async () => {
      const before = await eventCount();
      const response = await receiver.handle(request);
      const pkg = JSON.parse(response.body) as Record<string, unknown>;
      assert.equal(response.status, ERROR_CODES[error].status);
      assert.equal(pkg['errCode'], ERROR_CODES[error].errCode);
      assert.equal(
        isBlocking(pkg as { actionCode: number; nextCode: number }),
        false,
        'an error must never block OpenIM',
      );
      assert.deepEqual(Object.keys(pkg), ['actionCode', 'errCode', 'errMsg', 'errDlt', 'nextCode']);
      assert.equal(await eventCount(), before);
    });
  }

  it('names every failing field in errDlt', async () => {
    const body = SEED_BODY.replace('"recvMsgOpt":0', '"recvMsgOpt":7').replace(
      '"isPinned":false',
      '"isPinned":"no"',
    );
    const pkg = JSON.parse((await receiver.handle(rawRequest(body))).body) as { errDlt: string };
    assert.match(pkg.errDlt, /recvMsgOpt: must be one of 0, 1, 2/);
    assert.match(pkg.errDlt, /isPinned: must be a boolean/);
  });
});

describe('receiver core: routes OpenIM versions use', () => {
  it('takes the command from ?command= (v3.0-v3.4.0) and from the body on the bare base (v2.x)', async () => {
    for (const url of [`/callbackExample?command=${SEED_COMMAND}`, '/callbackExample']) {
      const response = await receiver.handle(rawRequest(singleChatBody(`v-${url.length}`, 'peer'), { url }));
      assert.equal(response.status, 200, url);
    }
  });

  it('tolerates a trailing slash in OpenIM url (//command) and any query string', async () => {
    const response = await receiver.handle(
      rawRequest(singleChatBody('slash', 'peer'), {
        url: `/callbackExample//${SEED_COMMAND}?contenttype=json&key=abc%3D`,
      }),
    );
    assert.equal(response.body, SUCCESS_BODY);
  });

  it('records any other catalog command raw and answers continue', async () => {
    const body =
      '{"callbackCommand":"callbackAfterUserOnlineCommand","operationID":"p_1_2","platformID":1,"platform":"IOS","userID":"u1","seq":1,"isAppBackground":false,"connID":"c"}\n';
    const response = await receiver.handle(
      rawRequest(body, { url: '/callbackExample/callbackAfterUserOnlineCommand' }),
    );
    assert.equal(response.body, SUCCESS_BODY);
    const events = await store.listEvents({ command: 'callbackAfterUserOnlineCommand' });
    assert.equal(events.items[0]?.rawBody, body);
  });
});

describe('receiver core: before-callbacks', () => {
  const beforeUrl = '/callbackExample/callbackBeforeCreateSingleChatConversationsCommand';
  const beforeBody = (owner: string, peer: string) =>
    singleChatBody(owner, peer, 'callbackBeforeCreateSingleChatConversationsCommand');

  it('continues by default and records the callback', async () => {
    const response = await receiver.handle(rawRequest(beforeBody('b1', 'b2'), { url: beforeUrl }));
    assert.equal(response.body, SUCCESS_BODY);
    assert.equal(
      (await store.getConversation('b1', 'si_b1_b2'))?.lastCommand,
      'callbackBeforeCreateSingleChatConversationsCommand',
    );
  });

  it("returns a handler's typed overrides, and its rejection as the one blocking package", async () => {
    const withHandler = createReceiver({
      recorder: store,
      handlers: {
        callbackBeforeCreateSingleChatConversationsCommand: ({ request }) =>
          request.userId === 'blocked'
            ? reject(20001, 'peer is blocked')
            : continueWith({ isPinned: true, ex: 'vip' }),
      },
    });
    const pinned = JSON.parse(
      (await withHandler.handle(rawRequest(beforeBody('h1', 'h2'), { url: beforeUrl }))).body,
    );
    assert.deepEqual(pinned, {
      actionCode: 0,
      errCode: 0,
      errMsg: '',
      errDlt: '',
      nextCode: 0,
      isPinned: true,
      ex: 'vip',
    });
    const rejected = JSON.parse(
      (await withHandler.handle(rawRequest(beforeBody('h1', 'blocked'), { url: beforeUrl }))).body,
    );
    assert.deepEqual(rejected, {
      actionCode: 0,
      errCode: 20001,
      errMsg: 'peer is blocked',
      errDlt: '',
      nextCode: 1,
    });
  });

  it('fails open within the deadline when recording fails, or closed when configured', async () => {
    const broken: Recorder = { record: () => Promise.reject(new Error('disk full')) };
    const hanging: Recorder = { record: () => new Promise(() => undefined) };
    const open = JSON.parse(
      (
        await createReceiver({ recorder: broken }).handle(
          rawRequest(beforeBody('f1', 'f2'), { url: beforeUrl }),
        )
      ).body,
    );
    assert.equal(open.nextCode, 0);
    assert.equal(open.errCode, ERROR_CODES.STORAGE_UNAVAILABLE.errCode);
    assert.match(open.errDlt, /disk full/);
    const late = await createReceiver({ recorder: hanging, beforeDeadlineMs: 50 }).handle(
      rawRequest(beforeBody('f1', 'f2'), { url: beforeUrl }),
    );
    assert.equal(JSON.parse(late.body).nextCode, 0);
    const closed = JSON.parse(
      (
        await createReceiver({ recorder: broken, beforeFailure: 'closed' }).handle(
          rawRequest(beforeBody('f1', 'f2'), { url: beforeUrl }),
        )
      ).body,
    );
    assert.equal(isBlocking(closed), true);
    assert.equal(closed.errCode, ERROR_CODES.STORAGE_UNAVAILABLE.errCode);
  });

  it('answers an after-callback that could not be recorded with 503, never a success', async () => {
    const broken: Recorder = { record: () => Promise.reject(new Error('disk full')) };
    const response = await createReceiver({ recorder: broken }).handle(rawRequest(SEED_BODY));
    assert.equal(response.status, 503);
    assert.equal(JSON.parse(response.body).errCode, ERROR_CODES.STORAGE_UNAVAILABLE.errCode);
  });
});

describe('receiveCallback: an adapter is a request description', () => {
  /** A framework of our own: the body comes in two chunks; the adapter tells what it was asked to do. */
  function described(body: string, headers: Record<string, string> = {}) {
    const asked = { reads: [] as number[], discarded: 0 };
    const all: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', ...headers };
    const request: AdapterRequest = {
      method: 'POST',
      url: `/callbackExample/${SEED_COMMAND}`,
      header: (name) => all[name],
      async readBody(limit) {
        asked.reads.push(limit);
        const bytes = new TextEncoder().encode(body);
        return bytes.byteLength > limit ? { ok: false, reason: 'too-large' } : { ok: true, body: bytes };
      },
      discardBody: () => void asked.discarded++,
    };
    return { request, asked };
  }

  it('answers the seed from readBody(limit), with the receiver limit, and leaves the stream alone', async () => {
    const { request, asked } = described(singleChatBody('adapter-a', 'peer'), { operationid: 'op-adapter' });
    const response = await receiveCallback(receiver, request);
    assert.equal(response.status, 200);
    assert.equal(response.body, SUCCESS_BODY);
    assert.deepEqual(asked, { reads: [receiver.maxBodyBytes], discarded: 0 });
  });

  it('refuses a declared oversized body unread, and a streamed one once it passes the limit; both are discarded', async () => {
    const small = createReceiver({ recorder: store, maxBodyBytes: 64 });
    const declared = described(SEED_BODY, { 'content-length': '65' });
    const unread = await receiveCallback(small, declared.request);
    assert.equal(unread.status, 413);
    assert.equal(JSON.parse(unread.body).errCode, ERROR_CODES.BODY_TOO_LARGE.errCode);
    assert.deepEqual(declared.asked, { reads: [], discarded: 1 });
    const streamed = described(SEED_BODY);
    const cut = await receiveCallback(small, streamed.request);
    assert.equal(cut.status, 413);
    assert.deepEqual(streamed.asked, { reads: [64], discarded: 1 });
  });

  it('refuses past the concurrency cap before reading, and discards the body', async () => {
    const capped = createReceiver({ recorder: store, maxConcurrentRequests: 1 });
    const held = capped.admit({ header: () => undefined });
    const { request, asked } = described(SEED_BODY);
    const refused = await receiveCallback(capped, request);
    if (held.ok) held.release();
    assert.equal(refused.status, 503);
    assert.equal(JSON.parse(refused.body).errCode, ERROR_CODES.OVERLOADED.errCode);
    assert.deepEqual(asked, { reads: [], discarded: 1 });
  });
});

describe('Web Request/Response adapter', () => {
  it('answers the seed like the node adapter, and 413 on a declared oversized body', async () => {
    const handle = toFetchHandler(createReceiver({ recorder: store, maxBodyBytes: 1024 }));
    const ok = await handle(
      new Request(`http://localhost/callbackExample/callbackAfterCreateGroupChatConversationsCommand`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', operationid: 'web-1' },
        body: groupChatBody('g-web'),
      }),
    );
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), SUCCESS_BODY);
    assert.equal((await store.getConversation('', 'sg_g-web'))?.groupId, 'g-web');
    const big = await handle(
      new Request(`http://localhost/callbackExample/${SEED_COMMAND}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: 'x'.repeat(2048),
      }),
    );
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { errCode: number }).errCode, ERROR_CODES.BODY_TOO_LARGE.errCode);
  });
});
