import { close, existsSync, fdatasync, open, rename, rmSync, statSync, write } from 'node:fs';
import { join } from 'node:path';

/**
 * The next segment while it is zero-filled: `done` once it is on disk and may be renamed into place; `failed` when it
 * could not be made (a full disk), so that another is tried later.
 */
export interface Spare {
  readonly path: string;
  readonly bytes: number;
  done: boolean;
  failed?: boolean;
  readonly ready: Promise<void>;
}

/** A spare being zero-filled, and one that is complete (zero-filled and flushed before it was renamed). */
const FILLING = 'spare.tmp';
const READY = 'spare.ready';
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
  const path = join(dir, READY);
  const spare: Spare & { ready: Promise<void> } = { path, bytes, done: false, ready: Promise.resolve() };
  const filling = join(dir, FILLING);
  spare.ready = zeroFilledFile(filling, bytes)
    .then(() => renameFile(filling, path))
    .then(
      () => void (spare.done = true),
      () => {
        spare.failed = true;
        removeSpare(dir);
      },
    );
  return spare;
}

/**
 * The complete spare an earlier run left, if any: a restart (a crash, say) reuses it rather than zero-fill another
 * next to a busy log. One still being filled is not trusted and goes.
 */
export function leftSpare(dir: string): Spare | undefined {
  rmSync(join(dir, FILLING), { force: true });
  const path = join(dir, READY);
  if (!existsSync(path)) return undefined;
  return { path, bytes: statSync(path).size, done: true, ready: Promise.resolve() };
}

/** Removes the spare being filled (a complete one stays for the next run). */
export function removeSpare(dir: string): void {
  rmSync(join(dir, FILLING), { force: true });
}

export const renameFile = (from: string, to: string) =>
  call<void>((done) => rename(from, to, (error) => done(error, undefined)));
