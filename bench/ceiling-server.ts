/**
 * The ceiling of every benchmark: a bare node:http server that reads the body, parses it as JSON and answers the
 * success package. No validation, no storage: nothing a receiver can do is faster.
 * Run as a child process; it prints `listening <port>` on stdout once ready. Port from argv[2], default 0 (free).
 */
import { createServer } from 'node:http';

const SUCCESS = Buffer.from('{"actionCode":0,"errCode":0,"errMsg":"","errDlt":"","nextCode":0}');

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': SUCCESS.length });
    res.end(SUCCESS);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`listening ${address.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
