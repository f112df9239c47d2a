import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort, stopProcess, waitForHttp } from '../bench/lib/processes.js';
import { readmeTables, withTables } from '../scripts/readme-tables.js';
import { commandSpec, encodeGoJson } from '../src/protocol/index.js';
import { exampleRequest, parseCallbackResponse } from '../src/emitter/index.js';
import { SUCCESS_BODY, singleChatBody } from './fixtures/seed.js';
import { postLikeOpenIM } from './helpers/openim-client.js';
import { tempDir } from './helpers/temp-dir.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const dir = tempDir();

describe('README', () => {
  it('runs its embedding example as written: a rejection, an override, a recorded after-callback', async () => {
    const example = /<!-- readme-example -->\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(example, 'README has the example');
    const port = await freePort();
    // Inside the package, so that `openim-hooks/...` resolves to this package as it would in a user's project.
    const file = join(root, `.readme-example-${process.pid}.mts`);
    writeFileSync(
      file,
      example.replace('10006', String(port)).replace('./data/my-app.db', join(dir, 'example.db')),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      const base = `http://127.0.0.1:${port}/callbackExample`;
      await waitForHttp(base);
      const before = 'callbackBeforeCreateSingleChatConversationsCommand';
      const banned = await postLikeOpenIM(`${base}/${before}`, singleChatBody('alice', 'banned', before));
      assert.deepEqual(JSON.parse(banned.body), {
        actionCode: 0,
        errCode: 20001,
        errMsg: 'user is banned',
        errDlt: '',
        nextCode: 1,
      });
      const pinned = await postLikeOpenIM(`${base}/${before}`, singleChatBody('alice', 'bob', before));
      assert.equal((JSON.parse(pinned.body) as { isPinned: boolean }).isPinned, true);
      const created = await postLikeOpenIM(
        `${base}/callbackAfterCreateSingleChatConversationsCommand`,
        singleChatBody('alice', 'bob'),
      );
      assert.equal(created.body, SUCCESS_BODY);
      for (let i = 0; i < 50 && !stdout.includes('new conversation'); i++)
        await new Promise((r) => setTimeout(r, 20));
      assert.match(stdout, /new conversation si_alice_bob for alice/);
    } finally {
      await stopProcess(child);
      rmSync(file, { force: true });
    }
  });

  it('runs its moderation example: a refused send, a clean one, a masked modify', async () => {
    const example = /<!-- readme-moderation-example -->\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(example, 'README has the moderation example');
    const port = await freePort();
    const file = join(root, `.readme-moderation-${process.pid}.mts`);
    writeFileSync(file, example.replace('10006', String(port)));
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      const base = `http://127.0.0.1:${port}/callbackExample`;
      await waitForHttp(base);
      const send = 'callbackBeforeSendSingleMsgCommand';
      const message = (
        command: 'callbackBeforeSendSingleMsgCommand' | 'callbackBeforeMsgModifyCommand',
        words: string,
      ) =>
        encodeGoJson(
          { ...exampleRequest(command, 'op'), content: JSON.stringify({ content: words }) },
          commandSpec(command).request,
        );
      const refused = await postLikeOpenIM(`${base}/${send}`, message(send, 'Win big at the CASINO tonight'));
      assert.deepEqual(JSON.parse(refused.body), {
        actionCode: 0,
        errCode: 20002,
        errMsg: 'message refused',
        errDlt: '',
        nextCode: 1,
      });
      const clean = await postLikeOpenIM(`${base}/${send}`, message(send, 'see you at lunch'));
      assert.equal(clean.body, SUCCESS_BODY);
      const modify = 'callbackBeforeMsgModifyCommand';
      const masked = await postLikeOpenIM(`${base}/${modify}`, message(modify, 'what the heck, darn it'));
      // Decoded as OpenIM decodes it: the content override is what the message becomes.
      const parsed = parseCallbackResponse(masked.body, commandSpec(modify).answer);
      assert.ok(parsed.ok);
      assert.equal(parsed.response.nextCode, 0);
      assert.deepEqual(parsed.overrides, { content: JSON.stringify({ content: 'what the ****, **** it' }) });
    } finally {
      await stopProcess(child);
      rmSync(file, { force: true });
    }
  });

  it('documents every error code, command and setting as the registries define them (npm run docs)', () => {
    assert.equal(readme, withTables(readme, readmeTables()));
  });
});
