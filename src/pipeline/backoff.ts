// Jittered exponential backoff ("full jitter": a random wait up to the exponential cap), the
// retry pacing of every loop in sluice: SLS calls in the source, sink commits in the
// pipeline. Full jitter keeps many consumers that failed together from retrying together.

import { setTimeout as delay } from 'node:timers/promises';

export interface BackoffOptions {
  /** Cap of the first wait; default 100 ms. */
  initialMs?: number;
  /** Largest wait; default 10 s. */
  maxMs?: number;
  /** Shortest wait after a throttling answer (403 quota): the SDKs pause 5 s there; default 1 s. */
  throttledMs?: number;
  /** [0, 1) source, for deterministic tests. */
  random?: () => number;
}

export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #throttledMs: number;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 100;
    this.#maxMs = options.maxMs ?? 10_000;
    this.#throttledMs = options.throttledMs ?? 1000;
    this.#random = options.random ?? Math.random;
  }

  /** Waits handed out so far: the failures of the loop that owns this Backoff. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The wait before the next try (ms); each call widens the range. A loop starts a new Backoff per call it retries. */
  next(throttled = false): number {
    const cap = Math.min(this.#maxMs, this.#initialMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt += 1;
    const wait = this.#random() * cap;
    // Throttling is the server asking for room: a floor, jittered above it, not a 0 ms retry.
    return Math.round(throttled ? Math.max(wait, this.#throttledMs * (1 + this.#random())) : wait);
  }
}

/** Waits `ms`; rejects with an AbortError (its `cause` the signal's reason) when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, signal === undefined ? undefined : { signal });
}
