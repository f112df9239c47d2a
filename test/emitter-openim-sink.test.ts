import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SINGLE_CHAT_FIELDS, encodeGoJson } from '../src/protocol/index.js';
import { openimFormatSink } from '../src/emitter/reliable/index.js';
import { toOutgoingEvent } from '../src/sync/envelope.js';
import type { OutgoingEvent } from '../src/sync/sink.js';
import { SUCCESS, closedPort, startServer } from './emitter-servers.js';

const COMMAND = 'callbackAfterCreateSingleChatConversationsCommand';
const RAW = encodeGoJson(
  {
    callbackCommand: COMMAND,
    ownerUserId: 'a',
    conversationId: 'si_a_b',
    conversationType: 1,
    userId: 'b',
    ex: '<你好>',
  },
  SINGLE_CHAT_FIELDS,
);

/** The relay's event for a recorded callback, its envelope built by the relay's own code. */
const EVENT: OutgoingEvent = toOutgoingEvent({
  id: 1,
  callbackCommand: COMMAND,
  operationID: 'op-77',
  receivedAt: 0,
  idempotencyKey: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  rawBody: Buffer.from(RAW, 'utf8'),
});

describe('OpenIM-format sink: the relay forwards a callback exactly as OpenIM posted it', () => {
  test('same path, body bytes and operationID; the event id in its own header', async () => {
    const server = await startServer((_request, res) => res.end(SUCCESS));
    const sink = openimFormatSink({ name: 'crm', url: server.url });
    try {
      assert.deepEqual(await sink.deliver(EVENT), { kind: 'delivered' });
      const request = server.requests[0];
      assert.equal(request?.path, `/callbackExample/${COMMAND}`);
      assert.equal(request?.body.toString('utf8'), RAW);
      const headers = request?.rawHeaders ?? [];
      assert.equal(headers[headers.indexOf('Operationid') + 1], 'op-77');
      assert.equal(headers[headers.indexOf('Openim-Hooks-Event-Id') + 1], EVENT.eventId);
    } finally {
      await sink.close();
      await server.close();
    }
  });

  test('HTML answers fail (retried by the relay), 410 is gone, nothing listening is unavailable', async () => {
    let status = 200;
    const server = await startServer((_request, res) => res.writeHead(status).end('<html></html>'));
    const sink = openimFormatSink({ name: 'crm', url: server.url });
    const down = openimFormatSink({ name: 'down', url: `http://127.0.0.1:${await closedPort()}/cb` });
    try {
      assert.equal((await sink.deliver(EVENT)).kind, 'failed');
      status = 410;
      assert.equal((await sink.deliver(EVENT)).kind, 'gone');
      assert.equal((await down.deliver(EVENT)).kind, 'unavailable');
    } finally {
      await sink.close();
      await down.close();
      await server.close();
    }
  });
});
