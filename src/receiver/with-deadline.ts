export type DeadlineResult<T> = { ok: true; value: T } | { ok: false; error: unknown; timedOut: boolean };

/** Settles with the work's result, or with a timeout once `ms` have passed; the work itself keeps running. */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<DeadlineResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<DeadlineResult<T>>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, error: new Error(`no answer within ${ms} ms`), timedOut: true }),
      ms,
    );
  });
  try {
    return await Promise.race([
      work.then(
        (value): DeadlineResult<T> => ({ ok: true, value }),
        (error: unknown): DeadlineResult<T> => ({ ok: false, error, timedOut: false }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
