import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { memoryOf } from '../bench/lib/processes.js';
import { ERROR_CODES, isBlocking } from '../src/protocol/index.js';
import { createReceiver } from '../src/receiver/index.js';
import { SEED_BODY, SEED_COMMAND, singleChatBody } from './fixtures/seed.js';
import { postLikeOpenIM } from './helpers/openim-client.js';
import { startServiceProcess } from './helpers/service-process.js';
import { tempDir } from './helpers/temp-dir.js';

const MiB = 1024 * 1024;
const PATH = `/callbackExample/${SEED_COMMAND}`;

function assertPackage(body: string, errCode: number): void {
  const pkg = JSON.parse(body) as { errCode: number; actionCode: number; nextCode: number };
  assert.equal(pkg.errCode, errCode);
  assert.equal(isBlocking(pkg), false);
}

/**
 * Sends `total` bytes of body in 64 KiB chunks (chunked transfer unless a length is declared); resolves with the
 * answer, or status 0 when the connection was cut before it could be read (a client still writing meets the
 * reset). `untilAnswered`: write only what the answer needs and wait for it, never ending the body, so nothing is
 * left unread to cut: a declared length alone (the receiver refuses it unread), or `total` bytes of chunks.
 */
function sendLargeBody(
  url: string,
  total: number,
  declareLength: boolean,
  untilAnswered = false,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      operationid: 'big',
    };
    if (declareLength) headers['content-length'] = String(total);
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
        if (untilAnswered) req.destroy();
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      // The server answers and closes while we are still writing: the answer may arrive before or after the reset.
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
      else resolve({ status: 0, body: '' });
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      if (untilAnswered && declareLength) return;
      while (sent < total) {
        sent += chunk.byteLength;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!untilAnswered) req.end();
    };
    req.write('{"callbackCommand":"');
    pump();
    setTimeout(() => reject(new Error('no answer within 20 s')), 20_000).unref();
  });
}

describe('body limit: memory', () => {
  it('a 10 MiB body and a chunked oversized body raise the server RSS by less than 2 MiB', async () => {
    const service = await startServiceProcess([
      '--database',
      join(tempDir(), 'rss.db'),
      '--log-level',
      'warn',
    ]);
    try {
      const pid = service.child.pid;
      assert.ok(pid);
      const url = `${service.url}${PATH}`;
      // Warm up: every code path once (JIT, buffers, a body read up to the limit), so what follows measures growth.
      for (let i = 0; i < 20; i++)
        await postLikeOpenIM(url, singleChatBody(`w${i}`, 'peer'), { operationID: `warm-${i}` });
      // A client that waits for its answer always reads our 413 package: a declared 2 MiB, or chunks just past 1 MiB.
      for (let i = 0; i < 3; i++) {
        for (const declared of [true, false]) {
          const answer = await sendLargeBody(url, declared ? 2 * MiB : MiB + 64 * 1024, declared, true);
          assert.equal(answer.status, 413, `2 MiB, ${declared ? 'declared' : 'chunked'}`);
          assertPackage(answer.body, ERROR_CODES.BODY_TOO_LARGE.errCode);
        }
      }
      const before = memoryOf(pid).rssMiB;
      // One body of each kind, measured together: both at once must stay under the bound.
      const answers = [await sendLargeBody(url, 10 * MiB, true), await sendLargeBody(url, 10 * MiB, false)];
      const after = memoryOf(pid).rssMiB;
      // A client still writing 10 MiB may meet the reset before our 413: that (status 0) or the 413 package, never
      // anything else (the clients above, which stop once answered, always read the package).
      for (const answer of answers) {
        assert.ok(answer.status === 0 || answer.status === 413, `10 MiB answered ${answer.status}`);
        if (answer.status === 413) assertPackage(answer.body, ERROR_CODES.BODY_TOO_LARGE.errCode);
      }
      assert.ok(
        after - before < 2,
        `RSS grew by ${(after - before).toFixed(2)} MiB (from ${before.toFixed(1)} to ${after.toFixed(1)})`,
      );
      const ok = await postLikeOpenIM(url, SEED_BODY, { operationID: 'after-big' });
      assert.equal(ok.status, 200, 'the service still records callbacks');
    } finally {
      await service.stop();
    }
  });
});

/** Opens a socket and writes `head`, then one byte of `dribble` every 200 ms; resolves when the server closes it. */
function dribble(
  port: number,
  head: string,
  dribbleText: string,
): Promise<{ closedByServer: boolean; received: string }> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    let index = 0;
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.on('error', () => undefined);
    socket.write(head);
    const timer = setInterval(() => {
      if (index >= dribbleText.length) {
        clearInterval(timer);
        socket.destroy();
        resolve({ closedByServer: false, received });
        return;
      }
      socket.write(dribbleText[index++] ?? '');
    }, 200);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ closedByServer: index < dribbleText.length, received });
    });
  });
}

