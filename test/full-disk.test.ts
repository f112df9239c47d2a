import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SUCCESS_BODY } from './fixtures/seed.js';
import { startOpenimLoad } from './helpers/openim-load.js';
import { startServiceProcess } from './helpers/service-process.js';
import { fillDisk, mountSmallFilesystem } from './helpers/small-filesystem.js';
import { waitFor } from './helpers/wait-for.js';

const mounted = mountSmallFilesystem(128);
if (!('skip' in mounted)) {
  // Unmounted when this file's tests end, and, should the process die first, when it exits.
  after(() => mounted.cleanup());
  process.once('exit', () => mounted.cleanup());
}
const RESERVE = 16 << 20;

async function metric(url: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1];
  return value === undefined ? undefined : Number(value);
}

async function readyz(url: string): Promise<{ status: number; body: { status: string; reason?: string } }> {
  const answer = await fetch(`${url}/readyz`);
  return { status: answer.status, body: (await answer.json()) as { status: string; reason?: string } };
}

/** Every event's operationID, read through the API once everything acknowledged is projected. */
async function recordedOperationIDs(url: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | null = null;
  for (let page = 0; page < 10_000; page++) {
    const query = `consistent=true&limit=1000${cursor ? `&cursor=${cursor}` : ''}`;
    const answer = (await (await fetch(`${url}/api/v1/events?${query}`)).json()) as {
      items: { operationID: string }[];
      nextCursor: string | null;
    };
    for (const event of answer.items) ids.add(event.operationID);
    cursor = answer.nextCursor;
    if (cursor === null) return ids;
  }
  throw new Error('the event list never ended');
}

describe('a full disk', { skip: 'skip' in mounted ? mounted.skip : false }, () => {
  it('never loses an acknowledged callback: the reserve keeps recording going, then 503 JSON, then recovery by itself', async (t) => {
    if ('skip' in mounted) return;
    const database = join(mounted.dir, 'hooks.db');
    const service = await startServiceProcess([
      '--database',
      database,
      '--disk-reserve-bytes',
      String(RESERVE),
    ]);
    // OpenIM-like clients posting new single chats of about 2.3 KiB, with a short pause between two.
    const load = startOpenimLoad(service.url, { clients: 4, prefix: 'disk', ex: 2048, pauseMs: 5 });
    const fillers: string[] = [];
    try {
      assert.ok(await waitFor(() => load.acked().length >= 100, 30_000), 'recording at first');
      assert.equal(await metric(service.url, 'openim_hooks_disk_reserve_released'), 0);

      // Another program fills the disk: the reserve is given up, and recording goes on.
      fillers.push(join(mounted.dir, 'filler-1'));
      await fillDisk(fillers[0] as string);
      assert.ok(
        await waitFor(
          async () => (await metric(service.url, 'openim_hooks_disk_reserve_released')) === 1,
          15_000,
        ),
        'the reserve is released',
      );
      const releasedAt = Date.now();
      assert.ok(
        await waitFor(() => load.acked().filter((a) => a.at > releasedAt).length >= 50, 30_000),
        'callbacks are still acknowledged on the reserve',
      );
      assert.equal((await readyz(service.url)).body.status, 'degraded');
      assert.match((await readyz(service.url)).body.reason ?? '', /disk nearly full/);

      // It takes the reserve's room too, and keeps taking whatever is freed: now nothing can be written.
      let full = true;
      const keepFull = (async () => {
        for (let n = 2; full && n < 500; n++) {
          const filler = join(mounted.dir, `filler-${n}`);
          fillers.push(filler);
          await fillDisk(filler);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })();
      assert.ok(
        await waitFor(() => load.answers.some((a) => a.status === 503), 90_000),
        'callbacks are refused once the inbox cannot grow',
      );
      assert.ok(
        await waitFor(async () => (await readyz(service.url)).status === 503, 15_000),
        '/readyz says unavailable',
      );
      const unavailable = await readyz(service.url);
      assert.equal(unavailable.body.status, 'unavailable');
      assert.match(unavailable.body.reason ?? '', /ENOSPC|no space|full/i);
      full = false;
      await keepFull;

      // Room again: recording resumes by itself, /readyz is ready, the reserve is taken back.
      for (const filler of fillers) rmSync(filler, { force: true });
      const freedAt = Date.now();
      assert.ok(
        await waitFor(() => load.acked().filter((a) => a.at > freedAt).length >= 50, 60_000),
        'recording resumes without a restart',
      );
      assert.ok(
        await waitFor(async () => (await readyz(service.url)).body.status === 'ready', 60_000),
        '/readyz is ready again',
      );
      assert.equal(await metric(service.url, 'openim_hooks_disk_reserve_released'), 0);
      await load.stop();

      assert.deepEqual(load.failures, [], 'every request got an answer: the service never went away');
      for (const answer of load.answers) {
        const body = JSON.parse(answer.body) as Record<string, unknown>;
        assert.equal(body['actionCode'], 0);
        assert.equal(body['nextCode'], 0, 'never a rejection: OpenIM goes on');
        assert.ok(
          answer.body === SUCCESS_BODY || (answer.status === 503 && body['errCode'] === 29010),
          `${answer.status} ${answer.body}`,
        );
      }
      const recorded = await recordedOperationIDs(service.url);
      const lost = load.acked().filter((a) => !recorded.has(a.operationID));
      assert.deepEqual(
        lost.map((a) => a.operationID),
        [],
        'no acknowledged callback is lost',
      );

      const lines = service
        .logs()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; time: number; msg: string });
      const loud = lines.filter((line) => line.level >= 40);
      const seconds = (Date.now() - (lines[0]?.time ?? Date.now())) / 1000;
      assert.ok(loud.length <= seconds + 10, `${loud.length} warning and error lines in ${seconds} s`);
      assert.ok(
        loud.some((line) => line.level >= 50 && /reserve/.test(line.msg)),
        'an error-level line says the reserve was released',
      );
      if (process.env['DEBUG_DISK']) for (const line of loud) t.diagnostic(JSON.stringify(line));
      t.diagnostic(
        `acknowledged ${load.acked().length}, refused ${load.answers.filter((a) => a.status === 503).length}, ` +
          `${loud.length} warning/error lines in ${seconds.toFixed(0)} s`,
      );
    } finally {
      await load.stop();
      await service.stop();
      for (const filler of fillers) rmSync(filler, { force: true });
    }
    const db = new Database(database, { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok', 'the database is not corrupt');
    } finally {
      db.close();
    }
  });
});
