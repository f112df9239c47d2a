import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createLogger, DEFAULT_CONFIG, startService } from '../src/service/index.js';
import type { DeliveryRecord, Page } from '../src/store/index.js';
import { parseSinkConfig } from '../src/sync/sink-config.js';
import { SEED_BODY, SEED_COMMAND, singleChatBody } from './fixtures/seed.js';
import { startNatsServer } from './helpers/brokers.js';
import { postLikeOpenIM } from './helpers/openim-client.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';
import { WebhookConsumer } from './helpers/webhook-consumer.js';

const dir = tempDir();
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const consumers: WebhookConsumer[] = [];
after(() => Promise.all(consumers.map((c) => c.stop())));

/** A logger whose JSON lines the test can read. */
function capturedLogger() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const lines = () =>
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger: createLogger('info', stream), lines };
}

async function consumer(status: number): Promise<WebhookConsumer> {
  const c = new WebhookConsumer(SECRET);
  c.status = status;
  await c.start();
  consumers.push(c);
  return c;
}

function serviceWith(name: string, sink: Record<string, unknown>, logger = capturedLogger().logger) {
  return startService(
    {
      ...DEFAULT_CONFIG,
      port: 0,
      database: join(dir, `${name}.db`),
      logLevel: 'info',
      allowPrivateSinks: true,
      sinks: [parseSinkConfig({ name: 'crm', secrets: [SECRET], ...sink }, 0)],
    },
    { logger },
  );
}

const deliveries = async (url: string, status: string) =>
  (
    (await (
      await fetch(`${url}/api/v1/deliveries?consistent=true&status=${status}`)
    ).json()) as Page<DeliveryRecord>
  ).items;

describe('sink operations', () => {
  it('logs one line for a dead letter: sink, event id, attempts, last error', async () => {
    const business = await consumer(500);
    const { logger, lines } = capturedLogger();
    const service = await serviceWith('dead', { url: business.url, retrySchedule: ['20ms'] }, logger);
    try {
      await postLikeOpenIM(`${service.callbackUrl}/${SEED_COMMAND}`, SEED_BODY);
      const line = () => lines().find((l) => String(l['msg']).startsWith('delivery dead-lettered'));
      assert.ok(await waitFor(() => line() !== undefined), 'the line is written');
      assert.equal(line()?.['sink'], 'crm');
      assert.match(String(line()?.['eventId']), /^evt_[0-9a-f]{32}$/);
      assert.equal(line()?.['attempts'], 2);
      assert.equal(line()?.['error'], 'HTTP 500');
      assert.equal(lines().filter((l) => String(l['msg']).startsWith('delivery dead-lettered')).length, 1);
    } finally {
      await service.close();
    }
  });

  it('"retry now" sends a held delivery at once, keeping its attempts; a restart does the same', async () => {
    const business = await consumer(503);
    let service = await serviceWith('held', { url: business.url, retrySchedule: ['1h'] });
    await postLikeOpenIM(`${service.callbackUrl}/${SEED_COMMAND}`, SEED_BODY);
    await postLikeOpenIM(`${service.callbackUrl}/${SEED_COMMAND}`, singleChatBody('second', 'p'));
    assert.ok(
      await waitFor(async () => (await deliveries(service.url, 'pending')).every((d) => d.attempts === 1)),
    );
    business.status = 200;
    const [held] = await deliveries(service.url, 'pending');
    const one = await fetch(`${service.url}/api/v1/sinks/crm/retry?deliveryId=${held?.id}`, {
      method: 'POST',
    });
    assert.deepEqual(await one.json(), { retried: 1 });
    assert.ok(await waitFor(() => business.deliveries.size === 1), 'sent now, not in an hour');
    const [delivered] = await deliveries(service.url, 'delivered');
    assert.equal(delivered?.attempts, 2, 'attempts kept');

    // The other one is still held for an hour: a restart (after fixing the sink, say) makes it due at once.
    await service.close();
    service = await serviceWith('held', { url: business.url, retrySchedule: ['1h'] });
    try {
      assert.ok(await waitFor(() => business.deliveries.size === 2), 'sent at start');
    } finally {
      await service.close();
    }
  });

  it('enables again a sink that a 410 disabled, without a restart', async () => {
    const business = await consumer(410);
    const service = await serviceWith('gone', { url: business.url, retrySchedule: ['20ms'] });
    const state = async () =>
      ((await (await fetch(`${service.url}/api/v1/sinks`)).json()) as { items: { state: string }[] }).items[0]
        ?.state;
    try {
      await postLikeOpenIM(`${service.callbackUrl}/${SEED_COMMAND}`, SEED_BODY);
      assert.ok(await waitFor(async () => (await state()) === 'disabled'));
      business.status = 200;
      const enabled = await fetch(`${service.url}/api/v1/sinks/crm/enable`, { method: 'POST' });
      assert.deepEqual(await enabled.json(), { name: 'crm', state: 'active' });
      assert.ok(await waitFor(() => business.deliveries.size === 1), 'the pending event went out');
    } finally {
      await service.close();
    }
  });

  it('signs an HTTP sink without a secret with one it generates, keeps and shows; `unsigned: true` sends none', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push(req.headers);
        bodies.push(body);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    const start = (name: string, sink: Record<string, unknown>) => {
      const captured = capturedLogger();
      return startService(
        {
          ...DEFAULT_CONFIG,
          port: 0,
          database: join(dir, `${name}.db`),
          allowPrivateSinks: true,
          sinks: [parseSinkConfig({ name: 'crm', url, ...sink }, 0)],
        },
        { logger: captured.logger },
      ).then((service) => ({ service, lines: captured.lines }));
    };
    try {
      const first = await start('generated', {});
      const lines = first.lines;
      let service = first.service;
      const shown = (await (await fetch(`${service.url}/api/v1/sinks`)).json()) as {
        items: { generatedSecret?: string }[];
      };
      const secret = shown.items[0]?.generatedSecret ?? '';
      assert.match(secret, /^whsec_/);
      assert.ok(
        lines().some((l) => String(l['msg']).includes(secret)),
        'printed at start',
      );
      await postLikeOpenIM(`${service.callbackUrl}/${SEED_COMMAND}`, SEED_BODY);
      assert.ok(await waitFor(() => seen.length === 1));
      new Webhook(secret).verify(bodies[0] ?? '', seen[0] as Record<string, string>); // throws if not signed with it
      await service.close();
      ({ service } = await start('generated', {}));
      const again = (await (await fetch(`${service.url}/api/v1/sinks`)).json()) as {
        items: { generatedSecret?: string }[];
      };
      assert.equal(again.items[0]?.generatedSecret, secret, 'kept in the database across a restart');
      await service.close();

      ({ service } = await start('unsigned', { unsigned: true }));
      await postLikeOpenIM(`${service.callbackUrl}/${SEED_COMMAND}`, SEED_BODY);
      assert.ok(await waitFor(() => seen.length === 2));
      assert.equal(seen[1]?.['webhook-signature'], undefined);
      await service.close();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("warns about a broker's durability at start, before any delivery", async () => {
    const nats = await startNatsServer();
    const { logger, lines } = capturedLogger();
    const service = await startService(
      {
        ...DEFAULT_CONFIG,
        port: 0,
        database: join(dir, 'nats.db'),
        sinks: [parseSinkConfig({ name: 'bus', url: nats.url }, 0)],
      },
      { logger },
    );
    try {
      logger.flush();
      assert.ok(lines().some((l) => /JetStream acknowledges before it fsyncs/.test(String(l['msg']))));
    } finally {
      await service.close();
      await nats.dispose();
    }
  });
});