describe('slowloris', () => {
  it('closes connections whose headers or body dribble in, and keeps serving others', async () => {
    const service = await startServiceProcess([
      '--database',
      join(tempDir(), 'slow.db'),
      '--headers-timeout-ms',
      '1000',
      '--request-timeout-ms',
      '2000',
      '--log-level',
      'warn',
    ]);
    try {
      // 100 bytes at 5 bytes/s would take 20 s: the server must cut it long before the last byte.
      const slowHeaders = dribble(
        service.port,
        `POST ${PATH} HTTP/1.1\r\nHost: x\r\n`,
        `X-Slow: ${'a'.repeat(90)}\r\n\r\n`,
      );
      const body = SEED_BODY.padEnd(100, ' ');
      const slowBody = dribble(
        service.port,
        `POST ${PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
        body,
      );
      const ok = await postLikeOpenIM(`${service.url}${PATH}`, SEED_BODY, { operationID: 'while-slow' });
      assert.equal(ok.status, 200);
      const [headers, bodyResult] = await Promise.all([slowHeaders, slowBody]);
      assert.equal(headers.closedByServer, true, 'dribbled headers were cut');
      assert.equal(bodyResult.closedByServer, true, 'a dribbled body was cut');
      assert.doesNotMatch(bodyResult.received, /^HTTP\/1\.1 200/, 'nothing was recorded for it');
    } finally {
      await service.stop();
    }
  });
});

describe('concurrency cap and rate limit', () => {
  it('answers 503 with the JSON package beyond the cap, then serves again once requests finish', async () => {
    const receiver = createReceiver({ maxConcurrentRequests: 2 });
    const header = () => undefined;
    const first = receiver.admit({ header });
    const second = receiver.admit({ header });
    const third = receiver.admit({ header });
    assert.ok(first.ok && second.ok);
    assert.ok(!third.ok);
    assert.equal(third.response.status, 503);
    assertPackage(third.response.body, ERROR_CODES.OVERLOADED.errCode);
    first.release();
    first.release();
    const fourth = receiver.admit({ header });
    assert.ok(fourth.ok);
    assert.ok(!receiver.admit({ header }).ok, 'a double release frees one slot only');
  });

  it('over real sockets: requests stuck reading their body hold the slots; the next one gets 503 at once', async () => {
    const service = await startServiceProcess([
      '--database',
      join(tempDir(), 'cap.db'),
      '--max-concurrent-requests',
      '2',
      '--log-level',
      'warn',
    ]);
    const sockets: Socket[] = [];
    try {
      const body = SEED_BODY;
      for (let i = 0; i < 2; i++) {
        const socket = connect(service.port, '127.0.0.1');
        socket.on('error', () => undefined);
        sockets.push(socket);
        socket.write(
          `POST ${PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nOperationid: held-${i}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
        );
      }
      // The held requests are admitted once their headers are parsed: poll (bounded) until the cap answers.
      let answer = await postLikeOpenIM(`${service.url}${PATH}`, SEED_BODY, { operationID: 'third' });
      for (let i = 0; i < 50 && answer.status !== 503; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        answer = await postLikeOpenIM(`${service.url}${PATH}`, SEED_BODY, { operationID: `third-${i}` });
      }
      assert.equal(answer.status, 503);
      assertPackage(answer.body, ERROR_CODES.OVERLOADED.errCode);
      const finished = sockets.map(
        (socket) =>
          new Promise<string>((resolve) => {
            let text = '';
            socket.on('data', (chunk: Buffer) => {
              text += chunk.toString();
              if (text.includes('\r\n\r\n{')) resolve(text);
            });
            socket.write(body.slice(10));
          }),
      );
      for (const text of await Promise.all(finished)) assert.match(text, /^HTTP\/1\.1 200/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await service.stop();
    }
  });

  it('per-IP rate limit: a burst of two seconds worth, then 429 with the JSON package; other addresses unaffected', async () => {
    let clock = 1_000_000;
    const receiver = createReceiver({ rateLimitPerIp: 5, now: () => clock });
    const admit = (address: string) => receiver.admit({ header: () => undefined, remoteAddress: address });
    const results = Array.from({ length: 15 }, () => {
      const admitted = admit('10.0.0.1');
      if (admitted.ok) admitted.release();
      return admitted;
    });
    assert.equal(results.filter((r) => r.ok).length, 10);
    const refused = results.find((r) => !r.ok);
    assert.ok(refused && !refused.ok);
    assert.equal(refused.response.status, 429);
    assertPackage(refused.response.body, ERROR_CODES.TOO_MANY_REQUESTS.errCode);
    assert.ok(admit('10.0.0.2').ok);
    clock += 1000;
    assert.equal(
      Array.from({ length: 8 }, () => admit('10.0.0.1')).filter((r) => r.ok).length,
      5,
      '5 tokens a second',
    );
  });
});
