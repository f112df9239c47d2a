import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from '../bench/lib/processes.js';
import { startPostgres } from './helpers/postgres.js';
import { runCliResult, startServiceProcess } from './helpers/service-process.js';
import { tempDir } from './helpers/temp-dir.js';

// Started at the top level, stopped by the suite's `after` (see store-contract.test.ts).
const postgres = await startPostgres();
const dir = tempDir();

describe('serve on PostgreSQL: a wrong setting stops the start, an outage does not', () => {
  after(() => postgres.stop());
  const server = new URL(postgres.url);

  it('exits 2 with the reason when the database does not exist', async () => {
    const url = `postgres://postgres@${server.host}/no_such_database`;
    const result = await runCliResult([
      'serve',
      '--port',
      '0',
      '--database',
      url,
      '--spool',
      join(dir, 'a.db'),
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no_such_database/);
    assert.match(result.stderr, /3D000/);
  });

  it('exits 2 with the reason when the credentials are refused', async () => {
    const url = `postgres://nosuchrole:pw@${server.host}/openim_hooks_test`;
    const result = await runCliResult([
      'serve',
      '--port',
      '0',
      '--database',
      url,
      '--spool',
      join(dir, 'b.db'),
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /nosuchrole/);
    assert.ok(!result.stderr.includes(':pw@'), 'the password stays out of the message');
  });

  it('starts while PostgreSQL is only unreachable: the spool covers that', async () => {
    const url = `postgres://postgres@127.0.0.1:${await freePort()}/openim_hooks_test`;
    const service = await startServiceProcess(['--database', url, '--spool', join(dir, 'c.db')]);
    try {
      const ready = (await (await fetch(`${service.url}/readyz`)).json()) as { status: string };
      assert.equal(ready.status, 'degraded');
    } finally {
      await service.stop();
    }
  });
});
