import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG, startService } from '../src/service/index.js';
import { createEmitter, resolveWebhooksConfig, simulateSingleChatCreation } from '../src/emitter/index.js';
test('probe', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'probe-'));
  const service = await startService({ ...DEFAULT_CONFIG, port: 0, database: join(dir, 'h.db'), logLevel: 'silent' }, {});
  const emitter = createEmitter({ config: resolveWebhooksConfig({ url: service.callbackUrl, enableAll: true }) });
  const r = await simulateSingleChatCreation(emitter, { sendID: 'alice', recvID: 'bob' });
  await emitter.drain();
  for (const s of r.steps) console.log(s.label, JSON.stringify('sent' in s.call && s.call.sent ? s.call.outcome.responseBody : ''));
  const ev = await service.store.listEvents({});
  console.log(ev.items.map((e) => e.callbackCommand + ' ' + e.id));
  await emitter.close(); await service.close();
});
