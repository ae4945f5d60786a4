// Callers waiting for a condition that only the pipeline's own events can make true (room in
// the queue, the end of a drain): woken when those events happen, never by polling.

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export class Waiters {
  #waiters: Waiter[] = [];

  get size(): number {
    return this.#waiters.length;
  }

  /** Resolves at the next wake(); rejects with the signal's reason if it aborts first, or at rejectAll(). */
  wait(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: () => this.#abort(waiter) };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Resolves every waiter. */
  wake(): void {
    this.#settle((waiter) => waiter.resolve());
  }

  rejectAll(reason: unknown): void {
    this.#settle((waiter) => waiter.reject(reason));
  }

  #settle(how: (waiter: Waiter) => void): void {
    const waiters = this.#waiters;
    if (waiters.length === 0) return;
    this.#waiters = [];
    for (const waiter of waiters) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      how(waiter);
    }
  }

  #abort(waiter: Waiter): void {
    const index = this.#waiters.indexOf(waiter);
    if (index < 0) return;
    this.#waiters.splice(index, 1);
    waiter.reject(waiter.signal?.reason);
  }
}
