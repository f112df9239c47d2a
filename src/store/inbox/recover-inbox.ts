import { closeSync, existsSync, fdatasyncSync, openSync, unlinkSync } from 'node:fs';
import { listSegments } from './inbox-segments.js';
import type { Segment } from './inbox-segments.js';
import { SegmentFile } from './segment-file.js';

/** Where the log ends: the segment to append to, the offset after its last record, and that record's seq. */
export interface InboxEnd {
  readonly segment: Segment | undefined;
  readonly offset: number;
  /** The last seq in the log; 0 when the log holds no record. */
  readonly lastSeq: number;
}

/** Reads a segment up to its first non-record: the offset after its last record, and that record's seq (0: none). */
function scanSegment(path: string): { offset: number; lastSeq: number } {
  const file = new SegmentFile(path);
  let offset = 0;
  let lastSeq = 0;
  try {
    for (;;) {
      const decoded = file.recordAt(offset);
      if (decoded.kind !== 'record' || decoded.record.seq <= lastSeq) return { offset, lastSeq };
      lastSeq = decoded.record.seq;
      offset += decoded.bytes;
    }
  } finally {
    file.close();
  }
}

/**
 * Finds the end of the log after a stop or a crash: the last segment is read up to its first non-record (zeros, or
 * a write that never completed). What it holds is made durable before anything is appended after it, since a
 * SIGKILL leaves written bytes in the page cache, not yet on disk. A last segment with no record (a rollover that
 * crashed before its first write) is removed.
 */
export function recoverInbox(dir: string): InboxEnd {
  const segments = listSegments(dir);
  for (let i = segments.length - 1; i >= 0; i -= 1) {
    const segment = segments[i] as Segment;
    const { offset, lastSeq } = scanSegment(segment.path);
    if (lastSeq > 0) {
      const fd = openSync(segment.path, 'r+');
      try {
        fdatasyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return { segment, offset, lastSeq };
    }
    unlinkSync(segment.path);
  }
  return { segment: undefined, offset: 0, lastSeq: 0 };
}

/** The last seq in an inbox another process may be writing (read only; 0 when it holds no record). */
export function inboxTail(dir: string): number {
  if (!existsSync(dir)) return 0;
  const segments = listSegments(dir);
  for (let i = segments.length - 1; i >= 0; i -= 1) {
    const { lastSeq } = scanSegment((segments[i] as Segment).path);
    if (lastSeq > 0) return lastSeq;
  }
  return 0;
}
