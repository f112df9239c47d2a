import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ConsumedEvent {
  id: string;
  callbackCommand: string;
  operationID: string;
  payload: Record<string, unknown>;
}

/**
 * A business server receiving our HTTP sink: it verifies every signature with the independent Standard Webhooks
 * library (not our code), and answers with whatever status the test sets. It counts deliveries per event id, so a
 * test can tell missing from duplicated.
 */
export class WebhookConsumer {
  readonly deliveries = new Map<string, number>();
  readonly events = new Map<string, ConsumedEvent>();
  unverified = 0;
  /** The status to answer; 200 by default. */
  status = 200;
  /** Headers to answer with (for example Retry-After). */
  headers: Record<string, string> = {};
  /** Answers this long after counting a delivery (a slow business server: attempts stay in flight). */
  delayMs = 0;
  private server: Server | undefined;
  private readonly verifier: Webhook;
  port = 0;

  constructor(secret: string) {
    this.verifier = new Webhook(secret);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (this.status >= 200 && this.status < 300) {
          try {
            const event = this.verifier.verify(body, req.headers as Record<string, string>) as ConsumedEvent;
            this.deliveries.set(event.id, (this.deliveries.get(event.id) ?? 0) + 1);
            this.events.set(event.id, event);
          } catch {
            this.unverified += 1;
            res.writeHead(400).end();
            return;
          }
        }
        const answer = () => res.writeHead(this.status, this.headers).end();
        if (this.delayMs > 0) setTimeout(answer, this.delayMs);
        else answer();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  /** Distinct events whose payload has this ownerUserId prefix. */
  owners(prefix: string): Set<string> {
    return new Set(
      [...this.events.values()]
        .map((e) => String(e.payload['ownerUserId'] ?? ''))
        .filter((o) => o.startsWith(prefix)),
    );
  }

  duplicates(): number {
    return [...this.deliveries.values()].reduce((sum, n) => sum + (n - 1), 0);
  }
}
