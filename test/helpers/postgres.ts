import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../bench/lib/processes.js';

/** A PostgreSQL server this test file started, on a loopback port of its own, its cluster in a temp dir. */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/openim_hooks_test` */
  readonly url: string;
  /** A fresh, empty database on the same server, for a test that needs one of its own. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (fast shutdown) and removes its temp dir. */
  stop(): Promise<void>;
  /** Stops it and starts it again on the same port and data (a fast shutdown, as a restart of the service). */
  restart(): Promise<void>;
  /** An outage: stops the server (`immediate`: as a crash, no checkpoint) and keeps its data and port for `resume`. */
  halt(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts a halted server again on the same port and data (nothing when it runs). */
  resume(): Promise<void>;
  /** The postmaster's process id while it runs (benchmarks pin it to a CPU). */
  pid(): number | undefined;
}

const run = promisify(execFile);
const COMMAND_TIMEOUT_MS = 60_000;
const READY_TIMEOUT_S = 30;
const isRoot = process.getuid?.() === 0;

/** Debian's binaries, newest version installed: /usr/lib/postgresql/<version>/bin. */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql');
  return join(root, newest, 'bin');
}

/** initdb and postgres refuse to run as root; CI runs as root, so they run as Debian's `postgres` user then. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return isRoot ? ['/usr/sbin/runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function exec(command: string, args: string[]): Promise<unknown> {
  const [file, argv] = asServerUser(command, args);
  return run(file, argv, { timeout: COMMAND_TIMEOUT_MS });
}

/** Clusters started here, so a test file that dies early leaves no server behind (each stopped by its data dir). */
const clusters = new Map<string, string>();
process.once('exit', () => {
  for (const [dataDir, dir] of clusters) {
    try {
      const [file, argv] = asServerUser(join(binDir(), 'pg_ctl'), [
        'stop',
        '-D',
        dataDir,
        '-m',
        'immediate',
        '-w',
      ]);
      execFileSync(file, argv, { stdio: 'ignore', timeout: 10_000 });
    } catch {
      // not running
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Starts a real PostgreSQL for a test file: `initdb` in a temp dir, `pg_ctl start` on a free loopback port with
 * `fsync=on`, waits (bounded) until it accepts connections, and creates the database `openim_hooks_test`.
 * Call at the top level of the test file and stop it in a top-level `after`.
 *
 * @example
 * const postgres = await startPostgres();
 * after(() => postgres.stop());
 * const store = openStore(postgres.url);
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'openim-hooks-pg-'));
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const dataDir = join(dir, 'data');
  const logPath = join(dir, 'server.log');
  clusters.set(dataDir, dir);
  const port = await freePort();
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;

  async function start(): Promise<void> {
    const options = [
      `-p ${port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${dir}`,
      '-c fsync=on',
      '-c synchronous_commit=on',
      '-c max_connections=200',
    ].join(' ');
    try {
      await exec(join(bin, 'pg_ctl'), [
        'start',
        '-D',
        dataDir,
        '-l',
        logPath,
        '-w',
        '-t',
        String(READY_TIMEOUT_S),
        '-o',
        options,
      ]);
    } catch (error) {
      throw new Error(`PostgreSQL did not start: ${String(error)}\n${tail(logPath)}`);
    }
  }

  async function stopServer(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!existsSync(join(dataDir, 'postmaster.pid'))) return;
    await exec(join(bin, 'pg_ctl'), ['stop', '-D', dataDir, '-m', mode, '-w', '-t', String(READY_TIMEOUT_S)]);
  }

  async function admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  try {
    await exec(join(bin, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    await start();
    await admin('CREATE DATABASE openim_hooks_test');
  } catch (error) {
    await stopServer().catch(() => undefined);
    clusters.delete(dataDir);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    url: `postgres://postgres@127.0.0.1:${port}/openim_hooks_test`,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      await admin(`CREATE DATABASE ${name}`);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      if (!clusters.has(dataDir)) return;
      try {
        await stopServer();
      } finally {
        clusters.delete(dataDir);
        rmSync(dir, { recursive: true, force: true });
      }
    },
    async restart() {
      await stopServer();
      await start();
    },
    halt: (mode) => stopServer(mode),
    async resume() {
      if (!existsSync(join(dataDir, 'postmaster.pid'))) await start();
    },
    pid() {
      const file = join(dataDir, 'postmaster.pid');
      return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
    },
  };
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}
