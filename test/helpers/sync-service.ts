import { join } from 'node:path';
import { DEFAULT_CONFIG, startService } from '../../src/service/index.js';
import type { RunningService } from '../../src/service/index.js';
import { parseSinkConfig } from '../../src/sync/sink-config.js';

/** Short enough for a test, long enough (about 6 s) to outlast the outages the tests make. */
export const TEST_RETRY_SCHEDULE = ['50ms', '100ms', '200ms', '400ms', '800ms', '1s', '1s', '1s', '1s', '1s'];

/** The service in this process, on a free port, with these sinks (as a config file would give them). */
export function startServiceWithSinks(
  dir: string,
  name: string,
  sinks: Record<string, unknown>[],
): Promise<RunningService> {
  return startService({
    ...DEFAULT_CONFIG,
    port: 0,
    database: join(dir, `${name}.db`),
    logLevel: 'silent',
    allowPrivateSinks: true,
    sinks: sinks.map((sink, i) => parseSinkConfig({ retrySchedule: TEST_RETRY_SCHEDULE, ...sink }, i)),
  });
}
