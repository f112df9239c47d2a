import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Redis } from 'ioredis';
import { Webhook } from 'standardwebhooks';
import { commandSpec, encodeGoJson } from '../src/protocol/index.js';
import { exampleRequest } from '../src/emitter/index.js';
import { fromNatsMessage, fromRedisEntry, receiveWebhook, verifyWebhook } from '../src/consumer/index.js';
import type { SinkEnvelope } from '../src/consumer/index.js';
import type { RunningService } from '../src/service/index.js';
import { SEED_BODY, SEED_COMMAND, SUCCESS_BODY } from './fixtures/seed.js';
import { startNatsServer, startRedisServer } from './helpers/brokers.js';
import type { BrokerServer } from './helpers/brokers.js';
import { postLikeOpenIM } from './helpers/openim-client.js';
import { startServiceWithSinks } from './helpers/sync-service.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';

const SECRET = `whsec_${Buffer.from('consumer secret of the business server').toString('base64')}`;
const OLD = `whsec_${Buffer.from('the previous secret, being rotated').toString('base64')}`;
const dir = tempDir();

describe('verifyWebhook (Standard Webhooks)', () => {
  const body = '{"id":"evt_1","callbackCommand":"x"}';
  const signed = (secret: string, at: Date) => ({
    'webhook-id': 'evt_1',
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign('evt_1', at, body),
  });

  it('accepts what the reference library signs, with any of several secrets', () => {
    const now = new Date();
    assert.equal(verifyWebhook(body, signed(SECRET, now), { secrets: [OLD, SECRET] }).ok, true);
    assert.equal(verifyWebhook(body, signed(OLD, now), { secrets: [OLD, SECRET] }).ok, true);
    assert.equal(verifyWebhook(body, signed(OLD, now), { secrets: [SECRET] }).ok, false);
    assert.equal(verifyWebhook(`${body} `, signed(SECRET, now), { secrets: [SECRET] }).ok, false, 'tampered');
  });

  it('honours the tolerance both ways', () => {
    const at = new Date(Date.UTC(2026, 0, 1));
    const headers = signed(SECRET, at);
    const now = (offsetS: number) => () => at.getTime() + offsetS * 1000;
    assert.equal(verifyWebhook(body, headers, { secrets: [SECRET], now: now(299) }).ok, true);
    assert.equal(verifyWebhook(body, headers, { secrets: [SECRET], now: now(301) }).ok, false);
    assert.equal(verifyWebhook(body, headers, { secrets: [SECRET], now: now(-301) }).ok, false);
    assert.equal(
      verifyWebhook(body, headers, { secrets: [SECRET], now: now(900), toleranceSeconds: 1000 }).ok,
      true,
    );
  });
});

describe('the consumer side against our own relay, end to end', () => {
  let nats: BrokerServer;
  let redis: BrokerServer;
  let service: RunningService;
  let business: Server;
  const received: SinkEnvelope[] = [];
  let refused = 0;

  before(async () => {
    [nats, redis] = await Promise.all([startNatsServer(), startRedisServer()]);
    business = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const result = receiveWebhook(Buffer.concat(chunks), req.headers, { secrets: [SECRET] });
        if (result.ok) received.push(result.event);
        else refused += 1;
        res.writeHead(result.ok ? 204 : 400).end();
      });
    });
    await new Promise<void>((resolve) => business.listen(0, '127.0.0.1', resolve));
    const port = (business.address() as AddressInfo).port;
    service = await startServiceWithSinks(dir, 'consumer', [
      { name: 'crm', url: `http://127.0.0.1:${port}/hooks`, secrets: [OLD, SECRET] },
      { name: 'bus', url: nats.url },
      { name: 'cache', url: redis.url },
    ]);
  });
  after(async () => {
    await service?.close();
    business?.closeAllConnections();
    await new Promise((resolve) => business?.close(resolve));
    await Promise.all([nats?.dispose(), redis?.dispose()]);
  });

  it('HTTP, NATS and Redis deliveries come out verified and typed by command', async () => {
    const send = 'callbackAfterSendSingleMsgCommand';
    const message = encodeGoJson(exampleRequest(send, 'op-msg'), commandSpec(send).request);
    assert.equal(
      (await postLikeOpenIM(`${service.url}/callbackExample/${send}`, message, { operationID: 'op-msg' }))
        .body,
      SUCCESS_BODY,
    );
    assert.equal(
      (
        await postLikeOpenIM(`${service.url}/callbackExample/${SEED_COMMAND}`, SEED_BODY, {
          operationID: 'op-seed',
        })
      ).body,
      SUCCESS_BODY,
    );
    assert.ok(await waitFor(() => received.length === 2), `got ${received.length} of 2`);
    assert.equal(refused, 0);

    const recvIDs: string[] = [];
    for (const event of received) {
      assert.match(event.id, /^evt_[0-9a-f]{32}$/);
      assert.deepEqual(event.fieldErrors, []);
      // Narrowing on the command types the payload: recvID exists only on the message callback.
      if (event.callbackCommand === send) recvIDs.push(event.payload.recvID);
      else if (event.callbackCommand === SEED_COMMAND) assert.equal(event.payload.userId, '622925731');
    }
    assert.deepEqual(recvIDs, ['8517239460']);

    const client = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(client);
      assert.ok(await waitFor(async () => (await jsm.streams.info('OPENIM')).state.messages === 2));
      const commands: string[] = [];
      for (const seq of [1, 2]) {
        const message = await jsm.streams.getMessage('OPENIM', { seq });
        assert.ok(message);
        const parsed = fromNatsMessage({ data: message.data, headers: message.header });
        assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
        commands.push(parsed.event.callbackCommand);
        assert.ok(
          received.some((e) => e.id === parsed.event.id),
          'the same id as over HTTP',
        );
      }
      assert.deepEqual(commands.sort(), [send, SEED_COMMAND].sort());
    } finally {
      await client.close();
    }

    const cache = new Redis(redis.url);
    try {
      assert.ok(await waitFor(async () => (await cache.xlen('openim:events')) === 2));
      const entries = await cache.xrange('openim:events', '-', '+');
      const parsed = entries.map(([, fields]) => fromRedisEntry(fields));
      assert.ok(parsed.every((p) => p.ok));
      assert.deepEqual(parsed.map((p) => (p.ok ? p.event.id : '')).sort(), received.map((e) => e.id).sort());
      assert.equal(fromRedisEntry(['id', 'evt_x', 'command', send, 'envelope', '{}']).ok, false);
    } finally {
      cache.disconnect();
    }
  });
});
