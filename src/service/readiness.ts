import type { DiskStatus, SpoolingRecorder, Store } from '../store/index.js';

export interface ReadinessInputs {
  readonly store: Store;
  readonly spooling: SpoolingRecorder | undefined;
  readonly maxLagSeconds: number;
  /** The disk of the database, when watched. */
  readonly disk: (() => DiskStatus) | undefined;
  /** The last projection error, if one came within the last few seconds (the projection retries every second). */
  readonly projectionError: () => string | undefined;
}

const MiB = 2 ** 20;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

/** The disk's figures for the answer, once it has been looked at. */
const diskFields = (disk: DiskStatus | undefined) =>
  disk && Number.isFinite(disk.freeBytes)
    ? { disk: { freeBytes: disk.freeBytes, reserveReleased: disk.reserveReleased } }
    : {};

/** Why the disk is a concern now, or undefined. */
function diskConcern(disk: DiskStatus | undefined): string | undefined {
  if (!disk) return undefined;
  if (disk.reserveReleased)
    return `disk nearly full: ${mib(disk.freeBytes)} free on ${disk.dir}; the ${mib(disk.reserveBytes)} reserve was released so that recording goes on: make room`;
  if (disk.nearlyFull) return `disk nearly full: ${mib(disk.freeBytes)} free on ${disk.dir}: make room`;
  return undefined;
}

/**
 * `ready` when the store acknowledges durably and nothing trails; `degraded` (still 200: callbacks are acknowledged
 * durably) while PostgreSQL is unreachable and the spool takes them, while reads trail the acknowledgements, while
 * the projection fails (a full disk, say) or the disk reserve had to be released; 503 only when no callback can be
 * acknowledged at all. The body says why.
 */
export async function readiness(
  inputs: ReadinessInputs,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const disk = inputs.disk?.();
  try {
    await (inputs.spooling ?? inputs.store).checkWritable();
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    const concern = diskConcern(disk);
    return {
      status: 503,
      body: {
        status: 'unavailable',
        reason: `callbacks cannot be recorded: ${cause}${concern ? ` (${concern})` : ''}`,
        ...diskFields(disk),
      },
    };
  }
  const spooled = inputs.spooling?.status();
  if (spooled?.state === 'degraded') {
    return {
      status: 200,
      body: { status: 'degraded', spoolDepth: spooled.spoolDepth, reason: spooled.reason },
    };
  }
  const reasons: string[] = [];
  const fields: Record<string, unknown> = {};
  const concern = diskConcern(disk);
  if (concern) {
    reasons.push(concern);
    Object.assign(fields, diskFields(disk));
  }
  const failing = inputs.projectionError();
  if (failing !== undefined) reasons.push(`the projection fails (callbacks wait in the inbox): ${failing}`);
  // Callbacks are still acknowledged durably while reads trail: degraded, not unavailable.
  const lag = await inputs.store.projectionLag();
  if (lag.seconds > inputs.maxLagSeconds) {
    fields['projectionLag'] = lag;
    reasons.push(
      `reads trail the acknowledged callbacks by ${lag.events} callbacks (${lag.seconds.toFixed(1)} s)`,
    );
  }
  if (reasons.length === 0) return { status: 200, body: { status: 'ready' } };
  return { status: 200, body: { status: 'degraded', ...fields, reason: reasons.join('; ') } };
}
