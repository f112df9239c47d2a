import type { InboxRecord } from './inbox-record.js';
import { listSegments } from './inbox-segments.js';
import { SegmentFile } from './segment-file.js';

/** Where reading resumes: after record `seq`, at `offset` of the segment whose first seq is `segment`. */
export interface InboxCursor {
  readonly seq: number;
  /** 0 before the first segment was reached. */
  readonly segment: number;
  readonly offset: number;
}

/**
 * Reads the inbox in seq order, never past what the writer reported durable. Within a segment records follow each
 * other; where a segment's records end while durable ones remain, they continue in the next segment (the writer
 * opens a new one only once the previous is complete).
 */
export class InboxReader {
  private file: SegmentFile | undefined;
  private at: InboxCursor;

  constructor(
    private readonly dir: string,
    from: InboxCursor,
  ) {
    this.at = from;
  }

  get cursor(): InboxCursor {
    return this.at;
  }

  /** Up to `maxRecords` records (and about `maxBytes`) after the cursor, none past `durableSeq`. */
  read(durableSeq: number, maxRecords: number, maxBytes: number): InboxRecord[] {
    const records: InboxRecord[] = [];
    let bytes = 0;
    while (records.length < maxRecords && bytes < maxBytes && this.at.seq < durableSeq) {
      const file = this.file ?? this.open();
      if (!file) break;
      const decoded = file.recordAt(this.at.offset);
      if (decoded.kind === 'record' && decoded.record.seq > this.at.seq) {
        if (decoded.record.seq > durableSeq) break;
        // The segment reader reuses its buffer: the body is copied out (a few hundred bytes) to outlive it.
        records.push({ ...decoded.record, body: Buffer.from(decoded.record.body) });
        bytes += decoded.bytes;
        this.at = {
          seq: decoded.record.seq,
          segment: this.at.segment,
          offset: this.at.offset + decoded.bytes,
        };
      } else if (!this.nextSegment()) {
        break;
      }
    }
    return records;
  }

  /** Back to a cursor read before (a projection that failed to commit is read again). */
  rewind(to: InboxCursor): void {
    if (to.segment !== this.at.segment) this.close();
    this.at = to;
  }

  close(): void {
    this.file?.close();
    this.file = undefined;
  }

  /** Opens the cursor's segment (or the first one, before any). */
  private open(): SegmentFile | undefined {
    const segments = listSegments(this.dir);
    const current = segments.find((s) => s.firstSeq === this.at.segment);
    // No segment of the cursor's (a database older than the inbox, or a fresh one): the first one after the cursor.
    const segment = current ?? segments.find((s) => s.firstSeq > this.at.seq);
    if (!segment) return undefined;
    if (!current) this.at = { seq: this.at.seq, segment: segment.firstSeq, offset: 0 };
    this.file = new SegmentFile(segment.path);
    return this.file;
  }

  private nextSegment(): boolean {
    const next = listSegments(this.dir).find((s) => s.firstSeq > this.at.segment);
    if (!next) return false;
    this.close();
    this.at = { seq: this.at.seq, segment: next.firstSeq, offset: 0 };
    this.file = new SegmentFile(next.path);
    return true;
  }
}
