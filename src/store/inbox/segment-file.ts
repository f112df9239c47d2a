import { closeSync, openSync, readSync } from 'node:fs';
import { decodeInboxRecord } from './inbox-record.js';
import type { Decoded } from './inbox-record.js';

const CHUNK_BYTES = 256 << 10;

/**
 * Reads the records of one segment file from a given offset, a chunk at a time, into one buffer it reuses: a
 * record's bytes are valid until the next call (copy what must outlive it). What it read ahead is never trusted when
 * it does not decode: the writer may have appended since, so the bytes are read again before the segment is declared
 * to end there.
 */
export class SegmentFile {
  private readonly fd: number;
  private storage = Buffer.allocUnsafe(CHUNK_BYTES);
  private buffer = this.storage.subarray(0, 0);
  /** File offset of `buffer[0]`. */
  private bufferStart = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
  }

  /** The record at `offset`, or `end`. */
  recordAt(offset: number): Exclude<Decoded, { kind: 'short' }> {
    const cached = this.decodeCached(offset);
    if (cached?.kind === 'record') return cached;
    let decoded = this.refill(offset, CHUNK_BYTES);
    if (decoded.kind === 'short') decoded = this.refill(offset, decoded.needed);
    return decoded.kind === 'short' ? { kind: 'end' } : decoded;
  }

  close(): void {
    closeSync(this.fd);
  }

  private decodeCached(offset: number): Decoded | undefined {
    const at = offset - this.bufferStart;
    if (at < 0 || at >= this.buffer.length) return undefined;
    return decodeInboxRecord(this.buffer, at);
  }

  private refill(offset: number, bytes: number): Decoded {
    if (bytes > this.storage.length) this.storage = Buffer.allocUnsafe(bytes);
    const read = readSync(this.fd, this.storage, 0, this.storage.length, offset);
    this.buffer = this.storage.subarray(0, read);
    this.bufferStart = offset;
    return decodeInboxRecord(this.buffer, 0);
  }
}
