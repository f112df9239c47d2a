import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { commandSpec, encodeGoJson } from '../src/protocol/index.js';

const SINGLE_CHAT_FIELDS = commandSpec('callbackAfterCreateSingleChatConversationsCommand').request;
const GROUP_CHAT_FIELDS = commandSpec('callbackAfterCreateGroupChatConversationsCommand').request;
import {
  createEmitter,
  resolveWebhooksConfig,
  simulateGroupChatCreation,
  simulateNotificationChatCreation,
  simulateSingleChatCreation,
} from '../src/emitter/index.js';
import type { Emitter, EmitterOptions, SimulationResult } from '../src/emitter/index.js';
import { SUCCESS, startServer } from './emitter-servers.js';
import type { CapturedRequest, TestServer } from './emitter-servers.js';

const BEFORE_SINGLE = 'callbackBeforeCreateSingleChatConversationsCommand';
const AFTER_SINGLE = 'callbackAfterCreateSingleChatConversationsCommand';

type Answer = (request: CapturedRequest) => string;

let server: TestServer;
let answerWith: Answer = () => SUCCESS;
const emitters: Emitter[] = [];

before(async () => {
  server = await startServer((request, res) => res.end(answerWith(request)));
});
beforeEach(() => {
  server.requests.length = 0;
  answerWith = () => SUCCESS;
});
after(async () => {
  await Promise.all(emitters.map((e) => e.close()));
  await server.close();
});

function emitter(options: Partial<EmitterOptions> = {}): Emitter {
  const created = createEmitter({
    config: resolveWebhooksConfig({ url: server.url, enableAll: true }),
    ...options,
  });
  emitters.push(created);
  return created;
}

function conversation(owner: string, peer: string, command: string): Record<string, unknown> {
  return {
    callbackCommand: command,
    ownerUserId: owner,
    conversationId: 'si_10_9',
    conversationType: 1,
    userId: peer,
  };
}

function bodies(requests: readonly CapturedRequest[]): string[] {
  return requests.map((r) => r.body.toString('utf8')).sort();
}

async function run(e: Emitter, simulation: Promise<SimulationResult>): Promise<SimulationResult> {
  const result = await simulation;
  await e.drain();
  return result;
}

