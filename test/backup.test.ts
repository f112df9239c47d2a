import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SEED_COMMAND, singleChatBody, SUCCESS_BODY } from './fixtures/seed.js';
import { postLikeOpenIM } from './helpers/openim-client.js';
import { startOpenimLoad } from './helpers/openim-load.js';
import { runCli, runCliResult, startServiceProcess } from './helpers/service-process.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';

const dir = tempDir();

/** The operationIDs of the events in a database file, and what integrity_check says of it. */
function readCopy(path: string): { integrity: string; operationIDs: Set<string> } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return {
      integrity: db.pragma('integrity_check', { simple: true }) as string,
      operationIDs: new Set(db.prepare('SELECT operation_id FROM events').pluck().all() as string[]),
    };
  } finally {
    db.close();
  }
}

describe('backup and restore', () => {
  it('backs up while the service records: the copy passes integrity_check and holds every event acknowledged before', async () => {
    const database = join(dir, 'live.db');
    const copy = join(dir, 'live-backup.db');
    const service = await startServiceProcess(['--database', database]);
    const load = startOpenimLoad(service.url, { clients: 4, prefix: 'b', maxEach: 20_000 });
    try {
      assert.ok(await waitFor(() => load.acked().length >= 500, 30_000));
      const before = load.acked().map((a) => a.operationID);
      const report = JSON.parse(await runCli(['backup', copy, '--database', database, '--json'])) as {
        integrity: string;
        events: number;
      };
      const during = load.acked().length;
      await load.stop();
      assert.ok(during > before.length, 'callbacks were acknowledged while the backup ran');
      assert.equal(report.integrity, 'ok');
      const { integrity, operationIDs } = readCopy(copy);
      assert.equal(integrity, 'ok');
      assert.deepEqual(
        before.filter((op) => !operationIDs.has(op)),
        [],
        'every callback acknowledged before the backup started is in the copy',
      );
      assert.equal(report.events, operationIDs.size);

      // A running service holds the database: restore refuses, and changes nothing.
      const refused = await runCliResult(['restore', copy, '--database', database, '--force']);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /in use by another process/);
    } finally {
      await load.stop();
      await service.stop();
    }

    // Stopped, but another process has the file open (the sqlite3 shell, a CLI read): refused too.
    const shell = new Database(database, { readonly: true });
    shell.prepare('SELECT count(*) FROM events').get();
    const open = await runCliResult(['restore', copy, '--database', database, '--force']);
    shell.close();
    assert.equal(open.code, 1);
    assert.match(open.stderr, /open in another process/);

    // The database is still there: replacing it needs --force, and the old one is kept aside.
    const again = await runCliResult(['restore', copy, '--database', database]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists: pass --force/);
    const restored = JSON.parse(
      await runCli(['restore', copy, '--database', database, '--force', '--json']),
    ) as {
      replaced: string;
      events: number;
    };
    assert.ok(existsSync(restored.replaced), 'the replaced database is kept');
    assert.equal(readCopy(database).operationIDs.size, readCopy(copy).operationIDs.size);

    // The restored database serves, and records after what it holds.
    const next = await startServiceProcess(['--database', database]);
    try {
      const answer = await postLikeOpenIM(
        `${next.url}/callbackExample/${SEED_COMMAND}`,
        singleChatBody('after-restore', 'peer'),
        { operationID: 'after-restore' },
      );
      assert.equal(answer.body, SUCCESS_BODY);
      const events = (await (
        await fetch(`${next.url}/api/v1/events?consistent=true&operationID=after-restore`)
      ).json()) as { items: { id: number }[] };
      assert.equal(events.items.length, 1);
    } finally {
      await next.stop();
    }
    assert.equal(readCopy(database).operationIDs.size, restored.events + 1);
  });

  it('refuses a file that is not a sound database, and PostgreSQL (pg_dump is its tool)', async () => {
    const junk = join(dir, 'junk.db');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(junk, 'not a database at all, just bytes'.repeat(200));
    const refused = await runCliResult(['restore', junk, '--database', join(dir, 'new.db')]);
    assert.equal(refused.code, 1);
    assert.ok(!existsSync(join(dir, 'new.db')), 'nothing was put in place');
    const pg = await runCliResult(['backup', join(dir, 'x.db'), '--database', 'postgres://u@127.0.0.1:1/x']);
    assert.equal(pg.code, 2);
    assert.match(pg.stderr, /pg_dump/);
  });
});
