import { isPostgresUrl, watchDisk } from '../store/index.js';
import type { DiskWatch } from '../store/index.js';
import type { ServiceConfig } from './config.js';
import type { Logger } from './logger.js';

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/**
 * The watch on the disk that holds what this instance writes: the SQLite database (and its inbox) beside it, or with
 * PostgreSQL the spool. Its reserve file is `<database>-reserve` (`<spool>-reserve`). Releasing the reserve is an
 * error-level line (someone must make room); taking it back is an info line.
 */
export function watchDiskOf(config: ServiceConfig, logger: Logger): DiskWatch {
  const local = isPostgresUrl(config.database) ? config.spool : config.database;
  return watchDisk({
    reservePath: `${local}-reserve`,
    reserveBytes: config.diskReserveBytes,
    onRelease: (status) =>
      logger.error(
        { dir: status.dir, freeMiB: mib(status.freeBytes), reserveMiB: mib(status.reserveBytes) },
        `disk nearly full: released the ${mib(status.reserveBytes)} MiB reserve so that recording goes on; make room on ${status.dir} (retention, old files)`,
      ),
    onRetake: (status) =>
      logger.info(
        { dir: status.dir, freeMiB: mib(status.freeBytes) },
        'the disk has room again: the reserve is taken back',
      ),
    onReserveError: (error, status) =>
      logger.warn(
        { dir: status.dir, err: error.message },
        'the disk reserve could not be made: trying again later',
      ),
  });
}
