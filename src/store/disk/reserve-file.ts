import { execFile } from 'node:child_process';
import { rename, rm, stat } from 'node:fs/promises';
import { zeroFilledFile } from '../inbox/segment-spare.js';

/** The size of the reserve file at `path`, 0 when there is none. */
export async function reserveSize(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.blocks * 512,
    () => 0,
  );
}

/** Resolves true when fallocate(1) reserved the space, false when it cannot here (not installed, not supported). */
const fallocate = (path: string, bytes: number) =>
  new Promise<boolean>((resolve, reject) =>
    execFile('fallocate', ['-l', String(bytes), path], (error, _stdout, stderr) => {
      if (!error) return resolve(true);
      if (/no space/i.test(stderr))
        return reject(Object.assign(new Error(stderr.trim()), { code: 'ENOSPC' }));
      resolve(false);
    }),
  );

/**
 * Makes the reserve: `bytes` of disk that belong to this file. fallocate(1) where the system has it (the blocks are
 * allocated at once, nothing is written); else zeros written and flushed a few MiB at a time. Made under a temporary
 * name and renamed, so a reserve that is there is whole; one that cannot be made (no room) leaves nothing behind.
 */
export async function makeReserve(path: string, bytes: number): Promise<void> {
  const temporary = `${path}.tmp`;
  await rm(temporary, { force: true });
  try {
    if (!(await fallocate(temporary, bytes))) {
      await rm(temporary, { force: true });
      await zeroFilledFile(temporary, bytes);
    }
    // A file system that allocates lazily (compression, say) leaves a file short of its blocks: no reserve then.
    if ((await reserveSize(temporary)) < bytes) throw new Error(`no room for a reserve of ${bytes} bytes`);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
