import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stopProcess } from '../bench/lib/processes.js';
import type { EventRecord, Page } from '../src/store/index.js';
import { SEED_BODY, SEED_COMMAND, singleChatBody } from './fixtures/seed.js';
import { postLikeOpenIM } from './helpers/openim-client.js';
import { BIN, runCliResult, startServiceProcess } from './helpers/service-process.js';
import type { ServiceProcess } from './helpers/service-process.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';

const dir = tempDir();
const TOKEN = 'cli-token';
let service: ServiceProcess;
let env: NodeJS.ProcessEnv;

before(async () => {
  service = await startServiceProcess(['--database', join(dir, 'cli.db'), '--api-tokens', TOKEN]);
  env = { OPENIM_HOOKS_URL: service.url, OPENIM_HOOKS_API_TOKEN: TOKEN };
  await postLikeOpenIM(`${service.url}/callbackExample/${SEED_COMMAND}`, SEED_BODY, {
    operationID: 'cli-seed',
  });
});
after(() => service.stop());

describe('the CLI asks the running service', () => {
  it('reads through the API by default, with the token from OPENIM_HOOKS_API_TOKEN', async () => {
    const listed = await runCliResult(['events', 'list', '--json', '--operation-id', 'cli-seed'], env);
    assert.equal(listed.code, 0, listed.stderr);
    const [event] = (JSON.parse(listed.stdout) as Page<EventRecord>).items;
    assert.equal(event?.rawBody, SEED_BODY);
    const viaFlag = await runCliResult(['commands', '--json', '--url', service.url], {
      OPENIM_HOOKS_API_TOKEN: TOKEN,
    });
    assert.equal(viaFlag.code, 0);
    const noToken = await runCliResult(['commands', '--url', service.url], { OPENIM_HOOKS_API_TOKEN: '' });
    assert.equal(noToken.code, 1, 'the service refused');
    assert.match(noToken.stderr, /29013/);
    assert.match(noToken.stderr, /OPENIM_HOOKS_API_TOKEN/);
  });

  it('shows one event by its numeric or evt_ id; replays by either', async () => {
    const listed = await runCliResult(['events', 'list', '--json', '--operation-id', 'cli-seed'], env);
    const [event] = (JSON.parse(listed.stdout) as Page<EventRecord>).items;
    assert.ok(event);
    const byNumber = await runCliResult(['events', 'show', String(event.id), '--json'], env);
    const byEvt = await runCliResult(['events', 'show', event.eventId, '--json'], env);
    assert.equal(byNumber.code, 0);
    assert.deepEqual(JSON.parse(byEvt.stdout), JSON.parse(byNumber.stdout));
    assert.equal((JSON.parse(byNumber.stdout) as EventRecord).rawBody, SEED_BODY);
    const table = await runCliResult(['events', 'show', event.eventId], env);
    assert.ok(table.stdout.includes(SEED_BODY), 'the exact body');
    const missing = await runCliResult(['events', 'show', `evt_${'0'.repeat(32)}`], env);
    assert.equal(missing.code, 1);
    const replayed = await runCliResult(['replay', '--event', event.eventId, '--json'], env);
    assert.equal(replayed.code, 0, replayed.stderr);
    assert.deepEqual(JSON.parse(replayed.stdout), { replayed: 0 }, 'no sink: nothing to send again');
  });

  it('takes relative times: --since 1h finds what just arrived, --until 1h does not', async () => {
    const recent = await runCliResult(['events', 'list', '--json', '--since', '1h'], env);
    assert.ok((JSON.parse(recent.stdout) as Page<EventRecord>).items.length >= 1);
    const old = await runCliResult(['events', 'list', '--json', '--until', '1h'], env);
    assert.equal((JSON.parse(old.stdout) as Page<EventRecord>).items.length, 0);
    const bad = await runCliResult(['events', 'list', '--since', 'yesterday-ish'], env);
    assert.equal(bad.code, 2);
  });

  it('follows new events with `events tail`', async () => {
    const child = spawn(process.execPath, [BIN, 'events', 'tail', '--json', '--owner', 'tail-owner'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    try {
      // The stream is open once the service has a listener; post until the line shows (bounded).
      const seen = await waitFor(async () => {
        await postLikeOpenIM(
          `${service.url}/callbackExample/${SEED_COMMAND}`,
          singleChatBody('tail-owner', `p${Date.now()}`),
        );
        return out.includes('"ownerUserId":"tail-owner"');
      }, 15_000);
      assert.ok(seen, 'printed as it arrived');
      assert.ok(!out.includes('123228123'), 'filtered by owner');
    } finally {
      await stopProcess(child);
    }
  });

  it('reads a database file only with --database, and never creates one', async () => {
    const missing = join(dir, 'typo.db');
    const result = await runCliResult(['events', 'list', '--database', missing]);
    assert.equal(result.code, 2);
    assert.ok(result.stderr.includes(missing), 'names the path');
    assert.equal(existsSync(missing), false);
    const file = await runCliResult(['commands', '--json', '--database', join(dir, 'cli.db')]);
    assert.equal(file.code, 0);
  });

  it('says when the service cannot be reached (exit 3)', async () => {
    const result = await runCliResult(['commands', '--url', 'http://127.0.0.1:1']);
    assert.equal(result.code, 3);
    assert.match(result.stderr, /cannot reach the service/);
  });
});

describe('the CLI as a person meets it', () => {
  it('prints its version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const result = await runCliResult(['--version']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout.trim(), version);
  });

  it('a usage error is one line, a suggestion and the --help hint, with exit code 2', async () => {
    const typo = await runCliResult(['evnets', 'list']);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /Did you mean events\?/);
    assert.match(typo.stderr, /--help/);
    assert.doesNotMatch(typo.stderr, /Usage:/, 'not the whole help');
    assert.ok(typo.stderr.trim().split('\n').length <= 3);
    const option = await runCliResult(['events', 'list', '--limt', '3']);
    assert.equal(option.code, 2);
    assert.match(option.stderr, /--limit/);
    const callback = await runCliResult([
      'trigger',
      'callbackAfterCreateSingleChatConversationCommand',
      '--url',
      service.url,
    ]);
    assert.equal(callback.code, 2);
    assert.match(callback.stderr, /did you mean callbackAfterCreateSingleChatConversationsCommand\?/);
  });

  it('`trigger` exits non-zero when the answer is not the expected success, zero when it is', async () => {
    const ok = await runCliResult([
      'trigger',
      'single-chat',
      '--send',
      'a1',
      '--recv',
      'b1',
      '--url',
      `${service.url}/callbackExample`,
    ]);
    assert.equal(ok.code, 0, ok.stdout);
    const wrongPath = await runCliResult([
      'trigger',
      'single-chat',
      '--send',
      'a2',
      '--recv',
      'b2',
      '--url',
      `${service.url}/wrongBase`,
    ]);
    assert.equal(wrongPath.code, 1, 'a 404 package is not a success, though OpenIM would go on');
    const notJson = await runCliResult([
      'trigger',
      'single-chat',
      '--send',
      'a3',
      '--recv',
      'b3',
      '--url',
      `${service.url}/healthz`,
    ]);
    assert.equal(notJson.code, 1);
  });

  it('`load` exits non-zero when failures exceed --max-errors (default 0)', async () => {
    const args = [
      'load',
      '--url',
      `${service.url}/wrongBase`,
      '--rate',
      '20',
      '--duration',
      '0.25',
      '--json',
    ];
    const failing = await runCliResult(args);
    assert.equal(failing.code, 1);
    const tolerated = await runCliResult([...args, '--max-errors', '1000']);
    assert.equal(tolerated.code, 0, tolerated.stderr);
  });
});
