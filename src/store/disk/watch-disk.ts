import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { freeSpace } from './free-space.js';
import { makeReserve, reserveSize } from './reserve-file.js';

/** What the service knows of the disk that holds the database. */
export interface DiskStatus {
  readonly dir: string;
  /** Free bytes at the last look. */
  readonly freeBytes: number;
  /** Size of the reserve to hold (0: none configured). */
  readonly reserveBytes: number;
  /** The reserve is on disk now. */
  readonly reserveHeld: boolean;
  /** The reserve was given up because the disk filled, and is not taken back yet. */
  readonly reserveReleased: boolean;
  /** Free space is under the low-water mark: writes that need new blocks are about to fail, or failing. */
  readonly nearlyFull: boolean;
}

export interface DiskWatch {
  status(): DiskStatus;
  /** Looks now (after a write failed for want of space, say): releases or takes back the reserve. */
  check(): Promise<DiskStatus>;
  /** Stops looking; the reserve file stays for the next start. */
  close(): Promise<void>;
}

export interface DiskWatchOptions {
  /** The reserve file (it names the file system watched). */
  readonly reservePath: string;
  /** 0: no reserve, only watch. */
  readonly reserveBytes: number;
  readonly intervalMs?: number;
  /** The reserve was deleted: the disk filled. */
  readonly onRelease?: (status: DiskStatus) => void;
  /** The reserve is back: there is room again. */
  readonly onRetake?: (status: DiskStatus) => void;
  /** The reserve could not be made (no room yet, or an error): it is tried again later. */
  readonly onReserveError?: (error: Error, status: DiskStatus) => void;
}

const MiB = 1 << 20;

/**
 * Watches the free space of the file system that holds the database, once a second, and keeps a reserve file there
 * (Redis's `maxmemory` has a policy for its limit; this is ours for the disk). When free space falls under the low
 * water mark (a quarter of the reserve, between 1 and 16 MiB) the reserve is deleted, so that the inbox can roll over,
 * the projection and its WAL can grow and recording goes on while an operator makes room; it is made again once
 * the free space exceeds the reserve plus twice the low water mark. A write that failed for want of space calls
 * `check` at once rather than waiting for the next look.
 */
export function watchDisk(options: DiskWatchOptions): DiskWatch {
  const dir = dirname(options.reservePath);
  const bytes = options.reserveBytes;
  const lowWater = Math.min(16 * MiB, Math.max(MiB, Math.floor(bytes / 4)));
  let freeBytes = Number.POSITIVE_INFINITY;
  let held = false;
  let released = false;
  let making: Promise<void> | undefined;
  let looking: Promise<DiskStatus> | undefined;
  let closed = false;

  const status = (): DiskStatus => ({
    dir,
    freeBytes,
    reserveBytes: bytes,
    reserveHeld: held,
    reserveReleased: released,
    nearlyFull: freeBytes < lowWater,
  });

  function take(): void {
    making ??= makeReserve(options.reservePath, bytes)
      .then(
        async () => {
          held = true;
          const wasReleased = released;
          released = false;
          freeBytes = await freeSpace(dir).catch(() => freeBytes);
          if (wasReleased) options.onRetake?.(status());
        },
        (error: unknown) =>
          options.onReserveError?.(error instanceof Error ? error : new Error(String(error)), status()),
      )
      .finally(() => (making = undefined));
  }

  async function look(): Promise<DiskStatus> {
    freeBytes = await freeSpace(dir).catch(() => freeBytes);
    if (bytes === 0 || closed) return status();
    if (held && freeBytes < lowWater) {
      await rm(options.reservePath, { force: true });
      held = false;
      released = true;
      freeBytes = await freeSpace(dir).catch(() => freeBytes);
      options.onRelease?.(status());
    } else if (!held && !making && freeBytes >= bytes + 2 * lowWater) {
      take();
    }
    return status();
  }

  function check(): Promise<DiskStatus> {
    looking ??= look().finally(() => (looking = undefined));
    return looking;
  }

  const started = (async () => {
    // A reserve an earlier run left is kept; one of another size (or of a run that had one, when this has none) goes.
    if (bytes > 0 && (await reserveSize(options.reservePath)) >= bytes) held = true;
    else await rm(options.reservePath, { force: true });
    await check();
    // At start, a disk too full for the reserve is a disk that already filled.
    if (bytes > 0 && !held && !making) {
      released = true;
      options.onRelease?.(status());
    }
  })();
  const timer = setInterval(
    () => void started.then(check).catch(() => undefined),
    options.intervalMs ?? 1000,
  );
  timer.unref();

  return {
    status,
    check: () => started.then(check),
    async close() {
      closed = true;
      clearInterval(timer);
      await started.catch(() => undefined);
      await looking?.catch(() => undefined);
      await making;
    },
  };
}
