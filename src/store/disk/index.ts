export { watchDisk } from './watch-disk.js';
export type { DiskStatus, DiskWatch, DiskWatchOptions } from './watch-disk.js';
export { freeSpace } from './free-space.js';
