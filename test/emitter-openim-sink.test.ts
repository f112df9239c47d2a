import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { commandSpec, encodeGoJson } from '../src/protocol/index.js';
import { toOutgoingEvent } from '../src/sync/envelope.js';
import { openimFormatSink } from '../src/sync/openim-format-sink.js';
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
    ex: '<你好>\u2028',
  },
  commandSpec('callbackAfterCreateSingleChatConversationsCommand').request,
);

/** The relay's event for a recorded callback, built by the relay's own code. */
const EVENT: OutgoingEvent = toOutgoingEvent({
  id: 1,
  callbackCommand: COMMAND,
  operationID: 'op-77',
  receivedAt: 0,
  idempotencyKey: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  rawBody: Buffer.from(RAW, 'utf8'),
});

describe('OpenIM-format sink: the relay forwards a callback exactly as OpenIM posted it', () => {
  test('same path, body bytes, OpenIM headers and operationID; the event id in its own header', async () => {
    const server = await startServer((_request, res) => res.end(SUCCESS));
    const sink = openimFormatSink({ name: 'crm', url: server.url, allowPrivate: true });
    try {
      assert.deepEqual(await sink.deliver(EVENT), {
        kind: 'delivered',
        httpStatus: 200,
        responseExcerpt: SUCCESS,
      });
      const request = server.requests[0];
      assert.equal(request?.path, `/callbackExample/${COMMAND}`);
      assert.ok(request?.body.equals(Buffer.from(RAW, 'utf8')), 'the body bytes as recorded');
      const headers = request?.rawHeaders ?? [];
      assert.equal(headers[headers.indexOf('User-Agent') + 1], 'Go-http-client/1.1');
      assert.equal(headers[headers.indexOf('Content-Type') + 1], 'application/json; charset=utf-8');
      assert.equal(headers[headers.indexOf('Operationid') + 1], 'op-77');
      assert.equal(headers[headers.indexOf('Openim-Hooks-Event-Id') + 1], EVENT.eventId);
      assert.equal(sink.kind, 'openim');
    } finally {
      await sink.close();
      await server.close();
    }
  });

  test('HTML, non-2xx (410 too) and nothing listening fail the attempt; a JSON answer of the wrong shape is undeliverable', async () => {
    let status = 200;
    let body = '<html></html>';
    const server = await startServer((_request, res) => res.writeHead(status).end(body));
    const sink = openimFormatSink({ name: 'crm', url: server.url, allowPrivate: true });
    const down = openimFormatSink({
      name: 'down',
      url: `http://127.0.0.1:${await closedPort()}/cb`,
      allowPrivate: true,
    });
    try {
      assert.equal((await sink.deliver(EVENT)).kind, 'failed');
      status = 410;
      body = SUCCESS;
      assert.deepEqual(await sink.deliver(EVENT), {
        kind: 'failed',
        error: 'HTTP 410',
        httpStatus: 410,
        responseExcerpt: SUCCESS,
      });
      status = 200;
      body = '{"nextCode":"0"}';
      assert.equal((await sink.deliver(EVENT)).kind, 'undeliverable');
      assert.equal(
        (await down.deliver(EVENT)).kind,
        'failed',
        'an endpoint that is down fails its attempts, so they end in a dead letter',
      );
    } finally {
      await sink.close();
      await down.close();
      await server.close();
    }
  });

  test('a redirect is not followed: it fails the attempt', async () => {
    const server = await startServer((_request, res) =>
      res.writeHead(307, { location: 'http://169.254.169.254/latest' }).end(),
    );
    const sink = openimFormatSink({ name: 'crm', url: server.url, allowPrivate: true });
    try {
      assert.deepEqual(await sink.deliver(EVENT), {
        kind: 'failed',
        error: 'HTTP 307',
        httpStatus: 307,
        responseExcerpt: '',
      });
      assert.equal(server.requests.length, 1);
    } finally {
      await sink.close();
      await server.close();
    }
  });

  test('the SSRF guard: loopback is refused unless private sinks are allowed; no request is made', async () => {
    const server = await startServer((_request, res) => res.end(SUCCESS));
    const sink = openimFormatSink({ name: 'crm', url: server.url.replace('//', '//user:pw@') });
    try {
      const result = await sink.deliver(EVENT);
      assert.equal(result.kind, 'failed');
      assert.match('error' in result ? result.error : '', /private address 127\.0\.0\.1/);
      assert.equal(server.requests.length, 0);
      assert.equal(sink.target, server.url, 'reported without credentials');
    } finally {
      await sink.close();
      await server.close();
    }
  });
});
