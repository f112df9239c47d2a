import assert from 'node:assert/strict';
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { inboxDirOf, openStore } from '../src/store/index.js';
import { openInbox } from '../src/store/inbox/index.js';
import { SQLITE_SCHEMA_VERSION } from '../src/store/sqlite/open-database.js';
import { POSTGRES_SCHEMA_VERSION } from '../src/store/postgres/migrate-postgres.js';
import { accepted } from './fixtures/accepted.js';
import { SEED_BODY, singleChatBody } from './fixtures/seed.js';
import { startPostgres } from './helpers/postgres.js';
import { runCliResult } from './helpers/service-process.js';
import { tempDir } from './helpers/temp-dir.js';

const postgres = await startPostgres();
const dir = tempDir();

interface Finding {
  check: string;
  status: 'ok' | 'warn' | 'problem';
  detail: string;
  fix?: string;
}

async function doctor(database: string): Promise<{ code: number; findings: Finding[] }> {
  const result = await runCliResult(['doctor', '--database', database, '--json']);
  if (!result.stdout) throw new Error(`doctor: ${result.code} ${result.stderr}`);
  return { code: result.code, findings: (JSON.parse(result.stdout) as { findings: Finding[] }).findings };
}

/** A database with a few events, made by a store as the service would. */
async function someDatabase(name: string): Promise<string> {
  const path = join(dir, name);
  const store = openStore(path);
  for (let i = 0; i < 3; i++)
    await store.record(accepted(singleChatBody(`d${i}`, 'peer'), { operationID: `d${i}` }));
  await store.close();
  return path;
}

describe('doctor, and a schema newer than the code', () => {
  after(() => postgres.stop());

  it('finds a healthy database healthy (exit 0), and says what to do about callbacks waiting in the inbox', async () => {
    const path = await someDatabase('healthy.db');
    const healthy = await doctor(path);
    assert.equal(healthy.code, 0);
    const status = Object.fromEntries(healthy.findings.map((f) => [f.check, f.status]));
    assert.deepEqual(
      ['database', 'integrity', 'schema', 'vacuum', 'wal', 'inbox', 'deliveries', 'retention'].map(
        (c) => status[c],
      ),
      ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'],
    );
    // Acknowledged callbacks the projection never saw (a service killed at once, say): waiting in the inbox.
    const projected = new Database(path, { readonly: true });
    const seq = projected.prepare('SELECT seq FROM projection').pluck().get() as number;
    projected.close();
    const inbox = openInbox(inboxDirOf(path), { startAfter: seq });
    await Promise.all([1, 2].map((i) => inbox.append(accepted(SEED_BODY, { operationID: `w${i}` })).durable));
    await inbox.close();
    const waiting = (await doctor(path)).findings.find((f) => f.check === 'inbox');
    assert.equal(waiting?.status, 'warn');
    assert.match(waiting?.detail ?? '', /^2 acknowledged callbacks wait/);
    assert.match(waiting?.fix ?? '', /start the service/);
  });

  it('reports a damaged database as a problem (exit 1)', async () => {
    const path = await someDatabase('damaged.db');
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xab), 0, 4096, statSync(path).size - 8192);
    closeSync(fd);
    const result = await doctor(path);
    assert.equal(result.code, 1);
    assert.equal(result.findings.find((f) => f.check === 'integrity')?.status, 'problem');
  });

  it('SQLite: serve refuses a schema newer than the code, naming both versions (exit 2); doctor says so too', async () => {
    const path = await someDatabase('newer.db');
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(99, 'from the future', Date.now());
    db.close();
    const served = await runCliResult(['serve', '--port', '0', '--database', path]);
    assert.equal(served.code, 2);
    assert.match(
      served.stderr,
      new RegExp(`schema version 99, newer than this openim-hooks knows \\(${SQLITE_SCHEMA_VERSION}\\)`),
    );
    const found = await doctor(path);
    assert.equal(found.code, 1);
    assert.equal(found.findings.find((f) => f.check === 'schema')?.status, 'problem');
    const read = await runCliResult(['events', 'list', '--database', path]);
    assert.equal(read.code, 1);
    assert.match(read.stderr, /schema version 99/);
  });

  it("PostgreSQL: finds a healthy database healthy, with its inbox, deliveries, retention and this host's spool", async () => {
    const url = await postgres.createDatabase('healthy');
    const store = openStore(url, { sinks: [{ name: 'crm', commands: null }] });
    await store.record(accepted(SEED_BODY, { operationID: 'pg-1', receivedAt: Date.now() }));
    await store.caughtUp();
    await store.close();
    const result = await runCliResult(['doctor', '--database', url, '--json', '--retention', '30d']);
    const findings = (JSON.parse(result.stdout) as { findings: Finding[] }).findings;
    assert.equal(result.code, 0);
    assert.deepEqual(
      ['database', 'schema', 'inbox', 'sink crm: pending', 'sink crm: dead', 'retention', 'spool'].map(
        (check) => findings.find((f) => f.check === check)?.status,
      ),
      ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'],
    );
  });

  it('PostgreSQL: serve refuses a schema newer than the code, naming both versions (exit 2)', async () => {
    const url = await postgres.createDatabase('newer');
    const migrated = await runCliResult(['migrate', '--database', url]);
    assert.equal(migrated.code, 0);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('INSERT INTO schema_migrations VALUES (99, $1, $2)', ['from the future', Date.now()]);
    await client.end();
    const served = await runCliResult([
      'serve',
      '--port',
      '0',
      '--database',
      url,
      '--spool',
      join(dir, 'spool.db'),
    ]);
    assert.equal(served.code, 2);
    assert.match(
      served.stderr,
      new RegExp(`schema version 99, newer than this openim-hooks knows \\(${POSTGRES_SCHEMA_VERSION}\\)`),
    );
    const found = await doctor(url);
    assert.equal(found.code, 1);
  });
});
