/**
 * The load generator against the bare ceiling server: how many callbacks per second the emitter can produce on this
 * machine. Usage: node --import tsx bench/load-ceiling.ts [rate=5000] [seconds=10] [connections=16]
 * (after a 2 s warm-up at the same rate, left out of the figures)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { formatLoadReport, runLoad } from '../src/emitter/load/index.js';

const [rate = 5000, seconds = 10, connections = 16] = process.argv.slice(2).map(Number);
const server = spawn(
  process.execPath,
  ['--import', 'tsx', new URL('./ceiling-server.ts', import.meta.url).pathname],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
try {
  const [line] = (await once(server.stdout, 'data')) as [Buffer];
  const port = /listening (\d+)/.exec(line.toString())?.[1];
  if (port === undefined) throw new Error(`ceiling server said ${line.toString()}`);
  const report = await runLoad({
    url: `http://127.0.0.1:${port}/callbackExample`,
    rate,
    durationSeconds: seconds,
    connections,
    warmupSeconds: 2,
    onProgress: (p) => process.stderr.write(`${JSON.stringify(p)}\n`),
  });
  process.stdout.write(`${formatLoadReport(report)}\n`);
} finally {
  server.kill('SIGTERM');
}