describe('single chat: the first message of "9" to "10"', () => {
  test("OpenIM's exact sequence, bug included: before(A), after(A), before(A again), after(B)", async () => {
    const e = emitter();
    const result = await run(e, simulateSingleChatCreation(e, { sendID: '9', recvID: '10' }));
    assert.deepEqual(
      result.steps.map((s) => s.label),
      ['before(A)', 'after(A)', 'before(A again)', 'after(B)'],
    );
    assert.equal(result.conversationId, 'si_10_9', 'ids sorted byte-wise, as Go sorts them');
    assert.equal(result.stoppedAt, null);
    const a = encodeGoJson(conversation('9', '10', BEFORE_SINGLE), SINGLE_CHAT_FIELDS);
    const expected = [
      a,
      a,
      encodeGoJson(conversation('9', '10', AFTER_SINGLE), SINGLE_CHAT_FIELDS),
      encodeGoJson(conversation('10', '9', AFTER_SINGLE), SINGLE_CHAT_FIELDS),
    ];
    assert.deepEqual(bodies(server.requests), expected.sort());
    assert.equal(
      server.requests[0]?.body.toString('utf8'),
      a,
      'before(A) is answered before anything else is sent',
    );
  });

  test('one operationID for the whole operation, in the Operationid header; a new one per trigger', async () => {
    const e = emitter();
    const first = await run(e, simulateSingleChatCreation(e, { sendID: 'a', recvID: 'b' }));
    const second = await run(e, simulateSingleChatCreation(e, { sendID: 'a', recvID: 'c' }));
    assert.notEqual(first.operationID, second.operationID);
    const headers = server.requests.map((r) => r.rawHeaders[r.rawHeaders.indexOf('Operationid') + 1]);
    assert.equal(headers.filter((h) => h === first.operationID).length, 4);
    assert.equal(headers.filter((h) => h === second.operationID).length, 4);
  });

  test('overrides: B inherits those of before(A); the second answer is lost (OpenIM) or applied to B (fixed)', async () => {
    answerWith = (request) =>
      request.path.endsWith(BEFORE_SINGLE)
        ? JSON.stringify({
            actionCode: 0,
            nextCode: 0,
            ex: `for-${String(request.json['ownerUserId'])}`,
            burnDuration: 30,
          })
        : SUCCESS;
    const afterB = (): Record<string, unknown> | undefined =>
      server.requests.find((r) => r.path.endsWith(AFTER_SINGLE) && r.json['ownerUserId'] === 'bob')?.json;

    const openim = emitter();
    await run(openim, simulateSingleChatCreation(openim, { sendID: 'alice', recvID: 'bob' }));
    assert.equal(afterB()?.['ex'], 'for-alice');
    assert.equal(afterB()?.['burnDuration'], 30);

    server.requests.length = 0;
    const fixed = emitter({ fixOpenimBugs: true });
    const result = await run(fixed, simulateSingleChatCreation(fixed, { sendID: 'alice', recvID: 'bob' }));
    assert.deepEqual(
      result.steps.map((s) => s.label),
      ['before(A)', 'after(A)', 'before(B)', 'after(B)'],
    );
    const beforeB = server.requests.filter((r) => r.path.endsWith(BEFORE_SINGLE))[1]?.json;
    assert.equal(beforeB?.['ownerUserId'], 'bob');
    assert.equal(beforeB?.['ex'], 'for-alice', 'B is a copy of A, overrides included');
    assert.equal(afterB()?.['ex'], 'for-bob');
  });

  test('self-chat: si_u_u, and both after-callbacks carry identical payloads', async () => {
    const e = emitter();
    const result = await run(e, simulateSingleChatCreation(e, { sendID: 'u', recvID: 'u' }));
    assert.equal(result.conversationId, 'si_u_u');
    const afters = server.requests
      .filter((r) => r.path.endsWith(AFTER_SINGLE))
      .map((r) => r.body.toString('utf8'));
    assert.equal(afters.length, 2);
    assert.equal(afters[0], afters[1]);
  });

  test('a rejection of before(A) stops everything', async () => {
    answerWith = () => '{"actionCode":0,"errCode":5001,"errMsg":"no","errDlt":"","nextCode":1}';
    const e = emitter();
    const result = await run(e, simulateSingleChatCreation(e, { sendID: 'alice', recvID: 'bob' }));
    assert.equal(result.stoppedAt?.label, 'before(A)');
    assert.equal(server.requests.length, 1);
  });

  test('a rejection of the second before stops after after(A)', async () => {
    let befores = 0;
    answerWith = (request) =>
      request.path.endsWith(BEFORE_SINGLE) && ++befores === 2 ? '{"errCode":5002,"nextCode":1}' : SUCCESS;
    const e = emitter();
    const result = await run(e, simulateSingleChatCreation(e, { sendID: 'alice', recvID: 'bob' }));
    assert.equal(result.stoppedAt?.label, 'before(A again)');
    assert.deepEqual(
      server.requests.map((r) => r.path.split('/').at(-1)).sort(),
      [AFTER_SINGLE, BEFORE_SINGLE, BEFORE_SINGLE].sort(),
    );
  });

  test('any before failure stops too (failedContinue is ignored by OpenIM): an HTML answer', async () => {
    answerWith = (request) => (request.path.endsWith(BEFORE_SINGLE) ? '<html>oops</html>' : SUCCESS);
    const e = emitter();
    const result = await run(e, simulateSingleChatCreation(e, { sendID: 'alice', recvID: 'bob' }));
    assert.equal(result.stoppedAt?.label, 'before(A)');
    assert.equal(server.requests.length, 1);
  });

  test('disabled keys are skipped like OpenIM: only the after-callbacks are sent', async () => {
    const e = emitter({
      config: resolveWebhooksConfig({
        url: server.url,
        callbacks: { afterCreateSingleChatConversations: { enable: true, timeout: 5 } },
      }),
    });
    const result = await run(e, simulateSingleChatCreation(e, { sendID: 'alice', recvID: 'bob' }));
    assert.deepEqual(
      result.steps.map((s) =>
        'sent' in s.call ? (s.call.sent ? 'sent' : s.call.reason) : s.call.queued ? 'queued' : s.call.reason,
      ),
      ['disabled', 'queued', 'disabled', 'queued'],
    );
    assert.equal(server.requests.length, 2);
    assert.ok(server.requests.every((r) => r.path.endsWith(AFTER_SINGLE)));
    assert.equal(e.stats().disabled, 2);
  });
});

describe('notification chat and group', () => {
  test('notification chat: one pair, owner = receiver, sn_ id, conversationType 4', async () => {
    const e = emitter();
    const result = await run(e, simulateNotificationChatCreation(e, { sendID: 'notice', recvID: 'bob' }));
    assert.equal(result.conversationId, 'sn_bob_notice');
    assert.deepEqual(
      result.steps.map((s) => s.label),
      ['before', 'after'],
    );
    assert.equal(server.requests.length, 2);
    for (const { json } of server.requests) {
      assert.equal(json['ownerUserId'], 'bob');
      assert.equal(json['userId'], 'notice');
      assert.equal(json['conversationType'], 4);
      assert.equal(json['conversationId'], 'sn_bob_notice');
    }
  });

  test('group: one pair, sg_ id, groupId set, ownerUserId ""', async () => {
    const e = emitter();
    const result = await run(e, simulateGroupChatCreation(e, { groupID: '3171489208' }));
    assert.equal(result.conversationId, 'sg_3171489208');
    const sent = server.requests.map((r) => r.body.toString('utf8')).sort();
    const payload = (command: string): Record<string, unknown> => ({
      callbackCommand: command,
      ownerUserId: '',
      conversationId: 'sg_3171489208',
      conversationType: 3,
      groupId: '3171489208',
    });
    assert.deepEqual(
      sent,
      [
        encodeGoJson(payload('callbackBeforeCreateGroupChatConversationsCommand'), GROUP_CHAT_FIELDS),
        encodeGoJson(payload('callbackAfterCreateGroupChatConversationsCommand'), GROUP_CHAT_FIELDS),
      ].sort(),
    );
  });

  test('group: a rejected before stops the creation', async () => {
    answerWith = () => '{"errCode":7,"nextCode":1}';
    const e = emitter();
    const result = await run(e, simulateGroupChatCreation(e, { groupID: 'g1' }));
    assert.equal(result.stoppedAt?.label, 'before');
    assert.equal(server.requests.length, 1);
  });
});
