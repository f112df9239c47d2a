import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../src/service/index.js';
import type { DeliveryRecord, Page } from '../src/store/index.js';
import { SEED_COMMAND } from './fixtures/seed.js';
import { sendUniqueCallbacks } from './helpers/openim-client.js';
import { startServiceWithSinks, TEST_RETRY_SCHEDULE } from './helpers/sync-service.js';
import { runCli, startServiceProcess } from './helpers/service-process.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookConsumer } from './helpers/webhook-consumer.js';

const SECRET = `whsec_${Buffer.from('openim-hooks test secret 0123456789').toString('base64')}`;
const OLD_SECRET = `whsec_${Buffer.from('the secret being rotated away 0000').toString('base64')}`;
const dir = tempDir();

describe('HTTP sink through the relay', () => {
  const consumer = new WebhookConsumer(SECRET);
  let service: RunningService;

  before(async () => {
    await consumer.start();
    service = await startServiceWithSinks(dir, 'sync', [
      { name: 'crm', url: consumer.url, secrets: [OLD_SECRET, SECRET] },
    ]);
  });
  after(async () => {
    await service.close();
    await consumer.stop();
  });

  it('delivers every event once, signed so that an independent Standard Webhooks verifier accepts it', async () => {
    assert.equal(await sendUniqueCallbacks(service.url, 'all', 50), 50);
    assert.ok(
      await waitFor(() => consumer.owners('all').size === 50),
      `got ${consumer.owners('all').size} of 50`,
    );
    assert.equal(consumer.unverified, 0);
    assert.equal(consumer.duplicates(), 0);
    const event = [...consumer.events.values()].find((e) => e.payload['ownerUserId'] === 'all0');
    assert.equal(event?.callbackCommand, SEED_COMMAND);
    assert.equal(event?.operationID, 'all-0');
    assert.match(event?.id ?? '', /^evt_[0-9a-f]{32}$/);
  });

  it('drains the backlog of a consumer that was down for a while, losing nothing', async () => {
    const port = consumer.port;
    await consumer.stop();
    assert.equal(await sendUniqueCallbacks(service.url, 'down', 20), 20);
    // Start it again once the relay has met it down: an attempt failed.
    const failedAttempts = async () => {
      const page = (await (await fetch(`${service.url}/api/v1/attempts?sink=crm&limit=1000`)).json()) as {
        items: { result: string }[];
      };
      return page.items.filter((attempt) => attempt.result === 'failed').length;
    };
    assert.ok(await waitFor(async () => (await failedAttempts()) > 0, 15_000), 'an attempt failed');
    await consumer.start(port);
    assert.ok(
      await waitFor(() => consumer.owners('down').size === 20),
      `got ${consumer.owners('down').size} of 20`,
    );
  });

  it('dead-letters after the last retry, and replays dead letters on request', async () => {
    consumer.status = 500;
    assert.equal(await sendUniqueCallbacks(service.url, 'dead', 3), 3);
    const dead = async () =>
      (
        (await (
          await fetch(`${service.url}/api/v1/deliveries?consistent=true&status=dead&sink=crm`)
        ).json()) as Page<DeliveryRecord>
      ).items;
    assert.ok(await waitFor(async () => (await dead()).length === 3), 'three dead letters');
    assert.equal(
      (await dead())[0]?.attempts,
      TEST_RETRY_SCHEDULE.length + 1,
      'the first attempt and every retry',
    );
    assert.equal((await dead())[0]?.lastError, 'HTTP 500');
    consumer.status = 200;
    const replay = await fetch(`${service.url}/api/v1/replay?dead=true`, { method: 'POST' });
    assert.deepEqual(await replay.json(), { replayed: 3 });
    assert.ok(await waitFor(() => consumer.owners('dead').size === 3), 'replayed dead letters arrive');
    assert.equal((await dead()).length, 0);
  });

  it('replays one event from the command line, and exposes attempts and lag in /metrics', async () => {
    const events = (await (
      await fetch(`${service.url}/api/v1/events?consistent=true&limit=1`)
    ).json()) as Page<{
      id: number;
      idempotencyKey: string;
    }>;
    const first = events.items[0];
    assert.ok(first);
    const eventId = `evt_${first.idempotencyKey.slice(0, 32)}`;
    const before = consumer.deliveries.get(eventId) ?? 0;
    const cli = JSON.parse(
      await runCli(['replay', '--event', String(first.id), '--json', '--database', join(dir, 'sync.db')]),
    );
    assert.deepEqual(cli, { replayed: 1 });
    assert.ok(
      await waitFor(() => (consumer.deliveries.get(eventId) ?? 0) === before + 1),
      'delivered once more, same id',
    );
    const metrics = () => fetch(`${service.url}/metrics`).then((response) => response.text());
    // The consumer sees a delivery a moment before the relay has written it down as delivered.
    assert.ok(
      await waitFor(async () =>
        /openim_hooks_sink_backlog\{sink="crm",status="pending"\} 0\n/.test(await metrics()),
      ),
    );
    assert.match(await metrics(), /openim_hooks_sink_attempts_total\{sink="crm",outcome="delivered"\} \d+/);
    assert.match(await metrics(), /openim_hooks_sink_lag_seconds_count\{sink="crm"\} \d+/);
  });

  it('disables the sink when the consumer answers 410 Gone, and says so in /api/v1/sinks', async () => {
    consumer.status = 410;
    assert.equal(await sendUniqueCallbacks(service.url, 'gone', 1), 1);
    const state = async () =>
      (
        (await (await fetch(`${service.url}/api/v1/sinks?consistent=true`)).json()) as {
          items: { name: string; state: string; backlog: number }[];
        }
      ).items[0];
    assert.ok(await waitFor(async () => (await state())?.state === 'disabled'), 'sink disabled');
    assert.equal((await state())?.backlog, 1, 'the event stays pending, not dropped');
  });
});

describe('the relay killed mid-run', () => {
  it('loses nothing: after SIGKILL and restart every acknowledged event reaches the consumer', async () => {
    const consumer = new WebhookConsumer(SECRET);
    await consumer.start();
    const args = [
      '--database',
      join(dir, 'kill.db'),
      '--sink',
      `crm=${consumer.url}`,
      '--sink-secret',
      `crm=${SECRET}`,
      '--allow-private-sinks',
    ];
    let service = await startServiceProcess(args);
    try {
      const sending = sendUniqueCallbacks(service.url, 'kill', 200);
      await waitFor(() => consumer.owners('kill').size >= 20);
      await service.stop('SIGKILL');
      const acked = await sending;
      service = await startServiceProcess(args, { port: service.port });
      // Only what was acknowledged is promised; each acknowledged owner id is kill0..kill{n}.
      const stored = (await (
        await fetch(`${service.url}/api/v1/events?consistent=true&limit=1000`)
      ).json()) as Page<{
        payload: { ownerUserId: string };
      }>;
      const expected = new Set(stored.items.map((e) => e.payload.ownerUserId));
      assert.ok(expected.size >= acked, 'every acknowledged callback was stored');
      assert.ok(
        await waitFor(() => consumer.owners('kill').size === expected.size),
        `${consumer.owners('kill').size} of ${expected.size}`,
      );
      assert.equal(consumer.unverified, 0);
    } finally {
      await service.stop();
      await consumer.stop();
    }
  });
});
