/**
 * The durable floor of the benchmarks: the least a durable receiver must do. A bare node:http server that parses the
 * body as JSON, appends the raw bytes to a file and answers once they are on disk: the callbacks of one turn of the
 * event loop share one write and one fdatasync, done off the event loop (group commit). No validation, no index.
 * Run as a child process; prints `listening <port>`. Port from argv[2] (default 0), the file from argv[3].
 */
import { createServer } from 'node:http';
import { fdatasync, openSync, write } from 'node:fs';

const SUCCESS = Buffer.from('{"actionCode":0,"errCode":0,"errMsg":"","errDlt":"","nextCode":0}');
const fd = openSync(process.argv[3] ?? 'durable-floor.log', 'w');
let position = 0;
let pending: { body: Buffer; answer: () => void }[] = [];
let writing = false;

function flush(): void {
  if (writing || pending.length === 0) return;
  writing = true;
  const batch = pending;
  pending = [];
  const bytes = Buffer.concat(batch.map((p) => p.body));
  write(fd, bytes, 0, bytes.length, position, () => {
    position += bytes.length;
    fdatasync(fd, () => {
      writing = false;
      for (const p of batch) p.answer();
      setImmediate(flush);
    });
  });
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    try {
      JSON.parse(body.toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end(SUCCESS);
    if (pending.push({ body, answer }) === 1) setImmediate(flush);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`listening ${address.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
