import type { AcceptedCallback } from '../protocol/index.js';
import { acceptCallback } from '../receiver/accept-callback.js';
import type { ExportLine } from './export-line.js';

const BASE = '/callbackExample';

/**
 * One line of an export, accepted as the receiver accepts a live callback (the same route, checks, validation and
 * idempotency key: `import` dedupes exactly as OpenIM's redeliveries are), with the time and warnings it was
 * recorded with. Throws, naming the line, when it is not such a line or its body is not the bytes it was exported
 * with.
 */
export function importLine(text: string, lineNumber: number): AcceptedCallback {
  const fail = (why: string) => new Error(`line ${lineNumber}: ${why}`);
  let line: Partial<ExportLine>;
  try {
    line = JSON.parse(text) as Partial<ExportLine>;
  } catch {
    throw fail('not JSON');
  }
  const { callbackCommand, operationID, receivedAt, rawBody } = line;
  if (typeof callbackCommand !== 'string' || typeof operationID !== 'string' || typeof rawBody !== 'string')
    throw fail('needs callbackCommand, operationID and rawBody (a line of `openim-hooks events export`)');
  const at = typeof receivedAt === 'string' ? Date.parse(receivedAt) : Number.NaN;
  if (Number.isNaN(at)) throw fail(`receivedAt ${JSON.stringify(receivedAt)} is not an ISO 8601 time`);
  const body = Buffer.from(rawBody, 'utf8');
  const accepted = acceptCallback(
    {
      method: 'POST',
      url: `${BASE}/${callbackCommand}`,
      header: (name) => (name === 'content-type' ? 'application/json; charset=utf-8' : undefined),
      body,
    },
    { basePath: BASE, maxBodyBytes: 64 << 20, operationID, now: () => at },
  );
  if (!accepted.ok) throw fail(`refused as a callback: ${accepted.error} (${accepted.detail})`);
  const callback = accepted.callback;
  if (line.idempotencyKey !== undefined && line.idempotencyKey !== callback.idempotencyKey)
    throw fail(
      'its rawBody is not the bytes it was exported with (the idempotency key differs): was it edited?',
    );
  return Array.isArray(line.warnings) ? { ...callback, warnings: line.warnings } : callback;
}
