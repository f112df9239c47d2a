import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { encodeGoJson, commandSpec } from '../src/protocol/index.js';
import { exampleRequest } from '../src/emitter/index.js';
import { SEED_BODY, SEED_COMMAND, SUCCESS_BODY, singleChatBody } from './fixtures/seed.js';
import { postLikeOpenIM } from './helpers/openim-client.js';
import { startPostgres } from './helpers/postgres.js';
import { runCli, runCliResult, startServiceProcess } from './helpers/service-process.js';
import { tempDir } from './helpers/temp-dir.js';

const postgres = await startPostgres();
const dir = tempDir();

describe('events export and import', () => {
  after(() => postgres.stop());

  it('moves the event log from SQLite to PostgreSQL and back with the exact bytes, deduplicating as live callbacks', async () => {
    const sqlite = join(dir, 'from.db');
    const service = await startServiceProcess(['--database', sqlite]);
    // Bodies as OpenIM sends them: Go's escaping of <>&, non-ASCII text, the trailing newline; one invalid callback.
    const modify = 'callbackBeforeMsgModifyCommand';
    const bodies: [string, string, string][] = [
      [SEED_COMMAND, SEED_BODY, 'seed'],
      [SEED_COMMAND, singleChatBody('张三', 'peer', SEED_COMMAND, { ex: '<b>&"é"</b>' }), 'unicode'],
      [
        modify,
        encodeGoJson(
          { ...exampleRequest(modify, 'm'), content: '{"content":"hi <3"}' },
          commandSpec(modify).request,
        ),
        'go',
      ],
      [SEED_COMMAND, singleChatBody('bad', 'peer', SEED_COMMAND, { conversationType: 'one' }), 'invalid'],
    ];
    try {
      for (const [command, body, operationID] of bodies) {
        const answer = await postLikeOpenIM(`${service.url}/callbackExample/${command}`, body, {
          operationID,
        });
        assert.ok(answer.status === 200 || answer.status === 400, answer.body);
      }
      // OpenIM's redelivery of the seed: one event.
      assert.equal(
        (
          await postLikeOpenIM(`${service.url}/callbackExample/${SEED_COMMAND}`, SEED_BODY, {
            operationID: 'seed',
          })
        ).body,
        SUCCESS_BODY,
      );
      const exported = await runCli(['events', 'export', '--url', service.url]);
      writeFileSync(join(dir, 'events.ndjson'), exported);
    } finally {
      await service.stop();
    }
    const lines = readFileSync(join(dir, 'events.ndjson'), 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 4);
    const first = JSON.parse(lines[0] as string) as Record<string, unknown>;
    assert.deepEqual(Object.keys(first).sort(), [
      'callbackCommand',
      'eventId',
      'fieldErrors',
      'idempotencyKey',
      'invalid',
      'kind',
      'operationID',
      'rawBody',
      'receivedAt',
      'warnings',
    ]);
    assert.deepEqual(
      lines.map((line) =>
        Buffer.from((JSON.parse(line) as { rawBody: string }).rawBody, 'utf8').toString('hex'),
      ),
      bodies.map(([, body]) => Buffer.from(body, 'utf8').toString('hex')),
      'the exact bytes',
    );

    // Into PostgreSQL, twice: the second import (--merge) adds nothing.
    const url = await postgres.createDatabase('imported');
    const into = JSON.parse(
      await runCli(['events', 'import', join(dir, 'events.ndjson'), '--database', url, '--json']),
    ) as {
      imported: number;
    };
    assert.equal(into.imported, 4);
    const refused = await runCliResult(['events', 'import', join(dir, 'events.ndjson'), '--database', url]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /already holds 4 events/);
    const merged = JSON.parse(
      await runCli(['events', 'import', join(dir, 'events.ndjson'), '--database', url, '--merge', '--json']),
    ) as { imported: number; duplicates: number };
    assert.deepEqual([merged.imported, merged.duplicates], [0, 4]);

    // And back into a new SQLite file: the same export, line for line.
    const back = join(dir, 'back.db');
    const fromPostgres = await runCli(['events', 'export', '--database', url]);
    writeFileSync(join(dir, 'from-postgres.ndjson'), fromPostgres);
    await runCli(['events', 'import', join(dir, 'from-postgres.ndjson'), '--database', back]);
    assert.equal(
      await runCli(['events', 'export', '--database', back]),
      readFileSync(join(dir, 'events.ndjson'), 'utf8'),
    );
    const invalid = (await runCli(['events', 'list', '--database', back, '--json'])).includes(
      '"invalid": true',
    );
    assert.ok(invalid, 'the invalid callback stays invalid, with its field errors');
  });

  it('refuses a line whose body is not what was exported, naming the line', async () => {
    const file = join(dir, 'edited.ndjson');
    const line = {
      callbackCommand: SEED_COMMAND,
      operationID: 'x',
      receivedAt: new Date().toISOString(),
      idempotencyKey: '0'.repeat(64),
      rawBody: SEED_BODY,
    };
    writeFileSync(
      file,
      `${JSON.stringify({ ...line, idempotencyKey: undefined })}\n${JSON.stringify(line)}\n`,
    );
    const result = await runCliResult(['events', 'import', file, '--database', join(dir, 'edited.db')]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /line 2: .*idempotency key/);
  });
});
