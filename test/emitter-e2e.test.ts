import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_CONFIG, startService } from '../src/service/index.js';
import type { RunningService } from '../src/service/index.js';
import { signBody } from '../src/receiver/index.js';
import {
  createEmitter,
  resolveWebhooksConfig,
  simulateGroupChatCreation,
  simulateSingleChatCreation,
} from '../src/emitter/index.js';
import type { AfterCall, BeforeCall, Emitter } from '../src/emitter/index.js';
import { consistently } from './helpers/consistent-store.js';

let dir: string;
let service: RunningService;
let emitter: Emitter;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'openim-hooks-e2e-'));
  service = await startService(
    { ...DEFAULT_CONFIG, port: 0, database: join(dir, 'hooks.db'), logLevel: 'silent' },
    {},
  );
  emitter = createEmitter({ config: resolveWebhooksConfig({ url: service.callbackUrl, enableAll: true }) });
});
after(async () => {
  await emitter.close();
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

function sent(call: BeforeCall | AfterCall): boolean {
  return 'sent' in call ? call.sent && call.outcome.result === 'continue' : call.queued;
}

describe('emitter → our own receiver → the rows recorded', () => {
  test('a single chat: one conversation row per owner, the after bodies stored byte for byte', async () => {
    const result = await simulateSingleChatCreation(emitter, { sendID: 'alice', recvID: 'bob' });
    await emitter.drain();
    assert.ok(result.steps.every((step) => sent(step.call)));
    const rows = await consistently(service.store).listConversations({ conversationId: 'si_alice_bob' });
    assert.deepEqual(rows.items.map((row) => `${row.ownerUserId}->${row.userId}`).sort(), [
      'alice->bob',
      'bob->alice',
    ]);
    const events = await consistently(service.store).listEvents({
      command: 'callbackAfterCreateSingleChatConversationsCommand',
      operationID: result.operationID,
    });
    const expected = result.steps.filter((s) => s.label.startsWith('after')).map((s) => s.payload);
    assert.equal(events.items.length, 2);
    for (const event of events.items) {
      const payload = JSON.parse(event.rawBody) as Record<string, unknown>;
      assert.ok(event.rawBody.endsWith('}\n'), 'trailing newline kept');
      assert.ok(expected.some((p) => p['ownerUserId'] === payload['ownerUserId']));
    }
  });

  test('a group: one row with ownerUserId "" and the groupId', async () => {
    await simulateGroupChatCreation(emitter, { groupID: 'g-e2e' });
    await emitter.drain();
    const rows = await consistently(service.store).listConversations({ conversationId: 'sg_g-e2e' });
    assert.equal(rows.items.length, 1);
    assert.equal(rows.items[0]?.ownerUserId, '');
    assert.equal(rows.items[0]?.groupId, 'g-e2e');
    assert.equal(rows.items[0]?.conversationType, 3);
  });
});

describe('emitter → a receiver that wants the body-binding HMAC', () => {
  test('unsigned callbacks are refused; signed ones, each attempt signed afresh, are recorded', async () => {
    const hmacDir = mkdtempSync(join(tmpdir(), 'openim-hooks-e2e-hmac-'));
    const guarded = await startService(
      {
        ...DEFAULT_CONFIG,
        port: 0,
        database: join(hmacDir, 'hooks.db'),
        logLevel: 'silent',
        bodyHmacSecrets: ['s3cret'],
      },
      {},
    );
    const config = resolveWebhooksConfig({ url: guarded.callbackUrl, enableAll: true });
    const unsigned = createEmitter({ config });
    const signed = createEmitter({
      config,
      attemptHeaders: (body) => Object.entries(signBody(['s3cret'], body)).flat(),
    });
    try {
      // Refused with 401 and nothing recorded; the answer is still a package that lets OpenIM go on (it ignores
      // the status), so the sequence continues, as it would in OpenIM.
      const refused = await simulateGroupChatCreation(unsigned, { groupID: 'g-unsigned' });
      await unsigned.drain();
      const before = refused.steps[0]?.call;
      assert.ok(before && 'sent' in before && before.sent);
      assert.equal(before.outcome.status, 401);
      assert.equal(before.outcome.result, 'continue');
      assert.equal(
        (await consistently(guarded.store).listConversations({ conversationId: 'sg_g-unsigned' })).items
          .length,
        0,
      );

      const accepted = await simulateGroupChatCreation(signed, { groupID: 'g-signed' });
      await signed.drain();
      assert.equal(accepted.stoppedAt, null);
      const rows = await consistently(guarded.store).listConversations({ conversationId: 'sg_g-signed' });
      assert.equal(rows.items.length, 1);
    } finally {
      await unsigned.close();
      await signed.close();
      await guarded.close();
      rmSync(hmacDir, { recursive: true, force: true });
    }
  });
});
