import type { AcceptedCallback, RecordResult } from '../../protocol/index.js';

/** What the writer thread needs of a callback: no parsed payload, which would only cost a structured clone. */
export type CallbackToWrite = Pick<
  AcceptedCallback,
  'command' | 'kind' | 'operationID' | 'receivedAt' | 'idempotencyKey' | 'rawBody' | 'warnings' | 'conversation'
>;

export type WriterRequest =
  | { id: number; type: 'record'; callback: CallbackToWrite }
  | { id: number; type: 'heartbeat'; at: number }
  | { id: number; type: 'close' };

export type WriterReply = { id: number; ok: true; result: RecordResult | null } | { id: number; ok: false; error: string };
