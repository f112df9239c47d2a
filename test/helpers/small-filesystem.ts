import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A small ext4 file system of its own, loop-mounted from an image file (root only). */
export interface SmallFilesystem {
  readonly dir: string;
  /** Unmounts it (its loop device goes with it) and removes the image: by path, whatever state it is in. */
  cleanup(): void;
}

const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: 'pipe' });

/**
 * Makes a `mib` MiB ext4 image (no blocks reserved for root: the tests run as root, and a full disk must be full
 * for them too) and mounts it. Resolves with the reason instead when this machine does not let us (not root, no
 * loop devices, in a container without the capability): the caller skips, saying why.
 */
export function mountSmallFilesystem(mib: number): SmallFilesystem | { skip: string } {
  const base = mkdtempSync(join(tmpdir(), 'openim-hooks-disk-'));
  const image = join(base, 'disk.img');
  const dir = join(base, 'mnt');
  const fd = openSync(image, 'w');
  ftruncateSync(fd, mib << 20);
  closeSync(fd);
  let mounted = false;
  const cleanup = () => {
    if (mounted) {
      try {
        run('umount', [dir]);
      } catch {
        run('umount', ['-l', dir]); // still busy (a process we started did not exit): detach it anyway
      }
      mounted = false;
    }
    // `mount -o loop` frees its loop device on unmount; one left by a crash is detached by its image's path.
    try {
      const devices = run('losetup', ['-j', image]).toString().split('\n');
      for (const line of devices) {
        const device = line.split(':')[0];
        if (device) run('losetup', ['-d', device]);
      }
    } catch {
      // losetup not there: nothing was attached through it
    }
    rmSync(base, { recursive: true, force: true });
  };
  try {
    run('mkfs.ext4', ['-q', '-F', '-m', '0', image]);
    run('mkdir', ['-p', dir]);
    run('mount', ['-o', 'loop', image, dir]);
    mounted = true;
    return { dir, cleanup };
  } catch (error) {
    cleanup();
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return { skip: `cannot mount a loop file system here (${stderr || String(error)})` };
  }
}

/** Writes `path` until the file system says ENOSPC (a MiB at a time, flushed); resolves with the bytes written. */
export async function fillDisk(path: string, maxBytes = 1 << 30): Promise<number> {
  const chunk = Buffer.alloc(1 << 20, 0x5a);
  const file = await open(path, 'a');
  let written = 0;
  try {
    while (written < maxBytes) {
      try {
        const { bytesWritten } = await file.write(chunk);
        written += bytesWritten;
        if (bytesWritten < chunk.length) break;
      } catch (error) {
        if ((error as { code?: unknown }).code === 'ENOSPC') break;
        throw error;
      }
    }
    await file.sync().catch(() => undefined);
  } finally {
    await file.close();
  }
  // A last partial block: a write smaller than a MiB may still fit.
  const small = Buffer.alloc(4096, 0x5a);
  const tail = await open(path, 'a');
  try {
    for (;;) {
      const { bytesWritten } = await tail.write(small).catch(() => ({ bytesWritten: 0 }));
      if (bytesWritten === 0) break;
      written += bytesWritten;
    }
  } finally {
    await tail.close();
  }
  return written;
}
