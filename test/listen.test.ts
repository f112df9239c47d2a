import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { describe, it } from 'node:test';
import { freePort, stopProcess, waitForHttp } from '../bench/lib/processes.js';
import { SEED_BODY, SEED_COMMAND, SUCCESS_BODY, singleChatBody } from './fixtures/seed.js';
import { postLikeOpenIM } from './helpers/openim-client.js';
import { BIN } from './helpers/service-process.js';
import { waitFor } from './helpers/wait-for.js';

const BEFORE = 'callbackBeforeCreateSingleChatConversationsCommand';
const PINNED = '{"actionCode":0,"errCode":0,"errMsg":"","errDlt":"","nextCode":0,"isPinned":true}';

/** The developer's business server: answers before-callbacks with an override, records what it got. */
async function businessServer(port: number) {
  const got: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      got.push({ url: req.url ?? '', headers: req.headers, body });
      res.setHeader('content-type', 'application/json');
      res.end(req.url?.endsWith(BEFORE) ? PINNED : SUCCESS_BODY);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    got,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('openim-hooks listen --forward-to', () => {
  it('forwards every callback as OpenIM sent it; OpenIM gets the business answer to a before-callback; afters survive a restart of the business server', async () => {
    const [businessPort, port] = [await freePort(), await freePort()];
    let business = await businessServer(businessPort);
    const child = spawn(
      process.execPath,
      [
        BIN,
        'listen',
        '--forward-to',
        `http://127.0.0.1:${businessPort}/hooks`,
        '--port',
        String(port),
        '--before-deadline-ms',
        '500',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const base = `http://127.0.0.1:${port}/callbackExample`;
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`);
      assert.match(out, new RegExp(`set url: ${base}`), 'says what to paste into webhooks.yml');

      // A before-callback: synchronous, and OpenIM gets the business server's override.
      const before = await postLikeOpenIM(`${base}/${BEFORE}`, singleChatBody('alice', 'bob', BEFORE), {
        operationID: 'op-b',
      });
      assert.equal(before.body, PINNED);
      const forwardedBefore = business.got.find((r) => r.url === `/hooks/${BEFORE}`);
      assert.equal(forwardedBefore?.body, singleChatBody('alice', 'bob', BEFORE), 'the exact bytes');
      assert.equal(forwardedBefore?.headers['operationid'], 'op-b');

      // An after-callback: through the outbox, exactly as received, with the stable event id.
      const after = await postLikeOpenIM(`${base}/${SEED_COMMAND}`, SEED_BODY, { operationID: 'op-a' });
      assert.equal(after.body, SUCCESS_BODY);
      assert.ok(await waitFor(() => business.got.some((r) => r.url === `/hooks/${SEED_COMMAND}`)));
      const forwardedAfter = business.got.find((r) => r.url === `/hooks/${SEED_COMMAND}`);
      assert.equal(forwardedAfter?.body, SEED_BODY);
      assert.match(String(forwardedAfter?.headers['openim-hooks-event-id']), /^evt_[0-9a-f]{32}$/);
      assert.ok(
        await waitFor(() =>
          /after {2}callbackAfterCreateSingleChatConversationsCommand .*delivered/.test(out),
        ),
      );
      assert.match(out, /before callbackBeforeCreateSingleChatConversationsCommand {2}operationID "op-b"/);

      // The business server restarts: a before-callback meanwhile gets our fail-open answer in time; an
      // after-callback waits in the outbox and arrives once it is back.
      await business.stop();
      const down = await postLikeOpenIM(`${base}/${BEFORE}`, singleChatBody('carol', 'dave', BEFORE));
      assert.equal(down.body, SUCCESS_BODY, 'continue: OpenIM is not blocked');
      await postLikeOpenIM(`${base}/${SEED_COMMAND}`, singleChatBody('erin', 'frank'), {
        operationID: 'op-late',
      });
      business = await businessServer(businessPort);
      assert.ok(
        await waitFor(() => business.got.some((r) => r.body.includes('"erin"')), 15_000),
        'delivered after the restart',
      );
    } finally {
      await stopProcess(child);
      await business.stop();
    }
    assert.equal(child.exitCode, 0, 'SIGTERM ends it cleanly');
  });
});
