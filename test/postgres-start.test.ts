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

  const refusals = [
    {
      what: 'the database does not exist',
      url: `postgres://postgres@${server.host}/no_such_database`,
      reason: /no_such_database.*3D000/,
    },
    {
      what: 'the credentials are refused',
      url: `postgres://nosuchrole:pw@${server.host}/openim_hooks_test`,
      reason: /nosuchrole/,
    },
  ];
  for (const [i, { what, url, reason }] of refusals.entries()) {
    it(`exits 2 with the reason when ${what}`, async () => {
      const spool = join(dir, `refused-${i}.db`);
      const result = await runCliResult(['serve', '--port', '0', '--database', url, '--spool', spool]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, reason);
      assert.ok(!result.stderr.includes(':pw@'), 'a password stays out of the message');
    });
  }

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
