// Waiting on a promise that is not itself abortable (an ack, a shared refresh), but giving
// up when a signal aborts: the one place where that listener bookkeeping lives.

/** Settles as `promise` does, or rejects with the signal's reason when `signal` aborts first. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

/**
 * Runs `step` now and then every `everyMs` (measured from the start of each step, as the
 * SDKs pace heartbeats) until `signal` aborts. A step's error ends the loop with that error,
 * unless the signal aborted meanwhile.
 */
export async function repeat(everyMs: number, signal: AbortSignal, step: () => Promise<void>): Promise<void> {
  while (!signal.aborted) {
    const started = performance.now();
    try {
      await step();
    } catch (error) {
      // A step cut short by the abort is the loop ending, not a failure.
      if (signal.aborted) return;
      throw error;
    }
    const waitMs = Math.max(0, everyMs - (performance.now() - started));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, waitMs);
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
