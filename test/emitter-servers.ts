import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface CapturedRequest {
  readonly method: string;
  readonly path: string;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly json: Record<string, unknown>;
}

export interface TestServer {
  /** `http://127.0.0.1:<port>/callbackExample`: the webhooks.yml url pointing here. */
  readonly url: string;
  readonly port: number;
  readonly requests: CapturedRequest[];
  close(): Promise<void>;
}

export type Handler = (request: CapturedRequest, res: ServerResponse, req: IncomingMessage) => void;

/** A real HTTP server on a free 127.0.0.1 port that records every request and lets `handler` answer. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: CapturedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch {
        // recorded raw
      }
      const captured = {
        method: req.method ?? '',
        path: req.url ?? '',
        rawHeaders: req.rawHeaders,
        body,
        json,
      };
      requests.push(captured);
      handler(captured, res, req);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callbackExample`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Answers `body` with `status` and a JSON content type. */
export function answer(body: string, status = 200): Handler {
  return (_request, res) => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
}

export const SUCCESS = '{"actionCode":0,"errCode":0,"errMsg":"","errDlt":"","nextCode":0}';

/** A TCP server that records the raw bytes of the first request and answers a fixed HTTP response. */
export async function startRawServer(): Promise<{
  url: string;
  received: Promise<Buffer>;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let resolveReceived: (bytes: Buffer) => void = () => undefined;
  const received = new Promise<Buffer>((resolve) => (resolveReceived = resolve));
  const server = createNetServer((socket) => {
    sockets.add(socket);
    let bytes = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      const headEnd = bytes.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const length = /content-length: (\d+)/i.exec(bytes.subarray(0, headEnd).toString('latin1'))?.[1];
      if (bytes.length < headEnd + 4 + Number(length ?? 0)) return;
      resolveReceived(bytes);
      socket.end(`HTTP/1.1 200 OK\r\nContent-Length: ${SUCCESS.length}\r\n\r\n${SUCCESS}`);
    });
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callbackExample`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
