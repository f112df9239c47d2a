import { closeSync, fsyncSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The inbox is a folder of segment files, each named by the seq of its first record: `0000000000000042.log`. */
export interface Segment {
  readonly firstSeq: number;
  readonly path: string;
}

const NAME = /^(\d{16})\.log$/;

export function segmentPath(dir: string, firstSeq: number): string {
  return join(dir, `${String(firstSeq).padStart(16, '0')}.log`);
}

/** The segments of an inbox folder, oldest first. */
export function listSegments(dir: string): Segment[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const match = NAME.exec(name);
      return match?.[1] ? [{ firstSeq: Number(match[1]), path: join(dir, name) }] : [];
    })
    .sort((a, b) => a.firstSeq - b.firstSeq);
}

/** Makes the folder's entries (a new segment, a removed one) survive a power cut. */
export function syncFolder(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
