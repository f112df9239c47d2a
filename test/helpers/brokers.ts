import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopProcess } from '../../bench/lib/processes.js';

/** A broker this test file started: on a loopback port of its own, with its data in a temp dir of its own. */
export interface BrokerServer {
  /** `nats://127.0.0.1:<port>` or `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Ends the server (SIGTERM, or SIGKILL to simulate a crash) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and data dir (stopping it first if it runs) and waits until it serves. */
  restart(): Promise<void>;
  /** Stops it and removes its data dir: call in the test's `after` hook. */
  dispose(): Promise<void>;
}

const READY_TIMEOUT_MS = 15_000;

/** Processes and dirs made here, so a test that dies early leaves no broker behind (killed by PID, nothing else). */
const started = new Set<ChildProcess>();
const dataDirs = new Set<string>();
process.once('exit', () => {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * Debian's nats-server with JetStream, its store in a temp dir. Ready means the monitoring endpoint's
 * `/healthz?js-enabled-only=true` answers 200, so JetStream accepts publishes (a bare TCP accept comes earlier).
 *
 * @example
 * const nats = await startNatsServer();
 * after(() => nats.dispose());
 * const sink = createNatsSink({ name: 'bus', url: nats.url, stream: { name: 'OPENIM', create: true } });
 */
export async function startNatsServer(): Promise<BrokerServer> {
  const [port, monitorPort] = [await freePort(), await freePort()];
  return startBroker({
    command: '/usr/sbin/nats-server',
    scheme: 'nats',
    port,
    args: (dir) => ['-js', '-sd', dir, '-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort)],
    ready: () => httpOk(`http://127.0.0.1:${monitorPort}/healthz?js-enabled-only=true`),
  });
}

/**
 * Debian's redis-server, append-only with an fsync per write, no RDB snapshots, its files in a temp dir.
 * Ready means it answers PING with PONG (not LOADING while it replays its AOF).
 */
export async function startRedisServer(): Promise<BrokerServer> {
  const port = await freePort();
  return startBroker({
    command: '/usr/bin/redis-server',
    scheme: 'redis',
    port,
    args: (dir) => [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
    ],
    ready: () => redisPong(port),
  });
}

interface BrokerSpec {
  readonly command: string;
  readonly scheme: string;
  readonly port: number;
  readonly args: (dataDir: string) => string[];
  /** One probe: true once the server serves. */
  readonly ready: () => Promise<boolean>;
}

async function startBroker(spec: BrokerSpec): Promise<BrokerServer> {
  const dataDir = mkdtempSync(join(tmpdir(), `openim-hooks-${spec.scheme}-`));
  const logPath = join(dataDir, 'server.log');
  let child: ChildProcess | undefined;

  async function launch(): Promise<void> {
    const log = openSync(logPath, 'a');
    const current = spawn(spec.command, spec.args(dataDir), { cwd: dataDir, stdio: ['ignore', log, log] });
    closeSync(log);
    child = current;
    started.add(current);
    current.once('exit', () => started.delete(current));
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (current.exitCode !== null || current.signalCode !== null)
        throw new Error(`${spec.command} exited early:\n${tail(logPath)}`);
      if (await spec.ready()) return;
      if (Date.now() > deadline)
        throw new Error(`${spec.command} not ready within ${READY_TIMEOUT_MS} ms:\n${tail(logPath)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (child) await stopProcess(child, signal);
  }

  dataDirs.add(dataDir);
  await launch();
  return {
    url: `${spec.scheme}://127.0.0.1:${spec.port}`,
    port: spec.port,
    dataDir,
    stop,
    async restart() {
      await stop();
      await launch();
    },
    async dispose() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
      dataDirs.delete(dataDir);
    },
  };
}

/** One GET, bounded to 1 s: true on 200. */
async function httpOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** One PING over a fresh socket, bounded to 1 s: true on `+PONG`. */
function redisPong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}
