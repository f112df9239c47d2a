import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { freePort, stopProcess, waitForHttp } from '../bench/lib/processes.js';
import { buildProgram } from '../src/cli/main.js';
import {
  configReference,
  createLogger,
  DEFAULT_CONFIG,
  exampleConfigFile,
  resolveConfig,
  startService,
} from '../src/service/index.js';
import { parseSinkConfig, SinkConfigError } from '../src/sync/sink-config.js';
import { tempDir } from './helpers/temp-dir.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = tempDir();

describe('settings: what the README and the example file say is what the service reads', () => {
  it('every setting of the README table has the flag `serve` really takes', () => {
    const serve = buildProgram().commands.find((c) => c.name() === 'serve');
    const flags = new Set(serve?.options.map((o) => o.long));
    for (const setting of configReference())
      assert.ok(flags.has(setting.flag), `${setting.key}: ${setting.flag}`);
  });

  it('`serve` has exactly the registry flags (and --config), each with its choices and its default in the help', () => {
    const serve = buildProgram().commands.find((c) => c.name() === 'serve');
    const byFlag = new Map(serve?.options.map((o) => [o.long, o]));
    assert.deepEqual([...byFlag.keys()].sort(), ['--config', ...configReference().map((s) => s.flag)].sort());
    for (const setting of configReference()) {
      const option = byFlag.get(setting.flag);
      assert.deepEqual(option?.argChoices, setting.choices, `${setting.flag} offers what the config accepts`);
      if (setting.default !== 'none')
        assert.ok(option?.description.includes(`(default ${setting.default})`), setting.flag);
    }
  });

  it('ships an example config file with every setting and its default, and loading it gives the defaults', () => {
    const path = join(root, 'openim-hooks.example.yaml');
    assert.equal(readFileSync(path, 'utf8'), exampleConfigFile(), 'npm run docs writes it');
    for (const setting of configReference())
      assert.match(readFileSync(path, 'utf8'), new RegExp(`^${setting.key}:`, 'm'));
    assert.deepEqual(resolveConfig({ flags: { config: path } }), DEFAULT_CONFIG);
  });

  it('reads a sink timeout as webhooks.yml does: a bare number is seconds; 500ms and 5s too; errors name it', () => {
    const timeout = (value: unknown) =>
      parseSinkConfig({ name: 'crm', url: 'https://crm.example.com', timeout: value }, 0).timeoutMs;
    assert.equal(timeout(5), 5_000);
    assert.equal(timeout('5'), 5_000);
    assert.equal(timeout('500ms'), 500);
    assert.equal(timeout('5s'), 5_000);
    assert.throws(
      () => timeout('5 seconds'),
      (error: Error) =>
        error instanceof SinkConfigError && /sink crm: timeout "5 seconds"/.test(error.message),
    );
    assert.throws(() => timeout(0), /sink crm: timeout 0/);
  });

  it('declares engines every dependency supports: no engine warning on install', () => {
    const { engines } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      engines: { node: string };
    };
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { engines?: { node?: string } | string[]; dev?: boolean }>;
    };
    // The Node this machine (and CI) runs, the one the project declares it supports.
    const node20 = process.version;
    assert.ok(semver.satisfies(node20, engines.node));
    const unsupported = Object.entries(lock.packages)
      .filter(
        ([, pkg]) =>
          !Array.isArray(pkg.engines) && pkg.engines?.node && !semver.satisfies(node20, pkg.engines.node),
      )
      .map(([name, pkg]) => `${name} wants node ${(pkg.engines as { node: string }).node}`);
    assert.deepEqual(unsupported, [], `on Node ${node20}`);
  });
});

describe('start-up', () => {
  it('names the url to paste into webhooks.yml, the database, the sinks and the dashboard', async () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const service = await startService(
      {
        ...DEFAULT_CONFIG,
        port: 0,
        database: join(dir, 'start.db'),
        pathSecrets: ['s3cret-path'],
        sinks: [parseSinkConfig({ name: 'bus', url: 'redis://127.0.0.1:1' }, 0)],
      },
      { logger: createLogger('info', stream) },
    );
    try {
      const port = new URL(service.url).port;
      const line = text.split('\n').find((l) => l.includes('openim-hooks listening'));
      assert.ok(line);
      const { msg } = JSON.parse(line) as { msg: string };
      assert.ok(msg.includes(`set url: http://127.0.0.1:${port}/callbackExample/<path secret>`), msg);
      assert.ok(!text.includes('s3cret-path'), 'never the secret itself');
      assert.ok(msg.includes(join(dir, 'start.db')));
      assert.ok(msg.includes('bus=redis://127.0.0.1:1'));
      assert.ok(msg.includes(`dashboard http://127.0.0.1:${port}/`));
    } finally {
      await service.close();
    }
  });

  it('`npm start` passes SIGTERM on to the service: nothing is left holding the port', async () => {
    const port = await freePort();
    const child = spawn(
      'npm',
      ['start', '--silent', '--', '--port', String(port), '--database', join(dir, 'npm.db')],
      {
        cwd: root,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, 180_000); // npm start builds first
      await stopProcess(child, 'SIGTERM');
      const stillThere = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        () => true,
        () => false,
      );
      assert.equal(stillThere, false, 'the port is free once npm has exited');
    } finally {
      await stopProcess(child, 'SIGKILL');
    }
  });
});
