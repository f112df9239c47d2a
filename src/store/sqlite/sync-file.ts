import { closeSync, fsyncSync, openSync } from 'node:fs';

/** Flushes a file (or a folder's entries) to the disk. */
export function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
