import { statfs } from 'node:fs/promises';

/** Bytes an unprivileged writer may still use on the file system holding `dir`. */
export async function freeSpace(dir: string): Promise<number> {
  const { bavail, bsize } = await statfs(dir);
  return bavail * bsize;
}
