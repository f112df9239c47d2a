import { close, fdatasync, open, rename, rmSync, write } from 'node:fs';
import { join } from 'node:path';

/** The next segment while it is zero-filled: `done` once it is on disk and may be renamed into place. */
export interface Spare {
  readonly path: string;
  readonly bytes: number;
  done: boolean;
  readonly ready: Promise<void>;
}

const SPARE = 'spare.tmp';
const CHUNK_BYTES = 1 << 20;
/** Flushed every so many bytes, so that the disk never has a long flush queued in front of an acknowledgement's. */
const FLUSH_EVERY_BYTES = 4 << 20;

let zeros: Buffer | undefined;

const call = <T>(run: (done: (error: Error | null, value: T) => void) => void) =>
  new Promise<T>((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value))));

/** Creates `path` holding `bytes` zeros, on disk, a MiB at a time from one shared buffer. */
export async function zeroFilledFile(path: string, bytes: number): Promise<void> {
  zeros ??= Buffer.alloc(CHUNK_BYTES);
  const fd = await call<number>((done) => open(path, 'wx', 0o644, done));
  try {
    for (let at = 0; at < bytes; at += CHUNK_BYTES) {
      const length = Math.min(CHUNK_BYTES, bytes - at);
      await call<number>((done) => write(fd, zeros as Buffer, 0, length, at, done));
      if ((at + length) % FLUSH_EVERY_BYTES === 0 || at + length >= bytes) {
        await call<void>((done) => fdatasync(fd, (error) => done(error, undefined)));
      }
    }
  } finally {
    await call<void>((done) => close(fd, (error) => done(error, undefined)));
  }
}

/**
 * Zero-fills the next segment in the background, in a file of its own: the writes of the current segment never
 * wait for it (a file-system write holds its file's lock). A spare that cannot be made (a full disk) is given up;
 * the next segment then grows as it is written.
 */
export function prepareSpare(dir: string, bytes: number): Spare {
  const path = join(dir, SPARE);
  const spare: { path: string; bytes: number; done: boolean; ready: Promise<void> } = {
    path,
    bytes,
    done: false,
    ready: Promise.resolve(),
  };
  spare.ready = zeroFilledFile(path, bytes).then(
    () => void (spare.done = true),
    () => removeSpare(dir),
  );
  return spare;
}

/** A spare left by an earlier run (complete or not) is not trusted: it is made again when needed. */
export function removeSpare(dir: string): void {
  rmSync(join(dir, SPARE), { force: true });
}

export const renameFile = (from: string, to: string) =>
  call<void>((done) => rename(from, to, (error) => done(error, undefined)));
