import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ConversationRecord, EventRecord, Page } from '../src/store/index.js';
import { SEED_BODY, SEED_COMMAND, SUCCESS_BODY, singleChatBody } from './fixtures/seed.js';
import { postLikeOpenIM } from './helpers/openim-client.js';
import { runCli, startServiceProcess } from './helpers/service-process.js';
import { tempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';

const dir = tempDir();

describe('openim-hooks serve, as a process', () => {
  it('records the seed; the CLI reads it back as a table and as JSON', async () => {
    const database = join(dir, 'cli.db');
    const service = await startServiceProcess(['--database', database]);
    try {
      const answer = await postLikeOpenIM(`${service.url}/callbackExample/${SEED_COMMAND}`, SEED_BODY, {
        operationID: 'cli-op',
      });
      assert.equal(answer.body, SUCCESS_BODY);

      const table = await runCli(['conversations', 'list', '--owner', '123228123', '--database', database]);
      assert.match(table, /si_123228123_622925731/);
      const json = JSON.parse(
        await runCli(['conversations', 'list', '--owner', '123228123', '--json', '--database', database]),
      ) as Page<ConversationRecord>;
      assert.equal(json.items[0]?.conversationId, 'si_123228123_622925731');
      assert.equal(json.items[0]?.ex, 'Extra conversation data');

      const shown = JSON.parse(
        await runCli([
          'conversations',
          'show',
          '123228123',
          'si_123228123_622925731',
          '--json',
          '--database',
          database,
        ]),
      ) as ConversationRecord;
      assert.equal(shown.userId, '622925731');
      const events = JSON.parse(
        await runCli(['events', 'list', '--operation-id', 'cli-op', '--json', '--database', database]),
      ) as Page<EventRecord>;
      assert.equal(events.items[0]?.rawBody, SEED_BODY);
      const commands = JSON.parse(await runCli(['commands', '--json', '--database', database])) as {
        items: { callbackCommand: string; count: number }[];
      };
      assert.deepEqual(
        commands.items.map((c) => [c.callbackCommand, c.count]),
        [[SEED_COMMAND, 1]],
      );

      // Logs: JSON lines carrying the operationID, never the payload (written within a second, in chunks).
      const logLine = () =>
        service
          .logs()
          .split('\n')
          .find((l) => l.includes('"cli-op"'));
      await waitFor(() => logLine() !== undefined, 5_000);
      const line = logLine();
      assert.ok(line, 'a log line names the operationID');
      assert.ok(!line.includes('Extra conversation data'), 'no user content at info level');
    } finally {
      await service.stop();
    }
  });

  it('keeps everything across a restart, and loses no acknowledged callback to SIGTERM or SIGKILL', async () => {
    const database = join(dir, 'restart.db');
    let service = await startServiceProcess(['--database', database]);
    const acked: string[] = [];
    const send = (i: number) =>
      postLikeOpenIM(`${service.url}/callbackExample/${SEED_COMMAND}`, singleChatBody(`r${i}`, 'peer'), {
        operationID: `r-${i}`,
      })
        .then((answer) => answer.status === 200 && answer.body === SUCCESS_BODY && acked.push(`r${i}`))
        .catch(() => undefined); // refused or cut during shutdown: not acknowledged, so not promised

    // SIGTERM while 200 callbacks are in flight: the ones answered must all be there.
    const inFlight = Array.from({ length: 200 }, (_, i) => send(i));
    // Stop once the first answers are out, with the rest still in flight.
    assert.ok(await waitFor(() => acked.length > 0, 10_000), 'the service answers');
    await service.stop('SIGTERM');
    await Promise.all(inFlight);
    assert.equal(service.child.exitCode, 0);

    service = await startServiceProcess(['--database', database], { port: service.port });
    for (let i = 200; i < 300; i++) await send(i);
    await service.stop('SIGKILL');

    service = await startServiceProcess(['--database', database], { port: service.port });
    try {
      const stored = new Set<string>();
      let cursor: string | null = null;
      do {
        const page = (await (
          await fetch(
            `${service.url}/api/v1/conversations?consistent=true&limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
          )
        ).json()) as Page<ConversationRecord>;
        page.items.forEach((r) => stored.add(r.ownerUserId));
        cursor = page.nextCursor;
      } while (cursor);
      assert.ok(
        acked.length >= 100,
        `at least the 100 sequential callbacks were acknowledged (got ${acked.length})`,
      );
      assert.deepEqual(
        acked.filter((owner) => !stored.has(owner)),
        [],
        'acknowledged but missing',
      );
    } finally {
      await service.stop();
    }
  });

  it('takes its settings from OPENIM_HOOKS_* variables and a config file, flags first', async () => {
    const config = join(dir, 'openim-hooks.yaml');
    writeFileSync(config, `basePath: /fromFile\ndatabase: ${join(dir, 'from-file.db')}\n`);
    const service = await startServiceProcess([], {
      env: { OPENIM_HOOKS_CONFIG: config, OPENIM_HOOKS_BASE_PATH: '/fromEnv' },
    });
    try {
      const viaEnv = await postLikeOpenIM(`${service.url}/fromEnv/${SEED_COMMAND}`, SEED_BODY);
      assert.equal(viaEnv.status, 200);
      const viaFile = await postLikeOpenIM(`${service.url}/fromFile/${SEED_COMMAND}`, SEED_BODY);
      assert.equal(viaFile.status, 404, 'the environment wins over the file');
    } finally {
      await service.stop();
    }
    const stored = JSON.parse(
      await runCli(['commands', '--json', '--database', join(dir, 'from-file.db')]),
    ) as {
      items: unknown[];
    };
    assert.equal(stored.items.length, 1, 'the database named in the config file was used');
  });

  it('refuses a bad setting with a clear message and exit code 2', async () => {
    await assert.rejects(runCli(['serve', '--port', 'eighty']), (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr, /port must be an integer/);
      return true;
    });
  });
});
