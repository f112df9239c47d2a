import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import {
  createEmitter,
  createGoLikeAgent,
  effectiveTimeoutMs,
  resolveWebhooksConfig,
  sendCallback,
  simulateSingleChatCreation,
} from '../src/emitter/index.js';
import type { CallbackOutcome } from '../src/emitter/index.js';
import { SUCCESS, answer, closedPort, startRawServer, startServer } from './emitter-servers.js';
import type { TestServer } from './emitter-servers.js';
import { SEED_PAYLOAD } from './fixtures/seed.js';

const AFTER = 'callbackAfterCreateSingleChatConversationsCommand';
function send(
  url: string,
  timeoutMs = 5000,
  payload: Readonly<Record<string, unknown>> = SEED_PAYLOAD,
): Promise<CallbackOutcome> {
  return sendCallback({ url, command: AFTER, payload, operationID: 'op-1', timeoutMs });
}

describe('the request on the wire', () => {
  test('exact bytes, as Go writes them: url + "/" + command, its headers in its order, operationID even when empty', async () => {
    const server = await startRawServer();
    try {
      const outcome = await sendCallback({
        url: server.url,
        command: AFTER,
        payload: SEED_PAYLOAD,
        operationID: '',
        timeoutMs: 5000,
      });
      const body = `${JSON.stringify(SEED_PAYLOAD)}\n`;
      const port = new URL(server.url).port;
      assert.equal(
        (await server.received).toString('utf8'),
        `POST /callbackExample/${AFTER} HTTP/1.1\r\n` +
          `Host: 127.0.0.1:${port}\r\n` +
          'User-Agent: Go-http-client/1.1\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          'Content-Type: application/json; charset=utf-8\r\n' +
          'Operationid: \r\n' +
          'Accept-Encoding: gzip\r\n' +
          '\r\n' +
          body,
      );
      assert.equal(outcome.result, 'continue');
      assert.equal(outcome.requestBody, body);
    } finally {
      await server.close();
    }
  });

  test("user info in the url becomes Basic auth, placed where Go's sorted headers put it", async () => {
    const server = await startRawServer();
    try {
      const url = server.url.replace('http://', 'http://hook%20user:p%40ss@');
      await sendCallback({ url, command: AFTER, payload: SEED_PAYLOAD, operationID: 'op', timeoutMs: 5000 });
      const head = (await server.received).toString('utf8').split('\r\n\r\n')[0] ?? '';
      assert.deepEqual(head.split('\r\n').slice(1, 8), [
        `Host: ${new URL(server.url).host}`,
        'User-Agent: Go-http-client/1.1',
        `Content-Length: ${JSON.stringify(SEED_PAYLOAD).length + 1}`,
        `Authorization: Basic ${Buffer.from('hook user:p@ss').toString('base64')}`,
        'Content-Type: application/json; charset=utf-8',
        'Operationid: op',
        'Accept-Encoding: gzip',
      ]);
    } finally {
      await server.close();
    }
  });

  test('connections are kept alive and reused, as Go does, although no Connection header is sent', async () => {
    let connections = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end(SUCCESS));
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const agent = createGoLikeAgent('http://127.0.0.1');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`;
      for (let i = 0; i < 3; i += 1) {
        const outcome = await sendCallback({
          url,
          command: AFTER,
          payload: SEED_PAYLOAD,
          operationID: '',
          timeoutMs: 5000,
          agent,
        });
        assert.equal(outcome.result, 'continue');
      }
      assert.equal(connections, 1);
    } finally {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('Content-Length counts UTF-8 bytes (Chinese, emoji)', async () => {
    const server = await startServer(answer(SUCCESS));
    try {
      await send(server.url, 5000, { ...SEED_PAYLOAD, ex: '你好 👋 <b>&' });
      const request = server.requests[0];
      assert.ok(request);
      const length = request.rawHeaders[request.rawHeaders.indexOf('Content-Length') + 1];
      assert.equal(Number(length), request.body.length);
      assert.match(request.body.toString('utf8'), /"ex":"你好 👋 \\u003cb\\u003e\\u0026"}\n$/);
    } finally {
      await server.close();
    }
  });

  test('a trailing "/" in url gives "//command", as in OpenIM', async () => {
    const server = await startServer(answer(SUCCESS));
    try {
      await send(`${server.url}/`);
      assert.equal(server.requests[0]?.path, `/callbackExample//${AFTER}`);
    } finally {
      await server.close();
    }
  });

  test('effective timeout is min(timeout, 15 s); 0 means 15 s', () => {
    assert.equal(effectiveTimeoutMs(5), 5000);
    assert.equal(effectiveTimeoutMs(0), 15_000);
    assert.equal(effectiveTimeoutMs(3600), 15_000);
    assert.equal(effectiveTimeoutMs(-1), 15_000);
  });
});

