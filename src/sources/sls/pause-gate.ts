// Pause and resume of pulling (SIGUSR2, the admin endpoint): every puller passes the gate
// before each PullLogs. Only pulling waits here; heartbeats and checkpoint commits run on
// their own timers, so a paused consumer keeps its shards and keeps committing what the
// pipeline finishes meanwhile.

import { abortable } from './abortable.js';

export class PauseGate {
  /** Resolves when resumed; present only while paused. */
  #reopened: Promise<void> | undefined;
  #open: (() => void) | undefined;

  get paused(): boolean {
    return this.#reopened !== undefined;
  }

  pause(): void {
    if (this.#reopened !== undefined) return;
    this.#reopened = new Promise((resolve) => (this.#open = resolve));
  }

  resume(): void {
    this.#open?.();
    this.#reopened = undefined;
    this.#open = undefined;
  }

  /** Resolves at once when not paused, else on resume; rejects with the signal's reason on abort. */
  whenOpen(signal: AbortSignal): Promise<void> {
    return this.#reopened === undefined ? Promise.resolve() : abortable(this.#reopened, signal);
  }
}
