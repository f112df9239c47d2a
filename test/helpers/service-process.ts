import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, stopProcess, waitForHttp } from '../../bench/lib/processes.js';

export const BIN = fileURLToPath(new URL('../../bin/openim-hooks.js', import.meta.url));

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  /** Everything the process wrote to stdout so far (its JSON log lines). */
  readonly logs: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs the built `openim-hooks serve` as a user would, on a free port, and waits until it answers /healthz. */
export async function startServiceProcess(
  args: string[],
  options: { port?: number; env?: NodeJS.ProcessEnv } = {},
) {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`);
  const service: ServiceProcess = {
    child,
    url,
    port,
    logs: () => output,
    stop: (signal) => stopProcess(child, signal),
  };
  return service;
}

const execFileAsync = promisify(execFile);

/** Runs the CLI to completion; resolves with its stdout (rejects on a non-zero exit). */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
  });
  return stdout;
}

/** Runs the CLI to completion whatever its exit code: what a user would see. */
export function runCliResult(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