describe('answers judged as OpenIM judges them', () => {
  let server: TestServer;
  let next: (res: import('node:http').ServerResponse) => void = () => undefined;
  before(async () => {
    server = await startServer((_request, res) => next(res));
  });
  after(() => server.close());

  function respond(body: string | Buffer, status = 200, headers: Record<string, string> = {}): void {
    next = (res) => {
      res.writeHead(status, { 'content-length': Buffer.byteLength(body), ...headers });
      res.end(body);
    };
  }

  test('500 with a JSON body: processed like a 200, status reported', async () => {
    respond(SUCCESS, 500);
    const outcome = await send(server.url);
    assert.equal(outcome.result, 'continue');
    assert.equal(outcome.status, 500);
  });

  test('200 with HTML: a format error', async () => {
    respond('<html><body>OK</body></html>', 200, { 'content-type': 'text/html' });
    const outcome = await send(server.url);
    assert.equal(outcome.result, 'error');
    assert.equal(outcome.errorKind, 'response-format');
    assert.equal(outcome.status, 200);
  });

  test('empty body and JSON array: format errors; null and {}: success', async () => {
    for (const [body, result] of [
      ['', 'error'],
      ['[]', 'error'],
      ['null', 'continue'],
      ['{}', 'continue'],
    ] as const) {
      respond(body);
      assert.equal((await send(server.url)).result, result, `body ${JSON.stringify(body)}`);
    }
  });

  test('"nextCode": "0" (as in some OpenIM docs) is a type error', async () => {
    respond('{"actionCode":0,"errCode":0,"errMsg":"","errDlt":"","nextCode":"0"}');
    const outcome = await send(server.url);
    assert.equal(outcome.result, 'error');
    assert.equal(outcome.errorKind, 'response-type');
  });

  test('a rejection: actionCode 0, nextCode 1, with its errCode', async () => {
    respond('{"actionCode":0,"errCode":5001,"errMsg":"not allowed","errDlt":"","nextCode":1}');
    const outcome = await send(server.url);
    assert.equal(outcome.result, 'rejected');
    assert.equal(outcome.errorKind, 'rejected');
    assert.equal(outcome.response?.errCode, 5001);
  });

  test('actionCode != 0 is not a rejection (HEAD since v3.7.0)', async () => {
    respond('{"actionCode":1,"errCode":5001,"nextCode":1}');
    assert.equal((await send(server.url)).result, 'continue');
  });

  test('a gzip answer is inflated, as Go does when it asked for gzip', async () => {
    respond(gzipSync(SUCCESS), 200, { 'content-encoding': 'gzip' });
    const outcome = await send(server.url);
    assert.equal(outcome.result, 'continue');
    assert.equal(outcome.responseBody, SUCCESS);
  });
});

