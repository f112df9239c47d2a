import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { Command } from 'commander';
import { registerEmitterCommands } from '../src/cli/trigger-commands.js';
import type { LoadReport } from '../src/emitter/load/index.js';
import { SUCCESS, startServer } from './emitter-servers.js';
import type { TestServer } from './emitter-servers.js';

let server: TestServer;
let reply = SUCCESS;
let dir: string;

before(async () => {
  server = await startServer((_request, res) => res.end(reply));
  dir = mkdtempSync(join(tmpdir(), 'openim-hooks-cli-'));
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.requests.length = 0;
  reply = SUCCESS;
});
afterEach(() => {
  process.exitCode = 0;
});

async function cli(...args: string[]): Promise<{ out: string; err: string; exitCode: number }> {
  let out = '';
  let err = '';
  const program = new Command('openim-hooks').exitOverride();
  registerEmitterCommands(program, { out: (t) => void (out += t), err: (t) => void (err += t) });
  process.exitCode = 0;
  await program.parseAsync(['node', 'openim-hooks', ...args]);
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, exitCode };
}

describe('openim-hooks trigger', () => {
  test('single-chat prints each request and answer, in OpenIM order', async () => {
    const { out, exitCode } = await cli(
      'trigger',
      'single-chat',
      '--send',
      'alice',
      '--recv',
      'bob',
      '--url',
      server.url,
    );
    assert.equal(exitCode, 0);
    const labels = out
      .split('\n')
      .filter((line) => /^\S/.test(line))
      .map((line) => line.split(' ')[0]);
    assert.deepEqual(labels, ['before(A)', 'after(A)', 'before(A', 'after(B)']);
    assert.match(out, /"conversationId":"si_alice_bob"/);
    assert.match(out, /answer {3}200 in [\d.]+ ms: \{"actionCode":0/);
    assert.equal(server.requests.length, 4);
  });

  test('--json, --fix-openim-bugs and --operation-id', async () => {
    const { out } = await cli(
      'trigger',
      'single-chat',
      '--send',
      'a',
      '--recv',
      'b',
      '--url',
      server.url,
      '--fix-openim-bugs',
      '--operation-id',
      'op-42',
      '--json',
    );
    const result = JSON.parse(out) as {
      operationID: string;
      steps: { label: string; outcome: { status: number } }[];
    };
    assert.equal(result.operationID, 'op-42');
    assert.deepEqual(
      result.steps.map((s) => s.label),
      ['before(A)', 'after(A)', 'before(B)', 'after(B)'],
    );
    assert.ok(result.steps.every((s) => s.outcome.status === 200));
  });

  test('group-chat and notification-chat', async () => {
    await cli('trigger', 'group-chat', '--group', 'g1', '--url', server.url);
    await cli('trigger', 'notification-chat', '--send', 'n', '--recv', 'u', '--url', server.url);
    assert.deepEqual(
      server.requests.map((r) => r.json['conversationId']),
      ['sg_g1', 'sg_g1', 'sn_n_u', 'sn_n_u'],
    );
  });

  test('a rejection stops the sequence and sets exit code 1', async () => {
    reply = '{"actionCode":0,"errCode":5001,"errMsg":"no","nextCode":1}';
    const { out, exitCode } = await cli(
      'trigger',
      'single-chat',
      '--send',
      'a',
      '--recv',
      'b',
      '--url',
      server.url,
    );
    assert.equal(exitCode, 1);
    assert.match(out, /result {3}rejected \(rejected: errCode 5001: no\)/);
    assert.match(out, /stopped after before\(A\)/);
    assert.equal(server.requests.length, 1);
  });

  test('<command> --data file.json sends that body, in OpenIM field order', async () => {
    const file = join(dir, 'conversation.json');
    writeFileSync(
      file,
      JSON.stringify({ ex: '<x>', groupId: 'g7', conversationId: 'sg_g7', conversationType: 3 }),
    );
    await cli(
      'trigger',
      'callbackAfterCreateGroupChatConversationsCommand',
      '--data',
      file,
      '--url',
      server.url,
    );
    assert.equal(
      server.requests[0]?.body.toString('utf8'),
      '{"callbackCommand":"callbackAfterCreateGroupChatConversationsCommand","ownerUserId":"","conversationId":"sg_g7",' +
        '"conversationType":3,"groupId":"g7","recvMsgOpt":0,"isPinned":false,"isPrivateChat":false,"burnDuration":0,' +
        '"groupAtType":0,"attachedInfo":"","ex":"\\u003cx\\u003e"}\n',
    );
  });

  test('--config webhooks.yml: disabled keys are not sent, warnings go to stderr', async () => {
    const file = join(dir, 'webhooks.yml');
    writeFileSync(
      file,
      `url: ${server.url}\nafterCreateSingleChatConversations:\n  enable: true\n  timeout: 5\n  failedContinue: false\n`,
    );
    const { out, err } = await cli('trigger', 'single-chat', '--send', 'a', '--recv', 'b', '--config', file);
    assert.match(err, /failedContinue ignored/);
    assert.match(out, /before\(A\) {2}callbackBeforeCreateSingleChatConversationsCommand: not sent/);
    assert.equal(server.requests.length, 2);
  });

  test('--body-hmac-secret signs every request for the receiver', async () => {
    await cli('trigger', 'group-chat', '--group', 'g9', '--url', server.url, '--body-hmac-secret', 'k1');
    for (const request of server.requests) {
      const headers = request.rawHeaders.map((h) => h.toLowerCase());
      assert.match(
        request.rawHeaders[headers.indexOf('x-openim-hooks-signature') + 1] ?? '',
        /^v1=[0-9a-f]{64}$/,
      );
      assert.match(request.rawHeaders[headers.indexOf('x-openim-hooks-timestamp') + 1] ?? '', /^\d+$/);
    }
    assert.equal(server.requests.length, 2);
  });

  test('--mode reliable: through the outbox and the relay, signed, with a stable event id', async () => {
    const { out, exitCode } = await cli(
      'trigger',
      'group-chat',
      '--group',
      'g8',
      '--url',
      server.url,
      '--mode',
      'reliable',
      '--queue-file',
      join(dir, 'trigger-queue', 'outbox.db'),
      '--body-hmac-secret',
      'k1',
    );
    assert.equal(exitCode, 0);
    assert.match(out, /^after {2}POST .*callbackAfterCreateGroupChatConversationsCommand/m);
    assert.match(out, /result {3}continue/);
    assert.equal(server.requests.length, 2);
    const after = server.requests.find((r) =>
      r.path.endsWith('callbackAfterCreateGroupChatConversationsCommand'),
    );
    const headers = after?.rawHeaders.map((h) => h.toLowerCase()) ?? [];
    assert.match(after?.rawHeaders[headers.indexOf('openim-hooks-event-id') + 1] ?? '', /^evt_[0-9a-f]{32}$/);
    assert.match(
      after?.rawHeaders[headers.indexOf('x-openim-hooks-signature') + 1] ?? '',
      /^v1=[0-9a-f]{64}$/,
    );
  });

  test('--data with a value OpenIM could never send is refused with the field named', async () => {
    const file = join(dir, 'wrong.json');
    writeFileSync(file, JSON.stringify({ conversationType: '3', groupId: 'g7' }));
    await assert.rejects(
      cli('trigger', 'callbackAfterCreateGroupChatConversationsCommand', '--data', file, '--url', server.url),
      /conversationType: must be an integer/,
    );
    assert.equal(server.requests.length, 0);
  });

  test('any command without --data sends its realistic default, operationID as the header', async () => {
    const { exitCode } = await cli(
      'trigger',
      'callbackBeforeSendGroupMsgCommand',
      '--url',
      server.url,
      '--operation-id',
      'op-77',
    );
    assert.equal(exitCode, 0);
    const request = server.requests[0];
    assert.equal(request?.path, '/callbackExample/callbackBeforeSendGroupMsgCommand');
    const body = JSON.parse(request?.body.toString('utf8') ?? '{}') as Record<string, unknown>;
    assert.equal(body['callbackCommand'], 'callbackBeforeSendGroupMsgCommand');
    assert.equal(body['operationID'], 'op-77');
    assert.equal(body['groupID'], '3928104756');
    assert.equal(body['atUserList'], null, 'a nil slice');
    assert.equal(typeof JSON.parse(String(body['content'])), 'object', 'content is JSON text');
  });

  test('--set changes single fields, typed by the Go struct (text for strings, JSON otherwise, nested paths)', async () => {
    await cli(
      'trigger',
      'callbackBeforeUserRegisterCommand',
      '--set',
      'users[0].nickname=Zoë <admin>',
      '--set',
      'users[0].appMangerLevel=2',
      '--url',
      server.url,
    );
    const text = server.requests[0]?.body.toString('utf8') ?? '';
    assert.match(text, /"nickname":"Zoë \\u003cadmin\\u003e"/);
    const users = (JSON.parse(text) as { users: Record<string, unknown>[] }).users;
    assert.equal(users[0]?.['appMangerLevel'], 2);
    await assert.rejects(
      cli('trigger', 'callbackAfterQuitGroupCommand', '--set', 'nope=1', '--url', server.url),
      /has no field nope/,
    );
    await assert.rejects(
      cli('trigger', 'callbackAfterQuitGroupCommand', '--set', 'userID', '--url', server.url),
      /use field=value/,
    );
    await assert.rejects(
      cli('trigger', 'callbackAfterSingleMsgReadCommand', '--set', 'Seqs=["1"]', '--url', server.url),
      /Seqs\[0\]: must be an integer/,
    );
  });

  test('--list shows the 52 commands by area', async () => {
    const { out } = await cli('trigger', '--list');
    const commands = out.split('\n').filter((line) => /^\s+(before|after)\s/.test(line));
    assert.equal(commands.length, 52);
    const areas = out.split('\n').filter((line) => /^\S/.test(line));
    assert.deepEqual(areas, ['msg', 'user', 'friend', 'group', 'push', 'gateway', 'conversation']);
    assert.equal(server.requests.length, 0);
  });

  test('an unknown command is refused', async () => {
    await assert.rejects(
      cli('trigger', 'callbackNopeCommand', '--data', 'x.json', '--url', server.url),
      /unknown command/,
    );
  });
});

describe('openim-hooks load', () => {
  test('bounded in count and time, unique conversations, a JSON report', async () => {
    const { out, exitCode } = await cli(
      'load',
      '--url',
      server.url,
      '--rate',
      '200',
      '--duration',
      '0.5',
      '--connections',
      '4',
      '--json',
    );
    const report = JSON.parse(out) as LoadReport;
    assert.equal(exitCode, 0);
    assert.equal(report.scheduled, 100);
    assert.equal(report.succeeded, 100);
    assert.equal(report.dropped, 0);
    assert.deepEqual(report.statuses, { '200': 100 });
    assert.equal(report.latency.count, 100);
    assert.ok(report.latency.p50 <= report.latency.p99 && report.latency.p99 <= report.latency.max);
    assert.equal(server.requests.length, 100);
    assert.equal(new Set(server.requests.map((r) => r.json['conversationId'])).size, 100);
  });

  test('--max bounds the count; errors are reported by kind', async () => {
    reply = '<html></html>';
    const { out, exitCode } = await cli(
      'load',
      '--url',
      server.url,
      '--rate',
      '1000',
      '--duration',
      '10',
      '--max',
      '20',
      '--json',
    );
    const report = JSON.parse(out) as LoadReport;
    assert.equal(exitCode, 1);
    assert.equal(report.scheduled, 20);
    assert.deepEqual(report.errors, { 'response-format': 20 });
  });

  test('--mode reliable: through the durable queue, same figures', async () => {
    const { out } = await cli(
      'load',
      '--url',
      server.url,
      '--rate',
      '100',
      '--duration',
      '0.3',
      '--mode',
      'reliable',
      '--queue-file',
      join(dir, 'load-queue', 'outbox.db'),
      '--json',
    );
    const report = JSON.parse(out) as LoadReport;
    assert.equal(report.mode, 'reliable');
    assert.equal(report.scheduled, 30);
    assert.equal(report.succeeded, 30);
    assert.equal(server.requests.length, 30);
  });
});