describe('redirects, followed as Go follows them', () => {
  test('302: a GET without body to the new location, with a Referer; its answer is judged', async () => {
    const server = await startServer((request, res) => {
      if (request.path.startsWith('/callbackExample/')) {
        res.writeHead(302, { location: '/moved' }).end();
      } else {
        res.end(SUCCESS);
      }
    });
    try {
      const outcome = await send(server.url);
      assert.equal(outcome.result, 'continue');
      const moved = server.requests[1];
      assert.equal(moved?.method, 'GET');
      assert.equal(moved?.path, '/moved');
      assert.equal(moved?.body.length, 0);
      const headers = moved?.rawHeaders ?? [];
      assert.equal(headers[headers.indexOf('Referer') + 1], `${server.url}/${AFTER}`);
      assert.equal(headers.indexOf('Content-Length'), -1);
      assert.equal(headers[headers.indexOf('Operationid') + 1], 'op-1');
    } finally {
      await server.close();
    }
  });

  test('307: the same POST body again', async () => {
    const server = await startServer((request, res) => {
      if (request.path.startsWith('/callbackExample/')) res.writeHead(307, { location: '/again' }).end();
      else res.end(SUCCESS);
    });
    try {
      assert.equal((await send(server.url)).result, 'continue');
      assert.equal(server.requests[1]?.method, 'POST');
      assert.deepEqual(server.requests[1]?.body, server.requests[0]?.body);
    } finally {
      await server.close();
    }
  });

  test('a redirect loop: an error after 10 requests, as Go', async () => {
    const server = await startServer((_request, res) => res.writeHead(302, { location: '/loop' }).end());
    try {
      const outcome = await send(server.url);
      assert.equal(outcome.result, 'error');
      assert.equal(outcome.errorKind, 'network');
      assert.equal(server.requests.length, 10, 'Go stops after 10 requests');
    } finally {
      await server.close();
    }
  });
});

describe('transport failures', () => {
  test('slower than the timeout: a timeout error', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const server = await startServer((_request, res) => void held.then(() => res.end(SUCCESS)));
    try {
      const outcome = await send(server.url, 200);
      assert.equal(outcome.result, 'error');
      assert.equal(outcome.errorKind, 'timeout');
      assert.equal(outcome.status, null);
    } finally {
      release();
      await server.close();
    }
  });

  test('headers sent, body never finished within the timeout: still a timeout', async () => {
    const server = await startServer((_request, res) => {
      res.writeHead(200, { 'content-length': 1000 });
      res.write('{"actionCode":');
    });
    try {
      const outcome = await send(server.url, 200);
      assert.equal(outcome.errorKind, 'timeout');
      assert.equal(outcome.status, 200);
    } finally {
      await server.close();
    }
  });

  test('connection reset by the server', async () => {
    const server = await startServer((_request, _res, req) => req.socket.destroy());
    try {
      const outcome = await send(server.url);
      assert.equal(outcome.result, 'error');
      assert.equal(outcome.errorKind, 'connection-reset');
    } finally {
      await server.close();
    }
  });

  test('nothing listening: connection refused', async () => {
    const outcome = await send(`http://127.0.0.1:${await closedPort()}/callbackExample`);
    assert.equal(outcome.errorKind, 'connection-refused');
  });
});

describe('before-callback overrides', () => {
  test('applied to what happens next: B inherits the overrides of before(A)', async () => {
    const server = await startServer((request, res) => {
      const body = request.path.endsWith('callbackBeforeCreateSingleChatConversationsCommand')
        ? '{"actionCode":0,"nextCode":0,"isPinned":true,"ex":"from-before","recvMsgOpt":null}'
        : SUCCESS;
      res.end(body);
    });
    const emitter = createEmitter({ config: resolveWebhooksConfig({ url: server.url, enableAll: true }) });
    try {
      await simulateSingleChatCreation(emitter, { sendID: 'alice', recvID: 'bob' });
      await emitter.drain();
      const afters = server.requests.filter((r) => r.path.endsWith(AFTER)).map((r) => r.json);
      assert.equal(afters.length, 2);
      for (const payload of afters) {
        assert.equal(payload.isPinned, true);
        assert.equal(payload.ex, 'from-before');
        assert.equal(payload.recvMsgOpt, 0);
      }
    } finally {
      await emitter.close();
      await server.close();
    }
  });
});
